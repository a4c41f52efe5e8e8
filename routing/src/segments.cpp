#include "siaga/routing/segments.h"

#include <algorithm>

#include "siaga/routing/dijkstra.h"

namespace siaga::routing {

geodata::LatLon segment_middle(const geodata::RoadNetwork& network, const Segment& segment) {
  const geodata::LatLon a = network.node_position[segment.tail];
  const geodata::LatLon b = network.node_position[segment.head];
  return {(a.lat + b.lat) / 2, (a.lon + b.lon) / 2};
}

std::vector<Segment> road_segments(const geodata::RoadNetwork& network) {
  std::vector<Segment> segments;
  const std::vector<uint32_t> tails = geodata::arc_tails(network);
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    const uint32_t tail = tails[arc], head = network.arc_head[arc];
    if (tail == head) continue;
    const uint32_t reverse = geodata::find_arc(network, head, tail);
    if (reverse != geodata::invalid_id && tail > head) continue;  // listed from the other end
    // Parallel arcs between the same nodes (two ways) are one street: the fastest stands for it.
    if (geodata::find_arc(network, tail, head) != arc) continue;
    segments.push_back({tail, head, arc, reverse});
  }
  return segments;
}

std::vector<uint32_t> segment_arrivals(std::span<const Segment> segments,
                                       std::span<const uint32_t> weights,
                                       std::span<const uint32_t> node_cost) {
  std::vector<uint32_t> arrivals;
  segment_arrivals(segments, weights, node_cost, arrivals);
  return arrivals;
}

void segment_arrivals(std::span<const Segment> segments, std::span<const uint32_t> weights,
                      std::span<const uint32_t> node_cost, std::vector<uint32_t>& arrivals) {
  arrivals.resize(segments.size());
  auto via = [&](uint32_t from, uint32_t arc) -> uint32_t {
    if (arc == geodata::invalid_id || weights[arc] == blocked || node_cost[from] == unreachable)
      return unreachable;
    return node_cost[from] + weights[arc] / 2;
  };
  for (size_t s = 0; s < segments.size(); ++s) {
    const Segment& segment = segments[s];
    arrivals[s] =
        std::min(via(segment.tail, segment.forward_arc), via(segment.head, segment.backward_arc));
  }
}

}  // namespace siaga::routing
