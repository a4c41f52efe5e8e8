// The dispatcher's question: which available unit of the right type reaches this incident first,
// on which route, under the active hazards. And the answer acted on: a unit sent, journaled.
#pragma once

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

// Throws UnknownIncidentClass or geodata::SnapError (location off the roads).
Ranking rank_units(const DispatchContext& context, std::span<const tracking::UnitState> units,
                   geodata::LatLon location, std::string_view incident_type, size_t k,
                   routing::CchQuery& query);

// The answer of POST /v1/recommend and `siaga nearest`.
Json ranking_json(const DispatchContext& context, const Ranking& ranking, int64_t now_ms);

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
