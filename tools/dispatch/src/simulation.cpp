#include "siaga/dispatch/simulation.h"

#include <chrono>
#include <cmath>
#include <deque>
#include <queue>

#include "siaga/routing/route.h"
#include "siaga/tracking/unit_status.h"

namespace siaga::dispatch {

namespace {

using tracking::UnitStatus;
constexpr int64_t minute_ms = 60'000, hour_ms = 3'600'000, day_ms = 86'400'000;

struct SimUnit {
  const tracking::Unit* unit = nullptr;
  uint32_t profile = 0;
  geodata::Snap home;
  geodata::Snap at;  // where it waits while available
  bool available = true;
  bool relocating = false;
  geodata::Snap relocating_to;
  uint64_t generation = 0;  // bumped when dispatched: a pending arrival at a post is void then
};

enum class EventKind { call, dispatch, unit_free, unit_at_post, flood_start, flood_end };
struct Event {
  int64_t time_ms = 0;
  uint64_t order = 0;  // ties in the order scheduled
  EventKind kind = EventKind::call;
  size_t index = 0;  // call or unit
  uint64_t generation = 0;
  bool operator>(const Event& other) const {
    return time_ms != other.time_ms ? time_ms > other.time_ms : order > other.order;
  }
};

struct Call {
  DrawnCall drawn;
  size_t incident = 0;  // in the result's incidents
  bool prank = false;
};

class Simulation {
 public:
  Simulation(SimulationWorld& world, const SimulationOptions& options)
      : world_(world), options_(options), random_(options.seed), query_(*world.setup->cch) {
    for (const tracking::Unit& unit : world.fleet.units) {
      SimUnit sim;
      sim.unit = &unit;
      sim.profile = routing::profile_index(world.setup->live->profiles(), unit.type);
      sim.home = sim.at = world.snapper->snap(unit.home, {5000});
      units_.push_back(sim);
    }
  }

  SimulationResult run() {
    const auto started = std::chrono::steady_clock::now();
    result_.from_ms = options_.start_ms;
    result_.to_ms = options_.start_ms + static_cast<int64_t>(options_.days * day_ms);
    draw_calls();
    if (options_.flood_day) {
      const int64_t start =
          options_.start_ms + static_cast<int64_t>(world_.stream.flood_day.start_hour * hour_ms);
      schedule(start, EventKind::flood_start, 0);
      schedule(start + static_cast<int64_t>(world_.stream.flood_day.hours * hour_ms),
               EventKind::flood_end, 0);
    }
    while (!events_.empty()) {
      const Event event = events_.top();
      events_.pop();
      handle(event);
    }
    world_.setup->live->set_active(world_.scenario.active_hazards);
    result_.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return std::move(result_);
  }

 private:
  void schedule(int64_t time_ms, EventKind kind, size_t index, uint64_t generation = 0) {
    events_.push({time_ms, next_order_++, kind, index, generation});
  }

  // Poisson arrivals: real reports and prank calls over the whole run, plus the flood day's
  // extra reports inside the flooded kecamatan during its hours.
  void draw_calls() {
    const IncidentStream& stream = world_.stream;
    const double per_ms = stream.reports_per_day * options_.load / day_ms;
    arrivals(result_.from_ms, result_.to_ms, per_ms, std::string::npos, false);
    arrivals(result_.from_ms, result_.to_ms, per_ms * stream.prank_calls_per_report,
             std::string::npos, true);
    if (!options_.flood_day) return;
    const int64_t start =
        result_.from_ms + static_cast<int64_t>(stream.flood_day.start_hour * hour_ms);
    const int64_t end = start + static_cast<int64_t>(stream.flood_day.hours * hour_ms);
    for (size_t area : world_.flood_areas)
      arrivals(start, std::min(end, result_.to_ms),
               per_ms * (stream.flood_day.rate_multiplier - 1) * stream.areas[area].share, area,
               false);
  }

