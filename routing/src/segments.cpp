#include "siaga/routing/segments.h"

#include <algorithm>

#include "siaga/routing/dijkstra.h"

namespace siaga::routing {

geodata::LatLon segment_middle(const geodata::RoadNetwork& network, const Segment& segment) {
  const geodata::LatLon a = network.node_position[segment.tail];
  const geodata::LatLon b = network.node_position[segment.head];
  return {(a.lat + b.lat) / 2, (a.lon + b.lon) / 2};
}

std::vector<uint32_t> segment_arrivals(const geodata::RoadNetwork& network,
                                       std::span<const Segment> segments,
                                       std::span<const uint32_t> weights,
                                       std::span<const uint32_t> node_cost) {
  std::vector<uint32_t> arrivals;
  segment_arrivals(network, segments, weights, node_cost, arrivals);
  return arrivals;
}

namespace {

// Entering `arc` from `from`, or from a copy of `from` allowed to turn into it.
uint32_t entering(const geodata::RoadNetwork& network, std::span<const uint32_t> weights,
                  std::span<const uint32_t> node_cost, uint32_t from, uint32_t arc) {
  if (arc == geodata::invalid_id || weights[arc] == blocked) return unreachable;
  uint32_t best = unreachable;
  geodata::for_each_arc_copy(
      network, from, arc, [&](uint32_t, uint32_t tail) { best = std::min(best, node_cost[tail]); });
  return best == unreachable ? unreachable : best + weights[arc] / 2;
}

}  // namespace

uint32_t segment_arrival(const geodata::RoadNetwork& network, const Segment& segment,
                         std::span<const uint32_t> weights, std::span<const uint32_t> node_cost) {
  return std::min(entering(network, weights, node_cost, segment.tail, segment.forward_arc),
                  entering(network, weights, node_cost, segment.head, segment.backward_arc));
}

void segment_arrivals(const geodata::RoadNetwork& network, std::span<const Segment> segments,
                      std::span<const uint32_t> weights, std::span<const uint32_t> node_cost,
                      std::vector<uint32_t>& arrivals) {
  arrivals.resize(segments.size());
  for (size_t s = 0; s < segments.size(); ++s)
    arrivals[s] = segment_arrival(network, segments[s], weights, node_cost);
}

}  // namespace siaga::routing
