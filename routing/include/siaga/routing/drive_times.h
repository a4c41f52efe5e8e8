// How fast each candidate unit reaches an incident: one many-to-one search per vehicle profile,
// not one route per unit.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "siaga/geodata/snapper.h"
#include "siaga/routing/cch.h"
#include "siaga/routing/live_metrics.h"

namespace siaga::routing {

// A unit that could respond: its vehicle profile and where it is on the road graph.
struct Responder {
  uint32_t profile = 0;
  geodata::Snap position;
};

// Drive time in ms from each responder to the incident in its own profile's metric of `set`
// (`unreachable` where none): the same cost route_between reports for that pair.
std::vector<uint32_t> drive_times(const geodata::RoadNetwork& network, const MetricSet& set,
                                  std::span<const Responder> responders,
                                  const geodata::Snap& incident, CchQuery& query);

}  // namespace siaga::routing