  void arrivals(int64_t from_ms, int64_t to_ms, double per_ms, size_t area, bool prank) {
    if (per_ms <= 0) return;
    std::exponential_distribution<double> gap(per_ms);
    for (double t = static_cast<double>(from_ms) + gap(random_); t < static_cast<double>(to_ms);
         t += gap(random_)) {
      calls_.push_back(
          {draw_call(world_.stream, world_.places, static_cast<int64_t>(t), area, random_), 0,
           prank});
      schedule(static_cast<int64_t>(t), EventKind::call, calls_.size() - 1);
    }
  }

  void handle(const Event& event) {
    switch (event.kind) {
      case EventKind::call:
        return answer(event.index, event.time_ms);
      case EventKind::dispatch:
        dispatch(event.index, event.time_ms, true);
        return;
      case EventKind::unit_free:
        return unit_free(event.index, event.time_ms);
      case EventKind::unit_at_post:
        return unit_at_post(event, event.time_ms);
      case EventKind::flood_start:
        return set_hazards(world_.flood_zones, event.time_ms);
      case EventKind::flood_end:
        return set_hazards(world_.scenario.active_hazards, event.time_ms);
    }
  }

  void set_hazards(const std::vector<std::string>& zones, int64_t now_ms) {
    world_.setup->live->set_active(zones);
    ++result_.hazard_changes;
    after_change(now_ms);
  }

  // The call is answered: an incident record, and the dispatch once the call is processed.
  void answer(size_t index, int64_t now_ms) {
    Call& call = calls_[index];
    tracking::IncidentTiming incident;
    incident.id = "SIM-" + std::to_string(result_.incidents.size() + 1);
    incident.incident_class = call.drawn.incident_class->incident_class;
    incident.kecamatan = world_.stream.areas[call.drawn.area].kecamatan;
    incident.created_ms = now_ms;
    incident.status = tracking::IncidentStatus::closed;
    call.incident = result_.incidents.size();
    result_.places.push_back(place_of(call));
    if (call.prank) {
      incident.call_type = tracking::CallType::prank;
      ++result_.pranks;
      result_.incidents.push_back(std::move(incident));
      return;
    }
    ++result_.reports;
    result_.incidents.push_back(std::move(incident));
    const double processing_ms = draw_duration(world_.stream.processing_seconds * 1000, random_);
    schedule(now_ms + static_cast<int64_t>(processing_ms), EventKind::dispatch, index);
  }

  // The middle of the call's street.
  geodata::LatLon place_of(const Call& call) const {
    return routing::segment_middle(world_.setup->network,
                                   world_.ground.segments[call.drawn.segment]);
  }

  std::vector<tracking::UnitState> unit_states(int64_t now_ms) const {
    std::vector<tracking::UnitState> states;
    for (const SimUnit& unit : units_) {
      tracking::UnitState state;
      state.unit = *unit.unit;
      state.status = unit.available ? UnitStatus::available : UnitStatus::dispatched;
      const geodata::LatLon at = unit.at.position;
      state.fix = tracking::PositionFix{unit.unit->id, 0, now_ms, at.lat, at.lon, 0, 0, 0, {}};
      state.road = tracking::RoadPosition{unit.at, false};
      states.push_back(std::move(state));
    }
    return states;
  }

  // The plan filled with the fastest available units; false when not one unit could be sent.
  bool dispatch(size_t index, int64_t now_ms, bool first_try) {
    Call& call = calls_[index];
    const ResponsePlan& plan =
        plan_for(world_.plans, call.drawn.incident_class->incident_class, call.drawn.subtype);
    const DispatchContext context{world_.setup->network, *world_.snapper, *world_.setup->live,
                                  world_.classes};
    const geodata::LatLon place = place_of(call);
    const std::vector<tracking::UnitState> states = unit_states(now_ms);
    const FilledPlan filled = fill_plan(context, states, place, plan, query_);
    std::vector<const RankedUnit*> sent;
    bool short_of_plan = false;
    for (const FilledSlot& slot : filled.slots) {
      short_of_plan |= slot.missing() > 0;
      for (const RankedUnit& unit : slot.units) sent.push_back(&unit);
      for (const RankedUnit& unit : slot.substitutes) sent.push_back(&unit);
    }
    if (first_try && short_of_plan) ++result_.short_of_plan;
    if (sent.empty()) {
      if (first_try) {
        ++result_.waited;
        waiting_.push_back(index);
      }
      return false;
    }
    bool transported = false;
    for (const RankedUnit* ranked : sent) {
      const size_t u = unit_index(ranked->state.unit.id);
      const bool transports = !transported && units_[u].unit->type == "ambulance" &&
                              uniform_(random_) < call.drawn.incident_class->transport_share;
      transported |= transports;
      send(u, call, filled.incident, ranked->route.duration_ms, transports, now_ms);
    }
    after_change(now_ms);
    return true;
  }

