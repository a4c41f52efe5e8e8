#include "siaga/dispatch/recommendation.h"

#include <algorithm>
#include <cmath>

#include "siaga/routing/hazard_report.h"

namespace siaga::dispatch {

namespace {

using tracking::UnitState;
using tracking::UnitStatus;

// Why a unit of the right type is not a candidate, or empty when it is one.
std::string not_available_because(const UnitState& state) {
  if (state.status != UnitStatus::available) return std::string(unit_status_name(state.status));
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

Ranking rank_units(const DispatchContext& context, std::span<const UnitState> units,
                   geodata::LatLon location, std::string_view incident_type, size_t k,
                   routing::CchQuery& query) {
  Ranking ranking;
  ranking.incident_class = &incident_class(context.incident_classes, incident_type);
  ranking.incident = context.snapper.snap(location);
  ranking.metrics = context.live.current();
  const auto& profiles = context.live.profiles();

  std::vector<routing::Responder> responders;
  std::vector<const UnitState*> candidates;
  for (const UnitState& state : units) {
    if (!ranking.incident_class->answered_by(state.unit.type)) continue;
    if (std::string why = not_available_because(state); !why.empty()) {
      ranking.not_available.push_back({state, std::move(why)});
      continue;
    }
    responders.push_back({routing::profile_index(profiles, state.unit.type), state.road->snap});
    candidates.push_back(&state);
  }
  const std::vector<uint32_t> times =
      routing::drive_times(*ranking.metrics, responders, ranking.incident, query);

  std::vector<std::pair<uint32_t, size_t>> reachable;  // (eta, candidate): only the k best copied
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (times[i] == routing::unreachable) {
      const routing::VehicleProfile& profile = profiles[responders[i].profile];
      ranking.unreachable.push_back(
          {*candidates[i], routing::no_route_reason(context.network, profile,
                                                    context.live.hazards(), ranking.metrics->active,
                                                    responders[i].position, ranking.incident)});
    } else {
      reachable.emplace_back(times[i], i);
    }
  }
  const auto faster = [&](const auto& a, const auto& b) {
    return std::tie(a.first, candidates[a.second]->unit.id) <
           std::tie(b.first, candidates[b.second]->unit.id);
  };
  const size_t kept = std::min(k, reachable.size());
  std::partial_sort(reachable.begin(), reachable.begin() + kept, reachable.end(), faster);
  for (size_t r = 0; r < kept; ++r) {
    const auto [eta_ms, i] = reachable[r];
    const routing::Responder& responder = responders[i];
    ranking.recommended.push_back(
        {*candidates[i], eta_ms,
         routing::route_between(context.network, ranking.metrics->metrics[responder.profile],
                                responder.position, ranking.incident, query)});
  }
  return ranking;
}

Json ranking_json(const DispatchContext& context, const Ranking& ranking, int64_t now_ms) {
  Json out = dataset_label(context.network);
  const geodata::Snap& incident = ranking.incident;
  out["incident"] = {{"type", ranking.incident_class->name},
                     {"unit_types", ranking.incident_class->unit_types},
                     {"snapped",
                      {{"lat", incident.position.lat},
                       {"lon", incident.position.lon},
                       {"distance_m", std::round(incident.distance_m * 10) / 10}}}};
  Json recommended = Json::array();
  for (size_t rank = 0; rank < ranking.recommended.size(); ++rank) {
    const RankedUnit& ranked = ranking.recommended[rank];
    const routing::VehicleProfile& profile =
        context.live
            .profiles()[routing::profile_index(context.live.profiles(), ranked.state.unit.type)];
    Json item = {{"rank", rank + 1}};
    item.update(unit_summary(ranked.state));
    item["eta_s"] = seconds(ranked.eta_ms);
    item["distance_m"] = std::round(ranked.route.distance_m * 10) / 10;
    const tracking::PositionFix& fix = *ranked.state.fix;
    item["position"] = {{"lat", fix.lat},
                        {"lon", fix.lon},
                        {"fix_age_s", std::max<int64_t>(0, now_ms - fix.time_ms) / 1000.0},
                        {"off_road", ranked.state.road->off_road}};
    item["route"] = line_string(ranked.route.geometry);
    item["hazards"] = hazards_json(context.live, *ranking.metrics, profile, ranked.route);
    recommended.push_back(item);
  }
  out["recommended"] = recommended;
  auto skipped = [](const std::vector<SkippedUnit>& units, const char* field) {
    Json list = Json::array();
    for (const SkippedUnit& unit : units) {
      Json item = unit_summary(unit.state);
      item[field] = unit.why;
      list.push_back(item);
    }
    return list;
  };
  out["unreachable"] = skipped(ranking.unreachable, "reason");
  out["not_available"] = skipped(ranking.not_available, "why");
  Json active = Json::array();
  for (uint32_t zone = 0; zone < ranking.metrics->active.size(); ++zone) {
    if (ranking.metrics->active[zone]) active.push_back(context.live.hazards().zones[zone].id);
  }
  out["hazards_active"] = active;
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
