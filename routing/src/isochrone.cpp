#include "siaga/routing/isochrone.h"

#include <algorithm>

#include "siaga/routing/dijkstra.h"

namespace siaga::routing {

namespace {

// When the far end of map arc `arc` is reached from its tail (or from a copy of the tail that
// turn restrictions allow into it), or unreachable.
uint64_t far_end_ms(const geodata::RoadNetwork& network, std::span<const uint32_t> weights,
                    std::span<const uint32_t> node_cost, uint32_t tail, uint32_t arc) {
  uint64_t best = unreachable;
  geodata::for_each_arc_copy(network, tail, arc, [&](uint32_t entry, uint32_t from) {
    if (node_cost[from] == unreachable || weights[entry] == blocked) return;
    best = std::min(best, uint64_t{node_cost[from]} + weights[entry]);
  });
  return best;
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
  // Map arcs only: a copy drives the same street, and far_end_ms takes the best of them.
  for (uint32_t arc = 0; arc < network.map_arc_count(); ++arc) {
    const uint32_t tail = tails[arc], head = network.map_node(network.arc_head[arc]);
    const uint64_t end_ms = far_end_ms(network, weights, node_cost, tail, arc);
    if (end_ms == unreachable) continue;
    const auto band = std::lower_bound(band_limits_ms.begin(), band_limits_ms.end(), end_ms);
    if (band == band_limits_ms.end()) continue;
    // A two-way street reached both ways is drawn once, in its earlier direction.
    const uint32_t reverse = geodata::find_arc(network, head, tail);
    if (reverse != geodata::invalid_id) {
      const uint64_t other_ms = far_end_ms(network, weights, node_cost, head, reverse);
      if (other_ms < end_ms || (other_ms == end_ms && reverse < arc)) continue;
    }
    banded.push_back(
        {arc, static_cast<uint32_t>(band - band_limits_ms.begin()), static_cast<uint32_t>(end_ms)});
  }
  return banded;
}

}  // namespace siaga::routing
