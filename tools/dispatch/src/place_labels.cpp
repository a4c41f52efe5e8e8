#include "siaga/dispatch/place_labels.h"

#include <unordered_map>

namespace siaga::dispatch {

namespace {

std::string segment_name(const geodata::RoadNetwork& network, const routing::Segment& segment) {
  return network.way_name[network.arc_way[segment.forward_arc]];
}

}  // namespace

std::vector<uint32_t> nearest_named_way(const geodata::RoadNetwork& network) {
  const std::vector<uint32_t> tails = geodata::arc_tails(network);
  std::vector<uint32_t> named_way(network.node_count(), geodata::invalid_id);
  std::vector<uint32_t> queue;
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    const uint32_t way = network.arc_way[arc];
    if (network.way_name[way].empty()) continue;
    for (uint32_t node : {tails[arc], network.arc_head[arc]}) {
      if (named_way[node] != geodata::invalid_id) continue;
      named_way[node] = way;
      queue.push_back(node);
    }
  }
  for (size_t next = 0; next < queue.size(); ++next) {  // arcs both ways: streets are streets
    const uint32_t node = queue[next];
    for (uint32_t arc = network.first_out[node]; arc < network.first_out[node + 1]; ++arc) {
      const uint32_t head = network.arc_head[arc];
      if (named_way[head] == geodata::invalid_id) {
        named_way[head] = named_way[node];
        queue.push_back(head);
      }
    }
  }
  return named_way;
}

std::string node_label(const geodata::RoadNetwork& network, std::span<const uint32_t> named_way,
                       uint32_t node) {
  const uint32_t way = named_way[node];
  return way == geodata::invalid_id ? "(unnamed streets)" : "near " + network.way_name[way];
}

PlaceLabels place_labels(const geodata::RoadNetwork& network,
                         std::span<const routing::Segment> segments) {
  const std::vector<uint32_t> named_way = nearest_named_way(network);
  PlaceLabels labels;
  labels.of_segment.reserve(segments.size());
  std::unordered_map<std::string, uint32_t> index;
  for (const routing::Segment& segment : segments) {
    std::string name = segment_name(network, segment);
    if (name.empty()) name = node_label(network, named_way, segment.tail);
    const auto [at, added] = index.try_emplace(name, static_cast<uint32_t>(labels.names.size()));
    if (added) labels.names.push_back(std::move(name));
    labels.of_segment.push_back(at->second);
  }
  return labels;
}
}  // namespace siaga::dispatch
