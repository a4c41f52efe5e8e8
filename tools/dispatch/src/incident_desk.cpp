#include "siaga/dispatch/incident_desk.h"

#include <nlohmann/json.hpp>

#include "siaga/dispatch/place_labels.h"
#include "siaga/text_file.h"

namespace siaga::dispatch {

using tracking::Incident;
using tracking::UnitState;
using tracking::UnitStatus;

namespace {

double number_in(const nlohmann::json& root, const char* field, double fallback, double minimum,
                 const std::string& file) {
  if (!root.contains(field)) return fallback;
  if (!root[field].is_number() || !(root[field].get<double>() >= minimum))
    throw DataError(file + ": \"" + field + "\" must be a number of at least " +
                    std::to_string(minimum));
  return root[field].get<double>();
}

}  // namespace

int dispatch_refusal_status(tracking::Rejection reason) {
  switch (reason) {
    case tracking::Rejection::unknown_unit:
      return 404;
    case tracking::Rejection::journal_failure:
      return 503;
    default:
      return 409;
  }
}

AutoStatusRules load_auto_status_rules(const std::filesystem::path& file) {
  const nlohmann::json root =
      nlohmann::json::parse(read_text_file(file, "the auto-status rules"), nullptr, false);
  if (root.is_discarded() || !root.is_object()) throw DataError(file.string() + ": not JSON");
  AutoStatusRules rules;
  const std::string name = file.string();
  rules.en_route_speed_mps =
      number_in(root, "en_route_speed_mps", rules.en_route_speed_mps, 0, name);
  rules.en_route_moved_m = number_in(root, "en_route_moved_m", rules.en_route_moved_m, 1, name);
  rules.on_scene_radius_m = number_in(root, "on_scene_radius_m", rules.on_scene_radius_m, 1, name);
  rules.on_scene_speed_mps =
      number_in(root, "on_scene_speed_mps", rules.on_scene_speed_mps, 0, name);
  rules.on_scene_dwell_s = number_in(root, "on_scene_dwell_s", rules.on_scene_dwell_s, 0, name);
  rules.home_radius_m = number_in(root, "home_radius_m", rules.home_radius_m, 1, name);
  rules.delayed_ratio = number_in(root, "delayed_ratio", rules.delayed_ratio, 1, name);
  return rules;
}

std::filesystem::path default_auto_status_file() {
  return default_incident_types_file().parent_path() / "auto-status.json";
}

IncidentDesk::IncidentDesk(const DispatchContext& context, tracking::TrackingStore& units,
                           tracking::IncidentStore& incidents, routing::QueryPool& queries,
                           std::span<const ResponsePlan> plans, DeskOptions options)
    : context_(context),
      units_(units),
      incidents_(incidents),
      queries_(queries),
      plans_(plans),
      options_(std::move(options)),
      named_way_(nearest_named_way(context.network)) {
  follow_open_incidents();
}

void IncidentDesk::follow_open_incidents() {
  std::lock_guard lock(mutex_);
  const int64_t now = options_.clock();
  for (const Incident& incident : incidents_.list({.open_only = true, .limit = 100'000})) {
    for (const tracking::UnitAssignment& assignment : incident.units) {
      if (assignment.cleared()) continue;
      if (const auto state = units_.unit(assignment.unit_id, now)) {
        follow(incident, assignment.unit_id, *state, assignment.first_eta_ms);
        followed_[assignment.unit_id].dispatched_ms = assignment.dispatched_ms;
      }
    }
  }
}

size_t IncidentDesk::free_units_without_incident() {
  std::lock_guard lock(mutex_);
  const int64_t now = options_.clock();
  const tracking::StatusSet on_a_call = {UnitStatus::dispatched, UnitStatus::en_route,
                                         UnitStatus::on_scene, UnitStatus::transporting};
  size_t freed = 0;
  for (const UnitState& state : units_.units(now)) {
    if (state.incident_id.empty() || !on_a_call.has(state.status)) continue;
    const auto incident = incidents_.get(state.incident_id);
    const tracking::UnitAssignment* assignment =
        incident && tracking::is_open(incident->status) ? incident->unit(state.unit.id) : nullptr;
    if (assignment && !assignment->cleared()) continue;
    // Before it got there: available; after (on scene, transporting): on its way back.
    const bool arrived =
        state.status == UnitStatus::on_scene || state.status == UnitStatus::transporting;
    freed +=
        units_
            .change_status(state.unit.id, arrived ? UnitStatus::returning : UnitStatus::available,
                           "", now, state.status)
            .accepted;
  }
  return freed;
}

void IncidentDesk::on_change(std::function<void(const IncidentChange&)> listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void IncidentDesk::tell(const Incident& incident, std::string_view unit_id) {
  if (listener_ && !incident.events.empty()) listener_({incident, incident.events.back(), unit_id});
}

void IncidentDesk::changed(const Incident& incident) {
  std::lock_guard lock(mutex_);
  tell(incident, "");
}

tracking::IncidentStore::Created IncidentDesk::create(tracking::NewIncident incident,
                                                      const std::string& who, double max_snap_m) {
  tracking::Location& at = incident.location;
  const geodata::Snap snap = context_.snapper.snap({at.lat, at.lon}, {max_snap_m});
  at.snap_m = snap.distance_m;
  const uint32_t arc =
      snap.forward_arc != geodata::invalid_id ? snap.forward_arc : snap.backward_arc;
  at.road = context_.network.way_name[context_.network.arc_way[arc]];
  if (at.road.empty()) at.road = node_label(context_.network, named_way_, snap.tail);
  if (options_.kecamatan_of) at.kecamatan = options_.kecamatan_of({at.lat, at.lon});
  if (options_.desa_of) at.desa = options_.desa_of({at.lat, at.lon});
  std::lock_guard lock(mutex_);
  tracking::IncidentStore::Created created = incidents_.create(incident, who, options_.clock());
  if (!created.replayed) tell(created.incident, "");
  return created;
}

int64_t IncidentDesk::first_eta(const UnitState& state, const geodata::Snap& incident) {
  if (!state.road || state.stale) return -1;
  const auto& profiles = context_.live.profiles();
  const routing::Responder responder{routing::profile_index(profiles, state.unit.type),
                                     state.road->snap};
  auto query = queries_.borrow();
  const uint32_t ms = routing::drive_times(context_.network, *context_.live.current(),
                                           {&responder, 1}, incident, *query)[0];
  return ms == routing::unreachable ? -1 : int64_t{ms};
}

std::vector<IncidentDesk::UnitOutcome> IncidentDesk::dispatch(std::string_view incident_id,
                                                              std::span<const std::string> unit_ids,
                                                              const std::string& who) {
  std::lock_guard lock(mutex_);
  const auto incident = incidents_.get(incident_id);
  if (!incident) throw tracking::IncidentNotFound("no incident " + std::string(incident_id));
  if (!tracking::is_open(incident->status))
    throw tracking::IncidentConflict("the incident is " +
                                     std::string(incident_status_name(incident->status)));
  const geodata::Snap at =
      context_.snapper.snap({incident->location.lat, incident->location.lon}, {5000});
  std::vector<UnitOutcome> outcomes;
  for (const std::string& unit_id : unit_ids) {
    UnitOutcome& outcome = outcomes.emplace_back();
    outcome.unit_id = unit_id;
    const int64_t now = options_.clock();
    const auto state = units_.unit(unit_id, now);
    const int64_t eta = state ? first_eta(*state, at) : -1;
    // The unit's status first: the store's compare-and-set settles two dispatchers racing.
    const tracking::Outcome sent = units_.change_status(
        unit_id, UnitStatus::dispatched, std::string(incident_id), now, tracking::dispatchable);
    if (!sent.accepted) {
      outcome.status = dispatch_refusal_status(sent.reason);
      outcome.error = sent.detail;
      continue;
    }
    try {
      const Incident after = incidents_.assign_unit(incident_id, unit_id, who, eta, now);
      outcome.dispatched = true;
      follow(after, unit_id, *units_.unit(unit_id, now), eta);
      tell(after, unit_id);
    } catch (const Error& error) {  // not recorded: the unit is put back as it was
      units_.change_status(unit_id, UnitStatus::available, "", now, UnitStatus::dispatched);
      outcome.status = dynamic_cast<const tracking::IncidentConflict*>(&error) ? 409 : 503;
      outcome.error = error.what();
    }
  }
  return outcomes;
}

FilledPlan IncidentDesk::recommend(std::string_view incident_id, routing::CchQuery& query) {
  const auto incident = incidents_.get(incident_id);
  if (!incident) throw tracking::IncidentNotFound("no incident " + std::string(incident_id));
  const ResponsePlan& plan = plan_for(plans_, incident->incident_class, incident->subtype);
  const std::vector<UnitState> states = units_.units(options_.clock());
  return fill_plan(context_, states, {incident->location.lat, incident->location.lon}, plan, query);
}

void IncidentDesk::follow(const Incident& incident, std::string_view unit_id,
                          const UnitState& state, int64_t first_eta_ms) {
  Followed& followed = followed_[std::string(unit_id)];
  followed = Followed{};
  followed.incident_id = incident.id;
  followed.incident = context_.snapper.snap({incident.location.lat, incident.location.lon}, {5000});
  followed.dispatched_from =
      state.fix ? geodata::LatLon{state.fix->lat, state.fix->lon} : state.unit.home;
  followed.dispatched_ms = options_.clock();
  followed.eta.first_eta_ms = first_eta_ms;
  refresh_eta(followed, state, followed.dispatched_ms);
}

void IncidentDesk::refresh_eta(Followed& followed, const UnitState& state, int64_t now_ms) {
  if (followed.incident_id.empty() || !state.road ||
      (state.status != UnitStatus::dispatched && state.status != UnitStatus::en_route))
    return;
  const routing::Responder responder{
      routing::profile_index(context_.live.profiles(), state.unit.type), state.road->snap};
  auto query = queries_.borrow();
  const uint32_t ms = routing::drive_times(context_.network, *context_.live.current(),
                                           {&responder, 1}, followed.incident, *query)[0];
  LiveEta& eta = followed.eta;
  eta.computed_ms = now_ms;
  eta.reachable = ms != routing::unreachable;
  eta.remaining_ms = eta.reachable ? ms : 0;
  eta.delayed = eta.first_eta_ms >= 0 && eta.reachable &&
                static_cast<double>(now_ms - followed.dispatched_ms + ms) >
                    options_.rules.delayed_ratio * static_cast<double>(eta.first_eta_ms);
}

void IncidentDesk::record(std::string_view incident_id, std::string_view unit_id, UnitStatus status,
                          bool automatic, const std::string& who) {
  try {
    tell(incidents_.record_unit_status(incident_id, unit_id, status, automatic, who,
                                       options_.clock()),
         unit_id);
  } catch (const tracking::IncidentConflict&) {
    // A status for an incident the unit is not on (an old-style dispatch): nothing to record.
  } catch (const tracking::IncidentNotFound&) {
  }
}

void IncidentDesk::apply_auto_status(const UnitState& state) {
  const auto found = followed_.find(state.unit.id);
  if (found == followed_.end() || !state.fix) return;
  Followed& followed = found->second;
  const AutoStatusRules& rules = options_.rules;
  const tracking::PositionFix& fix = *state.fix;
  const geodata::LatLon here{fix.lat, fix.lon};
  const int64_t now = options_.clock();
  const auto step = [&](UnitStatus from, UnitStatus to) {
    if (!units_.change_status(state.unit.id, to, followed.incident_id, now, from).accepted)
      return false;
    if (!followed.incident_id.empty())
      record(followed.incident_id, state.unit.id, to, true, "auto");
    return true;
  };
  UnitStatus status = state.status;
  if (status == UnitStatus::returning) {
    if (geodata::haversine_m(here, state.unit.home) <= rules.home_radius_m &&
        step(UnitStatus::returning, UnitStatus::available))
      followed_.erase(found);
    return;
  }
  if (followed.incident_id.empty()) return;
  const bool near =
      geodata::haversine_m(here, followed.incident.position) <= rules.on_scene_radius_m;
  const bool slow = fix.speed_mps < rules.on_scene_speed_mps;
  if (status == UnitStatus::dispatched &&
      (fix.speed_mps >= rules.en_route_speed_mps ||
       geodata::haversine_m(here, followed.dispatched_from) >= rules.en_route_moved_m ||
       (near && slow)) &&
      step(UnitStatus::dispatched, UnitStatus::en_route))
    status = UnitStatus::en_route;
  if (status != UnitStatus::en_route) return;
  if (!near || !slow) {
    followed.slow_since_ms = 0;
    return;
  }
  if (followed.slow_since_ms == 0) followed.slow_since_ms = fix.time_ms;
  if (fix.time_ms - followed.slow_since_ms >= static_cast<int64_t>(rules.on_scene_dwell_s * 1000))
    step(UnitStatus::en_route, UnitStatus::on_scene);
}

void IncidentDesk::on_fix_accepted(std::string_view unit_id) {
  std::lock_guard lock(mutex_);
  const auto found = followed_.find(unit_id);
  if (found == followed_.end()) return;
  const int64_t now = options_.clock();
  auto state = units_.unit(unit_id, now);
  if (!state) return;
  apply_auto_status(*state);
  const auto still = followed_.find(unit_id);
  if (still == followed_.end()) return;
  state = units_.unit(unit_id, now);
  refresh_eta(still->second, *state, now);
}

void IncidentDesk::on_status_accepted(std::string_view unit_id, UnitStatus status,
                                      std::string_view incident_id) {
  std::lock_guard lock(mutex_);
  after_status(unit_id, status, incident_id, std::string(unit_id));
}

void IncidentDesk::after_status(std::string_view unit_id, UnitStatus status,
                                std::string_view incident_id, const std::string& who) {
  std::optional<std::string> target;
  if (!incident_id.empty()) {
    target = std::string(incident_id);
  } else {
    target = incidents_.open_incident_of(unit_id);
  }
  if (target) record(*target, unit_id, status, false, who);
  const auto found = followed_.find(unit_id);
  if (found == followed_.end()) return;
  if (status == UnitStatus::available || status == UnitStatus::out_of_service) {
    followed_.erase(found);
  } else if (status == UnitStatus::returning) {
    found->second.incident_id.clear();  // follow it home
  }
}

tracking::Incident IncidentDesk::crew_status(std::string_view incident_id, std::string_view unit_id,
                                             UnitStatus status, const std::string& who) {
  std::lock_guard lock(mutex_);
  const auto incident = incidents_.get(incident_id);
  if (!incident) throw tracking::IncidentNotFound("no incident " + std::string(incident_id));
  if (!incident->unit(unit_id))
    throw tracking::IncidentConflict(std::string(unit_id) + " is not on " +
                                     std::string(incident_id));
  const tracking::Outcome outcome =
      units_.change_status(unit_id, status, std::string(incident_id), options_.clock());
  if (!outcome.accepted) {
    if (outcome.reason == tracking::Rejection::journal_failure)
      throw tracking::IncidentStorageError(outcome.detail);
    throw tracking::IncidentConflict(outcome.detail);
  }
  after_status(unit_id, status, incident_id, who);
  return *incidents_.get(incident_id);
}

tracking::Incident IncidentDesk::at_hospital(std::string_view incident_id, std::string_view unit_id,
                                             const std::string& who) {
  std::lock_guard lock(mutex_);
  const Incident after = incidents_.at_hospital(incident_id, unit_id, who, options_.clock());
  tell(after, unit_id);
  return after;
}

tracking::Incident IncidentDesk::finish(std::string_view incident_id, tracking::IncidentStatus how,
                                        const std::string& who, const std::string& note) {
  std::lock_guard lock(mutex_);
  const int64_t now = options_.clock();
  const Incident after = incidents_.finish(incident_id, how, who, note, now);
  // Units still on it are freed: before they got there the trip is called off, after it they
  // head home (and the desk follows them there).
  for (const tracking::UnitAssignment& assignment : after.units) {
    if (assignment.cleared_ms != now) continue;  // cleared earlier by its crew
    const auto state = units_.unit(assignment.unit_id, now);
    if (!state || state->incident_id != incident_id) continue;
    const bool arrived =
        state->status == UnitStatus::on_scene || state->status == UnitStatus::transporting;
    const UnitStatus next = arrived ? UnitStatus::returning : UnitStatus::available;
    units_.change_status(assignment.unit_id, next, "", now, state->status);
    if (arrived) {
      followed_[assignment.unit_id].incident_id.clear();
    } else {
      followed_.erase(assignment.unit_id);
    }
  }
  tell(after, "");
  return after;
}

void IncidentDesk::on_metrics_changed() {
  std::lock_guard lock(mutex_);
  const int64_t now = options_.clock();
  for (auto& [unit_id, followed] : followed_) {
    if (const auto state = units_.unit(unit_id, now)) refresh_eta(followed, *state, now);
  }
}

std::optional<LiveEta> IncidentDesk::eta(std::string_view unit_id) const {
  std::lock_guard lock(mutex_);
  const auto found = followed_.find(unit_id);
  if (found == followed_.end() || found->second.incident_id.empty() ||
      found->second.eta.computed_ms == 0)
    return std::nullopt;
  return found->second.eta;
}

}  // namespace siaga::dispatch
