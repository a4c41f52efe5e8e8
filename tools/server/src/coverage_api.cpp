#include "siaga/server/coverage_api.h"

#include <cmath>
#include <sstream>

#include "request_body.h"
#include "siaga/dispatch/live_coverage.h"
#include "siaga/dispatch/recommendation.h"

namespace siaga::server {

namespace {

using tracking::UnitStatus;

bool on_a_call(UnitStatus status) {
  return !tracking::dispatchable.has(status) && status != UnitStatus::out_of_service;
}

// The units that can answer a call now, as a recommendation would take them, and per unit type
// the busy fraction (units on a call of those in service).
struct LiveFleet {
  std::vector<tracking::UnitState> states;
  std::vector<dispatch::LiveUnit> available;
  std::map<std::string, double> busy_fraction;
};

LiveFleet live_fleet(Api& api) {
  LiveFleet fleet;
  fleet.states = api.store.units(api.clock());
  std::map<std::string, std::pair<int, int>> busy;  // type → (on a call, in service)
  for (const tracking::UnitState& state : fleet.states) {
    auto& [calls, in_service] = busy[state.unit.type];
    calls += on_a_call(state.status);
    in_service += state.status != UnitStatus::out_of_service;
    if (tracking::dispatchable.has(state.status) && state.road && !state.stale)
      fleet.available.push_back({state.unit.id, state.unit.type, state.road->snap});
  }
  for (const auto& [type, count] : busy)
    fleet.busy_fraction[type] =
        count.second > 0 ? static_cast<double>(count.first) / count.second : 0;
  return fleet;
}

double rounded(double x, double unit) {
  return std::round(x / unit) * unit;
}

Json uncovered_streets(Api& api, const dispatch::LiveTarget& target) {
  const dispatch::Coverage& ground = api.coverage->ground;
  Json features = Json::array();
  for (size_t s = 0; s < ground.segments.size(); ++s) {
    if (ground.demand_km[s] <= 0 || target.arrival_ms[s] <= target.target.limit_ms()) continue;
    const geodata::LatLon points[] = {api.network.node_position[ground.segments[s].tail],
                                      api.network.node_position[ground.segments[s].head]};
    Json arrival = target.arrival_ms[s] == routing::unreachable
                       ? Json(nullptr)
                       : Json(rounded(target.arrival_ms[s] / 1000.0, 1));
    features.push_back({{"type", "Feature"},
                        {"geometry", dispatch::line_string(points)},
                        {"properties",
                         {{"place", ground.places[s]},
                          {"demand_km", rounded(ground.demand_km[s], 0.001)},
                          {"arrival_s", arrival}}}});
  }
  return {{"type", "FeatureCollection"}, {"features", features}};
}

std::string param(const Params& params, const char* name) {
  const auto found = params.find(name);
  return found == params.end() ? std::string() : found->second;
}

dispatch::LiveCoverageContext context_of(Api& api) {
  return {api.network, api.snapper, api.live, api.coverage->ground, api.coverage->scenario.targets};
}

// Live coverage now, from the units that can be sent, under the hazard set in force.
dispatch::LiveCoverage live_now(Api& api, const routing::MetricSet& set) {
  const LiveFleet fleet = live_fleet(api);
  auto query = api.queries.borrow();
  return dispatch::live_coverage(context_of(api), set, fleet.available, *query);
}

}  // namespace

CoverageSetup load_coverage_setup(const geodata::RoadNetwork& network,
                                  const std::filesystem::path& scenario_file,
                                  routing::Segments streets) {
  CoverageSetup setup;
  setup.scenario = dispatch::load_scenario(scenario_file, network);
  setup.ground = dispatch::coverage_ground(network, setup.scenario, std::move(streets));
  return setup;
}

Reply live_coverage(Api& api, const Params& params) {
  if (!api.coverage) return error_reply(503, "this server has no coverage scenario");
  const std::string streets = param(params, "streets");
  if (!streets.empty() && streets != "uncovered")
    return error_reply(400, "streets must be \"uncovered\" (or left out)");
  const std::string wanted = param(params, "target");
  size_t shown = 0;
  try {
    shown = dispatch::target_index(api.coverage->scenario, wanted);
  } catch (const InputError& error) {
    return error_reply(404, error.what());
  }
  const auto set = api.live.current();
  const dispatch::LiveCoverage live = live_now(api, *set);
  const dispatch::DispatchContext dispatch{api.network, api.snapper, api.live,
                                           api.incident_classes};
  Json body = dispatch::dataset_label(api.network);
  body["scenario"] = api.coverage->scenario.name;
  body["hazards_active"] = dispatch::active_zones_json(dispatch, *set);
  body["demand_km"] = rounded(live.total_demand_km, 0.001);
  body["targets"] = Json::array();
  for (const dispatch::LiveTarget& target : live.targets) {
    body["targets"].push_back(
        {{"name", target.target.name},
         {"unit_type", target.target.unit_type},
         {"minutes", target.target.minutes},
         {"source", target.target.source},
         {"available_units", target.units},
         {"covered_km", rounded(target.covered_km, 0.001)},
         {"share", dispatch::share_of(target.covered_km, live.total_demand_km)}});
  }
  if (!streets.empty()) {
    body["streets"] = uncovered_streets(api, live.targets[shown]);
    body["streets_target"] = live.targets[shown].target.name;
  }
  return {200, body};
}

Reply moveups(Api& api) {
  if (!api.coverage) return error_reply(503, "this server has no coverage scenario");
  const LiveFleet fleet = live_fleet(api);
  const auto set = api.live.current();
  auto query = api.queries.borrow();
  const auto moves =
      dispatch::suggest_moveups(context_of(api), *set, fleet.available,
                                api.coverage->scenario.stations, fleet.busy_fraction, {}, *query);
  Json body = dispatch::dataset_label(api.network);
  body["scenario"] = api.coverage->scenario.name;
  body["busy_fraction"] = fleet.busy_fraction;
  body["moveups"] = Json::array();
  for (const dispatch::MoveUp& move : moves) {
    const auto unit = std::find_if(fleet.available.begin(), fleet.available.end(),
                                   [&](const auto& u) { return u.id == move.unit_id; });
    body["moveups"].push_back(
        {{"unit_id", move.unit_id},
         {"unit_type", move.unit_type},
         {"from", {{"lat", unit->position.position.lat}, {"lon", unit->position.position.lon}}},
         {"station", move.station},
         {"to", {{"lat", move.station_position.lat}, {"lon", move.station_position.lon}}},
         {"drive_s", rounded(move.drive_ms / 1000.0, 1)},
         {"gain_km", rounded(move.gain_km, 0.001)},
         {"gain_share", dispatch::share_of(move.gain_km, api.coverage->ground.total_demand_km)},
         {"busy_fraction", rounded(move.busy_fraction, 0.001)}});
  }
  return {200, body};
}

void Relocations::start(const std::string& unit_id, Post post) {
  std::lock_guard lock(mutex_);
  posts_[unit_id] = std::move(post);
}

std::optional<Relocations::Post> Relocations::post_of(const std::string& unit_id) const {
  std::lock_guard lock(mutex_);
  const auto found = posts_.find(unit_id);
  if (found == posts_.end()) return std::nullopt;
  return found->second;
}

void Relocations::on_fix(tracking::TrackingStore& store, std::string_view unit_id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  const auto found = posts_.find(unit_id);
  if (found == posts_.end()) return;
  const auto state = store.unit(unit_id, now_ms);
  if (!state || state->status != UnitStatus::relocating) {
    posts_.erase(found);
    return;
  }
  if (!state->fix ||
      geodata::haversine_m({state->fix->lat, state->fix->lon}, found->second.position) > arrived_m)
    return;
  // Only from relocating: a dispatch that came first wins.
  if (store.change_status(unit_id, UnitStatus::available, "", now_ms, UnitStatus::relocating)
          .accepted)
    posts_.erase(found);
}

Reply accept_moveup(Api& api, std::string_view text) {
  if (!api.coverage || !api.relocations)
    return error_reply(503, "this server has no coverage scenario");
  const body::Body body = body::parse(text);
  if (body.error) return *body.error;
  const auto unit_id = body::text(body.json, "unit_id");
  const auto station_name = body::text(body.json, "station", 256);
  if (!unit_id || !station_name)
    return error_reply(400, "unit_id and station must be non-empty strings");
  const auto state = api.store.unit(*unit_id, api.clock());
  if (!state) return error_reply(404, "no unit " + *unit_id);
  const auto& stations = api.coverage->scenario.stations;
  const auto station = std::find_if(stations.begin(), stations.end(),
                                    [&](const auto& s) { return s.name == *station_name; });
  if (station == stations.end())
    return error_reply(404, "no station \"" + *station_name + "\" in the coverage scenario");
  if (std::find(station->unit_types.begin(), station->unit_types.end(), state->unit.type) ==
      station->unit_types.end())
    return error_reply(409, *station_name + " does not take a " + state->unit.type);
  const tracking::Outcome outcome = api.store.change_status(*unit_id, UnitStatus::relocating, "",
                                                            api.clock(), UnitStatus::available);
  if (!outcome.accepted)
    return error_reply(outcome.reason == tracking::Rejection::journal_failure ? 503 : 409,
                       outcome.detail);
  api.relocations->start(*unit_id, {station->name, station->position});
  const auto after = api.store.unit(*unit_id, api.clock());
  return {200,
          {{"unit_id", *unit_id},
           {"status", tracking::unit_status_name(after->status)},
           {"station", station->name},
           {"to", {{"lat", station->position.lat}, {"lon", station->position.lon}}},
           {"status_seq", after->status_seq}}};
}

std::string live_coverage_metrics(Api& api) {
  if (!api.coverage) return {};
  const dispatch::LiveCoverage live = live_now(api, *api.live.current());
  std::ostringstream out;
  out << "# HELP siaga_live_coverage_share Share of the demand within each target from the "
         "units available now, under the hazards in force.\n"
      << "# TYPE siaga_live_coverage_share gauge\n";
  for (const dispatch::LiveTarget& target : live.targets)
    out << "siaga_live_coverage_share{target=\"" << target.target.name << "\"} "
        << dispatch::share_of(target.covered_km, live.total_demand_km) << "\n";
  out << "# HELP siaga_live_coverage_units Available units of each target's type.\n"
      << "# TYPE siaga_live_coverage_units gauge\n";
  for (const dispatch::LiveTarget& target : live.targets)
    out << "siaga_live_coverage_units{target=\"" << target.target.name << "\"} " << target.units
        << "\n";
  return out.str();
}

}  // namespace siaga::server
