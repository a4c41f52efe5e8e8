// Coverage for planners: travel time from the nearest station to every street, and the share of
// the demand on those streets within a target time. A street is one segment between two nodes,
// counted once however many directions it can be driven in.
#pragma once

#include <span>
#include <vector>

#include "siaga/geodata/road_network.h"

namespace siaga::routing {

struct Segment {
  uint32_t tail = geodata::invalid_id;
  uint32_t head = geodata::invalid_id;
  uint32_t forward_arc = geodata::invalid_id;   // tail → head (a one-way is listed its own way)
  uint32_t backward_arc = geodata::invalid_id;  // head → tail, invalid_id for a one-way street
};

// Every street of the network once (a two-way street from its lower node id).
std::vector<Segment> road_segments(const geodata::RoadNetwork& network);

// The point halfway between a segment's two nodes: where a street's calls and demand are placed.
geodata::LatLon segment_middle(const geodata::RoadNetwork& network, const Segment& segment);

// Time to reach the middle of each segment from the nearest source, given the sources' cost to
// every node (CchQuery::all_costs or Dijkstra::all_costs) and the arc weights they used: the best
// direction it can be entered in, half its weight. `unreachable` where closed or cut off.
std::vector<uint32_t> segment_arrivals(std::span<const Segment> segments,
                                       std::span<const uint32_t> weights,
                                       std::span<const uint32_t> node_cost);
// The same into `arrivals` (resized), reusing its memory.
void segment_arrivals(std::span<const Segment> segments, std::span<const uint32_t> weights,
                      std::span<const uint32_t> node_cost, std::vector<uint32_t>& arrivals);

}  // namespace siaga::routing
