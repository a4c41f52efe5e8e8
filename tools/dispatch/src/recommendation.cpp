#include "siaga/dispatch/recommendation.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "siaga/routing/hazard_report.h"

namespace siaga::dispatch {

namespace {

using tracking::UnitState;
using tracking::UnitStatus;

// Why a unit of the right type is not a candidate, or empty when it is one.
std::string not_available_because(const UnitState& state) {
  if (!tracking::dispatchable.has(state.status)) return std::string(unit_status_name(state.status));
  if (!state.fix || !state.road) return "no position";
  if (state.stale) return "stale";
  return {};
}

double seconds(uint32_t ms) {
  return std::round(ms / 100.0) / 10;
}

Json unit_summary(const UnitState& state) {
  const tracking::Unit& unit = state.unit;
  return {{"unit_id", unit.id},
          {"call_sign", unit.call_sign},
          {"type", unit.type},
          {"agency", unit.agency},
          {"home_station", unit.home_station},
          {"status", unit_status_name(state.status)}};
}

}  // namespace

Candidates time_candidates(const DispatchContext& context, std::span<const UnitState> units,
                           geodata::LatLon location,
                           const std::function<bool(std::string_view unit_type)>& wanted,
                           routing::CchQuery& query) {
  Candidates timed;
  timed.incident = context.snapper.snap(location);
  timed.metrics = context.live.current();
  const auto& profiles = context.live.profiles();
  std::vector<routing::Responder> responders;
  std::vector<const UnitState*> states;
  for (const UnitState& state : units) {
    if (!wanted(state.unit.type)) continue;
    if (std::string why = not_available_because(state); !why.empty()) {
      timed.not_available.push_back({state, std::move(why)});
      continue;
    }
    responders.push_back({routing::profile_index(profiles, state.unit.type), state.road->snap});
    states.push_back(&state);
  }
  const std::vector<uint32_t> times =
      routing::drive_times(context.network, *timed.metrics, responders, timed.incident, query);
  for (size_t i = 0; i < states.size(); ++i) {
    if (times[i] == routing::unreachable) {
      const routing::VehicleProfile& profile = profiles[responders[i].profile];
      timed.unreachable.push_back(
          {*states[i], routing::no_route_reason(context.network, profile, context.live.hazards(),
                                                timed.metrics->active, responders[i].position,
                                                timed.incident)});
    } else {
      timed.reachable.push_back({states[i], responders[i], times[i]});
    }
  }
  std::sort(timed.reachable.begin(), timed.reachable.end(), [](const auto& a, const auto& b) {
    return std::tie(a.eta_ms, a.state->unit.id) < std::tie(b.eta_ms, b.state->unit.id);
  });
  return timed;
}

RankedUnit routed(const DispatchContext& context, const Candidates& candidates,
                  const TimedUnit& unit, routing::CchQuery& query) {
  return {
      *unit.state, unit.eta_ms,
      routing::route_between(context.network, candidates.metrics->metrics[unit.responder.profile],
                             unit.responder.position, candidates.incident, query)};
}

Ranking rank_units(const DispatchContext& context, std::span<const UnitState> units,
                   geodata::LatLon location, std::string_view incident_type, size_t k,
                   routing::CchQuery& query) {
  const IncidentClass& answering = incident_class(context.incident_classes, incident_type);
  Candidates timed = time_candidates(
      context, units, location,
      [&](std::string_view unit_type) { return answering.answered_by(unit_type); }, query);
  Ranking ranking{&answering,
                  timed.incident,
                  timed.metrics,
                  {},
                  std::move(timed.unreachable),
                  std::move(timed.not_available)};
  for (size_t r = 0; r < std::min(k, timed.reachable.size()); ++r)
    ranking.recommended.push_back(routed(context, timed, timed.reachable[r], query));
  return ranking;
}

Json ranked_unit_json(const DispatchContext& context, const routing::MetricSet& metrics,
                      const RankedUnit& ranked, int64_t now_ms, const LineWriter& line) {
  const auto& profiles = context.live.profiles();
  const routing::VehicleProfile& profile =
      profiles[routing::profile_index(profiles, ranked.state.unit.type)];
  Json item = unit_summary(ranked.state);
  item["eta_s"] = seconds(ranked.eta_ms);
  item["distance_m"] = std::round(ranked.route.distance_m * 10) / 10;
  const tracking::PositionFix& fix = *ranked.state.fix;
  item["position"] = {{"lat", fix.lat},
                      {"lon", fix.lon},
                      {"fix_age_s", std::max<int64_t>(0, now_ms - fix.time_ms) / 1000.0},
                      {"off_road", ranked.state.road->off_road}};
  item["route"] = line(ranked.route.geometry);
  item["hazards"] = hazards_json(context.live, metrics, profile, ranked.route);
  return item;
}

Json skipped_json(std::span<const SkippedUnit> units, const char* field) {
  Json list = Json::array();
  for (const SkippedUnit& unit : units) {
    Json item = unit_summary(unit.state);
    item[field] = unit.why;
    list.push_back(item);
  }
  return list;
}

Json incident_json(const geodata::Snap& incident) {
  return {{"lat", incident.position.lat},
          {"lon", incident.position.lon},
          {"distance_m", std::round(incident.distance_m * 10) / 10}};
}

Json active_zones_json(const DispatchContext& context, const routing::MetricSet& metrics) {
  Json active = Json::array();
  for (uint32_t zone = 0; zone < metrics.active.size(); ++zone) {
    if (metrics.active[zone]) active.push_back(context.live.hazards().zones[zone].id);
  }
  return active;
}

Json ranking_json(const DispatchContext& context, const Ranking& ranking, int64_t now_ms,
                  const LineWriter& line) {
  Json out = dataset_label(context.network);
  out["incident"] = {{"type", ranking.incident_class->name},
                     {"unit_types", ranking.incident_class->unit_types},
                     {"snapped", incident_json(ranking.incident)}};
  Json recommended = Json::array();
  for (size_t rank = 0; rank < ranking.recommended.size(); ++rank) {
    Json item = {{"rank", rank + 1}};
    item.update(
        ranked_unit_json(context, *ranking.metrics, ranking.recommended[rank], now_ms, line));
    recommended.push_back(std::move(item));
  }
  out["recommended"] = std::move(recommended);
  out["unreachable"] = skipped_json(ranking.unreachable, "reason");
  out["not_available"] = skipped_json(ranking.not_available, "why");
  out["hazards_active"] = active_zones_json(context, *ranking.metrics);
  return out;
}

std::vector<UnitState> units_at_home(const tracking::Fleet& fleet, const geodata::Snapper& snapper,
                                     int64_t now_ms) {
  std::vector<UnitState> states;
  for (const tracking::Unit& unit : fleet.units) {
    UnitState state;
    state.unit = unit;
    try {
      const geodata::Snap snap = snapper.snap(unit.home);
      state.fix =
          tracking::PositionFix{unit.id, 0, now_ms, unit.home.lat, unit.home.lon, 0, 0, 0, {}};
      state.road = tracking::RoadPosition{snap, false};
    } catch (const geodata::SnapError&) {
      // No road near home: listed as "no position".
    }
    states.push_back(std::move(state));
  }
  return states;
}

Json recommend_from_homes(const RoutingSetup& setup, std::span<const IncidentClass> classes,
                          const tracking::Fleet& fleet, geodata::LatLon at,
                          std::string_view incident_type, size_t k) {
  const geodata::Snapper snapper(setup.network);
  const int64_t now = tracking::now_ms();
  const std::vector<UnitState> units = units_at_home(fleet, snapper, now);
  routing::CchQuery query(*setup.cch);
  const DispatchContext context{setup.network, snapper, *setup.live, classes};
  Json answer = ranking_json(context, rank_units(context, units, at, incident_type, k, query), now);
  answer["positions"] = "each unit at its home station (offline, from the fleet file)";
  return answer;
}

}  // namespace siaga::dispatch
