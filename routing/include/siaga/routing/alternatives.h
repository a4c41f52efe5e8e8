// A second way round: routes that differ enough from the fastest one and are not much slower,
// for the dispatcher who wants to see the other way round a flood and for OSRM's `alternatives`.
// Penalty method: the arcs of the routes found so far are made slower, the metric re-customized
// partially (only above those arcs), and the next fastest route under the penalty is judged with
// the true weights.
#pragma once

#include <vector>

#include "siaga/routing/cch.h"
#include "siaga/routing/route.h"

namespace siaga::routing {

struct AlternativeOptions {
  uint32_t max_alternatives = 1;
  double max_stretch = 1.4;  // at most this many times the fastest route's duration
  double max_shared = 0.8;   // at most this share of its length on the fastest route's arcs
  double penalty = 2.0;      // how much slower the arcs already used are made per round
  uint32_t rounds = 4;       // penalised searches tried at most
};

// The fastest route first, then up to max_alternatives others (fewer when none is reasonable);
// empty when there is no route. Durations are under `metric`'s own weights.
std::vector<Route> routes_with_alternatives(const geodata::RoadNetwork& network, const Cch& cch,
                                            const CchMetric& metric, const geodata::Snap& from,
                                            const geodata::Snap& to, CchQuery& query,
                                            const AlternativeOptions& options = {});

}  // namespace siaga::routing
