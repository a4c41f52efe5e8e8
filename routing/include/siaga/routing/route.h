// A route between two snapped points: seeds on the snapped segments' ends, the path search, and
// the geometry and distance put back together, partial segments included.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "siaga/geodata/road_network.h"
#include "siaga/geodata/snapper.h"
#include "siaga/routing/cch.h"
#include "siaga/routing/dijkstra.h"

namespace siaga::routing {

struct Route {
  bool found = false;
  std::string reason;  // why there is no route, when !found
  uint32_t duration_ms = 0;
  double distance_m = 0;
  std::vector<uint32_t> arcs;  // whole arcs driven
  // The arcs driven in part at the start and at the end, and the part driven (invalid_id when
  // none; a route along one segment has only a start arc).
  uint32_t start_arc = geodata::invalid_id;
  double start_fraction = 0;
  uint32_t end_arc = geodata::invalid_id;
  double end_fraction = 0;
  std::vector<geodata::LatLon> geometry;  // snapped start, nodes, snapped end
  double from_snap_m = 0;
  double to_snap_m = 0;
};

// One arc of a route as driven: whole (fraction 1) or the part at either end, and where on the
// route's geometry it begins and ends.
struct RoutePiece {
  uint32_t arc;
  double fraction;
  geodata::LatLon from;
  geodata::LatLon to;
};

// A found route's arcs in driving order, partial start and end included (what its duration,
// distance and steps are sums over).
std::vector<RoutePiece> route_pieces(const Route& route);

// Costs of driving part of an arc, rounded the same way by every engine.
uint32_t partial_cost(uint32_t arc_cost, double fraction);

// Where a search may start on a snapped segment, and what that start costs (and which partial
// arc it drives). The route engine and every oracle use these same seeds. A source drives on into
// the node its arc ends at (a junction's copy, if turn restrictions split it); a target is reached
// from its arc's tail or from any copy of it allowed to turn into that arc.
struct SnapSeeds {
  std::vector<Seed> seeds;
  std::vector<uint32_t> arc;     // the arc partly driven by each seed
  std::vector<double> fraction;  // the part of that arc driven
};
SnapSeeds source_seeds(const geodata::RoadNetwork& network, const geodata::Snap& from,
                       std::span<const uint32_t> weights);
SnapSeeds target_seeds(const geodata::RoadNetwork& network, const geodata::Snap& to,
                       std::span<const uint32_t> weights);

// Cost of driving directly along one segment when both points lie on it (unreachable if the
// segment's direction forbids it or the points are on different segments).
uint32_t same_segment_cost(const geodata::Snap& from, const geodata::Snap& to,
                           std::span<const uint32_t> weights);

// Any engine that finds the cheapest path from source seeds to target seeds.
using PathFinder = std::function<PathResult(std::span<const Seed>, std::span<const Seed>)>;

Route route_between(const geodata::RoadNetwork& network, std::span<const uint32_t> weights,
                    const geodata::Snap& from, const geodata::Snap& to,
                    const PathFinder& find_path);
Route route_between(const geodata::RoadNetwork& network, std::span<const uint32_t> weights,
                    const geodata::Snap& from, const geodata::Snap& to, Dijkstra& engine);
Route route_between(const geodata::RoadNetwork& network, const CchMetric& metric,
                    const geodata::Snap& from, const geodata::Snap& to, CchQuery& engine);

}  // namespace siaga::routing