  size_t unit_index(const std::string& id) const {
    for (size_t u = 0; u < units_.size(); ++u)
      if (units_[u].unit->id == id) return u;
    throw ContractViolation("simulation: a plan named unit " + id + " that is not in the fleet");
  }

  // The unit's whole job, timed now (nothing diverts a unit in this model): turnout, the drive,
  // time on scene, the hospital if it transports, the drive home.
  void send(size_t u, const Call& call, const geodata::Snap& scene, uint32_t drive_ms,
            bool transports, int64_t now_ms) {
    SimUnit& unit = units_[u];
    const StreamClass& incident_class = *call.drawn.incident_class;
    const int64_t en_route =
        now_ms + static_cast<int64_t>(draw_duration(
                     world_.stream.turnout_seconds.at(unit.unit->type) * 1000, random_));
    const int64_t on_scene = en_route + drive_ms;
    int64_t leaves = on_scene + static_cast<int64_t>(draw_duration(
                                    incident_class.on_scene_minutes * minute_ms, random_));
    geodata::Snap from = scene;
    std::vector<UnitStatus> steps = {UnitStatus::dispatched, UnitStatus::en_route,
                                     UnitStatus::on_scene};
    if (transports && !world_.hospitals.empty()) {
      const auto [hospital, drive] = nearest_hospital(unit, scene);
      if (drive != routing::unreachable) {
        steps.push_back(UnitStatus::transporting);
        leaves += drive + static_cast<int64_t>(
                              draw_duration(incident_class.hospital_minutes * minute_ms, random_));
        from = hospital;
      }
    }
    steps.push_back(UnitStatus::returning);
    steps.push_back(UnitStatus::available);
    check_lifecycle(steps);
    const routing::Route home = route(unit, from, unit.home);
    const int64_t free_at = leaves + (home.found ? home.duration_ms : 0);
    unit.available = false;
    unit.relocating = false;
    unit.at = home.found ? unit.home : from;  // no road home: it waits where it is
    ++unit.generation;
    result_.incidents[call.incident].units.push_back({unit.unit->id, now_ms, en_route, on_scene});
    schedule(free_at, EventKind::unit_free, u);
  }

  // The server's lifecycle rules hold for every step the simulation takes.
  static void check_lifecycle(const std::vector<UnitStatus>& steps) {
    UnitStatus status = UnitStatus::available;
    for (UnitStatus next : steps) {
      const std::string why = tracking::transition_error(status, next);
      if (!why.empty()) throw ContractViolation("simulation: " + why);
      status = next;
    }
  }

  routing::Route route(const SimUnit& unit, const geodata::Snap& from, const geodata::Snap& to) {
    const auto set = world_.setup->live->current();
    return routing::route_between(world_.setup->network, set->metrics[unit.profile], from, to,
                                  query_);
  }

  std::pair<geodata::Snap, uint32_t> nearest_hospital(const SimUnit& unit,
                                                      const geodata::Snap& scene) {
    std::pair<geodata::Snap, uint32_t> best{scene, routing::unreachable};
    for (const geodata::Snap& hospital : world_.hospitals) {
      const routing::Route drive = route(unit, scene, hospital);
      if (drive.found && drive.duration_ms < best.second) best = {hospital, drive.duration_ms};
    }
    return best;
  }

