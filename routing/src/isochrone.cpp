#include "siaga/routing/isochrone.h"

#include <algorithm>

#include "siaga/routing/dijkstra.h"

namespace siaga::routing {

namespace {

// When the far end of `arc` is reached from its tail, or unreachable.
uint64_t far_end_ms(std::span<const uint32_t> weights, std::span<const uint32_t> node_cost,
                    uint32_t tail, uint32_t arc) {
  if (node_cost[tail] == unreachable || weights[arc] == blocked) return unreachable;
  return uint64_t{node_cost[tail]} + weights[arc];
}

}  // namespace

std::vector<BandedArc> band_arcs(const geodata::RoadNetwork& network,
                                 std::span<const uint32_t> weights,
                                 std::span<const uint32_t> node_cost,
                                 std::span<const uint32_t> band_limits_ms) {
  expects(weights.size() == network.arc_count(), "band_arcs: one weight per arc");
  expects(node_cost.size() == network.node_count(), "band_arcs: one cost per node");
  expects(std::is_sorted(band_limits_ms.begin(), band_limits_ms.end()),
          "band_arcs: band limits in ascending order");
  std::vector<BandedArc> banded;
  const std::vector<uint32_t> tails = geodata::arc_tails(network);
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    const uint32_t tail = tails[arc], head = network.arc_head[arc];
    const uint64_t end_ms = far_end_ms(weights, node_cost, tail, arc);
    if (end_ms == unreachable) continue;
    const auto band = std::lower_bound(band_limits_ms.begin(), band_limits_ms.end(), end_ms);
    if (band == band_limits_ms.end()) continue;
    // A two-way street reached both ways is drawn once, in its earlier direction.
    const uint32_t reverse = geodata::find_arc(network, head, tail);
    if (reverse != geodata::invalid_id) {
      const uint64_t other_ms = far_end_ms(weights, node_cost, head, reverse);
      if (other_ms < end_ms || (other_ms == end_ms && reverse < arc)) continue;
    }
    banded.push_back(
        {arc, static_cast<uint32_t>(band - band_limits_ms.begin()), static_cast<uint32_t>(end_ms)});
  }
  return banded;
}

}  // namespace siaga::routing
