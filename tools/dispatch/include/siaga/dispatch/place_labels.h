// Names a planner can find on a map: a street's own name, or for the many unnamed village
// streets "near" the named street fewest hops away (breadth-first over the graph from every node
// on a named street).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "siaga/geodata/road_network.h"
#include "siaga/routing/segments.h"

namespace siaga::dispatch {

// Per node, the way of the nearest named street (invalid_id where no named street is reachable).
std::vector<uint32_t> nearest_named_way(const geodata::RoadNetwork& network);

// "near <street>", or "(unnamed streets)", for a node.
std::string node_label(const geodata::RoadNetwork& network, std::span<const uint32_t> named_way,
                       uint32_t node);

// Per segment: its street's name, else the label of its tail node. Each distinct label is kept
// once: a street's name repeats over all its segments, and "near X" over a whole village.
struct PlaceLabels {
  std::vector<std::string> names;
  std::vector<uint32_t> of_segment;  // index into names

  const std::string& operator[](size_t segment) const { return names[of_segment[segment]]; }
  size_t size() const { return of_segment.size(); }
};

PlaceLabels place_labels(const geodata::RoadNetwork& network,
                         std::span<const routing::Segment> segments);

}  // namespace siaga::dispatch
