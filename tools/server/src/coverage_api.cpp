#include "siaga/server/coverage_api.h"

#include <cmath>
#include <sstream>

#include "siaga/dispatch/live_coverage.h"
#include "siaga/dispatch/recommendation.h"

namespace siaga::server {

namespace {

using tracking::UnitStatus;

bool on_a_call(UnitStatus status) {
  return status != UnitStatus::available && status != UnitStatus::out_of_service;
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
    if (state.status == UnitStatus::available && state.road && !state.stale)
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

}  // namespace

CoverageSetup load_coverage_setup(const geodata::RoadNetwork& network,
                                  const std::filesystem::path& scenario_file) {
  CoverageSetup setup;
  setup.scenario = dispatch::load_scenario(scenario_file, network);
  setup.ground = dispatch::coverage_ground(network, setup.scenario);
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
  const LiveFleet fleet = live_fleet(api);
  const auto set = api.live.current();
  auto query = api.queries.borrow();
  const dispatch::DispatchContext dispatch{api.network, api.snapper, api.live,
                                           api.incident_classes};
  const dispatch::LiveCoverage live =
      dispatch::live_coverage(context_of(api), *set, fleet.available, *query);
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

std::string live_coverage_metrics(Api& api) {
  if (!api.coverage) return {};
  const Reply reply = live_coverage(api, {});
  std::ostringstream out;
  out << "# HELP siaga_live_coverage_share Share of the demand within each target from the "
         "units available now, under the hazards in force.\n"
      << "# TYPE siaga_live_coverage_share gauge\n";
  for (const Json& target : reply.body["targets"])
    out << "siaga_live_coverage_share{target=\"" << target["name"].get<std::string>() << "\"} "
        << target["share"].get<double>() << "\n";
  out << "# HELP siaga_live_coverage_units Available units of each target's type.\n"
      << "# TYPE siaga_live_coverage_units gauge\n";
  for (const Json& target : reply.body["targets"])
    out << "siaga_live_coverage_units{target=\"" << target["name"].get<std::string>() << "\"} "
        << target["available_units"].get<size_t>() << "\n";
  return out.str();
}

}  // namespace siaga::server
