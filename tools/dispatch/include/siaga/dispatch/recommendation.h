// The dispatcher's question: which available unit of the right type reaches this incident first,
// on which route, under the active hazards. And the answer acted on: a unit sent, journaled.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "siaga/dispatch/dataset.h"
#include "siaga/dispatch/geojson.h"
#include "siaga/dispatch/incident_classes.h"
#include "siaga/geodata/snapper.h"
#include "siaga/routing/drive_times.h"
#include "siaga/routing/live_metrics.h"
#include "siaga/tracking/store.h"

namespace siaga::dispatch {

// What a recommendation reads; owned by the server (or the offline command).
struct DispatchContext {
  const geodata::RoadNetwork& network;
  const geodata::Snapper& snapper;
  const routing::LiveMetrics& live;
  std::span<const IncidentClass> incident_classes;
};

struct RankedUnit {
  tracking::UnitState state;
  uint32_t eta_ms = routing::unreachable;
  routing::Route route;  // filled for the k recommended units only
};

struct SkippedUnit {
  tracking::UnitState state;
  std::string why;  // "dispatched", "stale", "no position", a no-route reason, ...
};

struct Ranking {
  const IncidentClass* incident_class = nullptr;
  geodata::Snap incident;
  std::shared_ptr<const routing::MetricSet> metrics;  // the hazard state the answer holds for
  std::vector<RankedUnit> recommended;                // fastest first (ties by unit id), at most k
  std::vector<SkippedUnit> unreachable;    // available units that no open road brings there
  std::vector<SkippedUnit> not_available;  // the right type, but busy, stale or never seen
};

// A candidate with its drive time, before any route is drawn. Points into the units it was
// timed from, which must outlive it.
struct TimedUnit {
  const tracking::UnitState* state = nullptr;
  routing::Responder responder;
  uint32_t eta_ms = routing::unreachable;
};

// Every unit of the wanted types, timed under one hazard state: the reachable ones fastest first
// (ties by unit id), the unreachable with the reason, the busy, stale and unseen with why.
struct Candidates {
  geodata::Snap incident;
  std::shared_ptr<const routing::MetricSet> metrics;
  std::vector<TimedUnit> reachable;
  std::vector<SkippedUnit> unreachable;
  std::vector<SkippedUnit> not_available;
};
// Throws geodata::SnapError (location off the roads).
Candidates time_candidates(const DispatchContext& context,
                           std::span<const tracking::UnitState> units, geodata::LatLon location,
                           const std::function<bool(std::string_view unit_type)>& wanted,
                           routing::CchQuery& query);
// The unit with its route to the incident, in the candidates' hazard state.
RankedUnit routed(const DispatchContext& context, const Candidates& candidates,
                  const TimedUnit& unit, routing::CchQuery& query);

// The k fastest of the class's unit types, with their routes. Throws UnknownIncidentClass or
// geodata::SnapError (location off the roads).
Ranking rank_units(const DispatchContext& context, std::span<const tracking::UnitState> units,
                   geodata::LatLon location, std::string_view incident_type, size_t k,
                   routing::CchQuery& query);

// How a route's line goes into an answer: line_string, or the server's text spliced in later.
using LineWriter = std::function<Json(std::span<const geodata::LatLon>)>;

// One unit as the answers show it: who, ETA, distance, position and its age, route, hazards.
Json ranked_unit_json(const DispatchContext& context, const routing::MetricSet& metrics,
                      const RankedUnit& ranked, int64_t now_ms,
                      const LineWriter& line = line_string);
// Units that cannot come, each with `field` (reason, why) saying why not.
Json skipped_json(std::span<const SkippedUnit> units, const char* field);
// The incident's snapped position; the zones active in `metrics`.
Json incident_json(const geodata::Snap& incident);
Json active_zones_json(const DispatchContext& context, const routing::MetricSet& metrics);

// The answer of POST /v1/recommend and `siaga nearest`.
Json ranking_json(const DispatchContext& context, const Ranking& ranking, int64_t now_ms,
                  const LineWriter& line = line_string);

// Units as positioned in a fleet file (each at home, available, fixed at now_ms): for offline
// questions.
std::vector<tracking::UnitState> units_at_home(const tracking::Fleet& fleet,
                                               const geodata::Snapper& snapper, int64_t now_ms);

// The answer a dispatcher gets offline (`siaga nearest --fleet`): every unit of the fleet at its
// home station and available, ranked as rank_units does, as ranking_json with a "positions" note.
Json recommend_from_homes(const RoutingSetup& setup, std::span<const IncidentClass> classes,
                          const tracking::Fleet& fleet, geodata::LatLon at,
                          std::string_view incident_type, size_t k);

}  // namespace siaga::dispatch