  void unit_free(size_t u, int64_t now_ms) {
    units_[u].available = true;
    // Calls that found nobody get the first unit freed, oldest first.
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      if (dispatch(*it, now_ms, false)) {
        it = waiting_.erase(it);
      } else {
        ++it;
      }
      if (!units_[u].available) break;
    }
    after_change(now_ms);
  }

  void unit_at_post(const Event& event, int64_t now_ms) {
    SimUnit& unit = units_[event.index];
    if (unit.generation != event.generation || !unit.relocating) return;
    unit.relocating = false;
    unit.at = unit.relocating_to;
    after_change(now_ms);
  }

  // With move-ups: the suggestions carried out at once; back to quarters when a type has no
  // unit busy any more.
  void after_change(int64_t now_ms) {
    if (options_.policy != Policy::moveup) return;
    std::map<std::string, std::pair<size_t, size_t>> busy_of;  // type → (busy, all)
    for (const SimUnit& unit : units_) {
      auto& [busy, all] = busy_of[unit.unit->type];
      busy += !unit.available;
      ++all;
    }
    std::map<std::string, double> busy_fraction;
    for (const auto& [type, count] : busy_of)
      busy_fraction[type] = static_cast<double>(count.first) / static_cast<double>(count.second);
    std::vector<LiveUnit> available;
    for (const SimUnit& unit : units_) {
      if (!unit.available) continue;
      if (busy_fraction[unit.unit->type] == 0 && !unit.relocating &&
          unit.at.forward_arc != unit.home.forward_arc) {
        relocate(unit_index(unit.unit->id), unit.home, now_ms);
        available.push_back({unit.unit->id, unit.unit->type, unit.home, false});
        continue;
      }
      available.push_back({unit.unit->id, unit.unit->type,
                           unit.relocating ? unit.relocating_to : unit.at, !unit.relocating});
    }
    const LiveCoverageContext context{world_.setup->network, *world_.snapper, *world_.setup->live,
                                      world_.ground, world_.scenario.targets};
    const auto set = world_.setup->live->current();
    for (const MoveUp& move : suggest_moveups(context, *set, available, world_.scenario.stations,
                                              busy_fraction, options_.moveups, query_, &fields_)) {
      relocate(unit_index(move.unit_id), world_.snapper->snap(move.station_position, {5000}),
               now_ms);
    }
  }

  // The unit drives to `post`; it can still be sent from where it was until it arrives.
  void relocate(size_t u, const geodata::Snap& post, int64_t now_ms) {
    SimUnit& unit = units_[u];
    const routing::Route drive = route(unit, unit.at, post);
    if (!drive.found) return;
    unit.relocating = true;
    unit.relocating_to = post;
    ++result_.moveups;
    schedule(now_ms + drive.duration_ms, EventKind::unit_at_post, u, unit.generation);
  }

  SimulationWorld& world_;
  const SimulationOptions& options_;
  std::mt19937_64 random_;
  std::uniform_real_distribution<double> uniform_{0, 1};
  routing::CchQuery query_;
  FieldCache fields_;
  std::vector<SimUnit> units_;
  std::vector<Call> calls_;
  std::deque<size_t> waiting_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  uint64_t next_order_ = 0;
  SimulationResult result_;
};

}  // namespace

std::string_view policy_name(Policy policy) {
  return policy == Policy::closest ? "closest" : "moveup";
}

void check_simulation_options(const SimulationOptions& options) {
  if (!(options.days > 0)) throw InputError("simulate: days must be > 0");
  if (!(options.load > 0)) throw InputError("simulate: load must be > 0");
}

SimulationResult simulate(SimulationWorld& world, const SimulationOptions& options) {
  check_simulation_options(options);
  if (options.flood_day && world.flood_zones.empty())
    throw InputError("simulate: the stream " + world.stream.file.string() +
                     " describes no flood day with active zones");
  return Simulation(world, options).run();
}

}  // namespace siaga::dispatch
