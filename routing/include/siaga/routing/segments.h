// Coverage for planners: travel time from the nearest station to every street, and the share of
// the demand on those streets within a target time. A street is one segment between two nodes,
// counted once however many directions it can be driven in.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "siaga/geodata/road_network.h"

namespace siaga::routing {

using Segment = geodata::RoadSegment;
using geodata::road_segments;

// The streets of a network, read-only and shared: the server's coverage reads the snapper's copy
// (Snapper::segments) instead of holding a second one (~1 MB on the island). Reads like a
// vector, and passes as a span.
class Segments {
 public:
  Segments() = default;
  explicit Segments(std::shared_ptr<const std::vector<Segment>> all) : all_(std::move(all)) {}
  explicit Segments(std::vector<Segment> all)
      : all_(std::make_shared<const std::vector<Segment>>(std::move(all))) {}

  size_t size() const { return all_ ? all_->size() : 0; }
  bool empty() const { return size() == 0; }
  const Segment& operator[](size_t s) const { return (*all_)[s]; }
  std::span<const Segment> span() const {
    return all_ ? std::span<const Segment>(*all_) : std::span<const Segment>();
  }
  operator std::span<const Segment>() const { return span(); }
  auto begin() const { return span().begin(); }
  auto end() const { return span().end(); }

 private:
  std::shared_ptr<const std::vector<Segment>> all_;
};

// The point halfway between a segment's two nodes: where a street's calls and demand are placed.
geodata::LatLon segment_middle(const geodata::RoadNetwork& network, const Segment& segment);

// Time to reach the middle of each segment from the nearest source, given the sources' cost to
// every node (CchQuery::all_costs or Dijkstra::all_costs) and the arc weights they used: the best
// direction it can be entered in (from a junction or any of its copies allowed to turn into it),
// half its weight. `unreachable` where closed or cut off.
std::vector<uint32_t> segment_arrivals(const geodata::RoadNetwork& network,
                                       std::span<const Segment> segments,
                                       std::span<const uint32_t> weights,
                                       std::span<const uint32_t> node_cost);
// The same into `arrivals` (resized), reusing its memory.
void segment_arrivals(const geodata::RoadNetwork& network, std::span<const Segment> segments,
                      std::span<const uint32_t> weights, std::span<const uint32_t> node_cost,
                      std::vector<uint32_t>& arrivals);
// One segment's arrival, as above.
uint32_t segment_arrival(const geodata::RoadNetwork& network, const Segment& segment,
                         std::span<const uint32_t> weights, std::span<const uint32_t> node_cost);

}  // namespace siaga::routing
