// Isochrones as road segments: which arcs are driven to their end within each of several time
// bands, given the cost from the start to every node (CchQuery::all_costs or Dijkstra::all_costs)
// and the arc weights that cost was computed with.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "siaga/geodata/road_network.h"

namespace siaga::routing {

struct BandedArc {
  uint32_t arc = geodata::invalid_id;  // drawn from its tail to its head
  uint32_t band = 0;                   // index of the first band limit its far end is within
  uint32_t arrival_ms = 0;             // when its far end is reached

  bool operator==(const BandedArc&) const = default;
};

// `band_limits_ms` ascending (ContractViolation otherwise). Arcs closed, not reached, or reached
// after the last limit are left out; a two-way street reached both ways is listed once, in the
// direction that reaches its far end first (on a tie, the lower arc id). In arc order.
std::vector<BandedArc> band_arcs(const geodata::RoadNetwork& network,
                                 std::span<const uint32_t> weights,
                                 std::span<const uint32_t> node_cost,
                                 std::span<const uint32_t> band_limits_ms);

}  // namespace siaga::routing
