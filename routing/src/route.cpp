#include "siaga/routing/route.h"

#include <cmath>

namespace siaga::routing {

using geodata::invalid_id;
using geodata::Snap;

std::vector<RoutePiece> route_pieces(const Route& route) {
  std::vector<RoutePiece> pieces;
  const auto& points = route.geometry;  // start, nodes..., end (or start, end)
  if (!route.found || route.start_arc == invalid_id || points.size() < 2) return pieces;
  if (route.arcs.empty() && route.end_arc == invalid_id) {
    pieces.push_back({route.start_arc, route.start_fraction, points.front(), points.back()});
    return pieces;
  }
  pieces.push_back({route.start_arc, route.start_fraction, points[0], points[1]});
  for (size_t i = 0; i < route.arcs.size(); ++i)
    pieces.push_back({route.arcs[i], 1.0, points[i + 1], points[i + 2]});
  pieces.push_back({route.end_arc, route.end_fraction, points[points.size() - 2], points.back()});
  return pieces;
}

uint32_t partial_cost(uint32_t arc_cost, double fraction) {
  return static_cast<uint32_t>(std::lround(static_cast<double>(arc_cost) * fraction));
}

namespace {

bool usable(uint32_t arc, std::span<const uint32_t> weights) {
  return arc != invalid_id && weights[arc] != blocked;
}

void add_seed(SnapSeeds& seeds, uint32_t node, uint32_t arc, double fraction,
              std::span<const uint32_t> weights) {
  seeds.seeds.push_back({node, partial_cost(weights[arc], fraction)});
  seeds.arc.push_back(arc);
  seeds.fraction.push_back(fraction);
}

}  // namespace

SnapSeeds source_seeds(const geodata::RoadNetwork& network, const Snap& from,
                       std::span<const uint32_t> weights) {
  SnapSeeds seeds;
  // Drive on to the head, or back to the tail where the street allows it.
  if (usable(from.forward_arc, weights)) {
    add_seed(seeds, network.arc_head[from.forward_arc], from.forward_arc, 1 - from.fraction,
             weights);
  }
  if (usable(from.backward_arc, weights)) {
    add_seed(seeds, network.arc_head[from.backward_arc], from.backward_arc, from.fraction, weights);
  }
  return seeds;
}

SnapSeeds target_seeds(const geodata::RoadNetwork& network, const Snap& to,
                       std::span<const uint32_t> weights) {
  SnapSeeds seeds;
  // Arrive from the tail driving forward, or from the head driving backward.
  auto arrive = [&](uint32_t from, uint32_t arc, double fraction) {
    geodata::for_each_arc_copy(network, from, arc, [&](uint32_t entry, uint32_t tail) {
      if (weights[entry] != blocked) add_seed(seeds, tail, entry, fraction, weights);
    });
  };
  if (usable(to.forward_arc, weights)) arrive(to.tail, to.forward_arc, to.fraction);
  if (usable(to.backward_arc, weights)) arrive(to.head, to.backward_arc, 1 - to.fraction);
  return seeds;
}

uint32_t same_segment_cost(const Snap& from, const Snap& to, std::span<const uint32_t> weights) {
  if (from.tail != to.tail || from.head != to.head) return unreachable;
  uint32_t best = unreachable;
  if (usable(from.forward_arc, weights) && to.fraction >= from.fraction) {
    best = partial_cost(weights[from.forward_arc], to.fraction - from.fraction);
  }
  if (usable(from.backward_arc, weights) && to.fraction <= from.fraction) {
    best = std::min(best, partial_cost(weights[from.backward_arc], from.fraction - to.fraction));
  }
  return best;
}

Route route_between(const geodata::RoadNetwork& network, std::span<const uint32_t> weights,
                    const Snap& from, const Snap& to, Dijkstra& engine) {
  return route_between(network, weights, from, to,
                       [&](std::span<const Seed> sources, std::span<const Seed> targets) {
                         return engine.shortest_path(sources, targets, weights);
                       });
}

Route route_between(const geodata::RoadNetwork& network, const CchMetric& metric, const Snap& from,
                    const Snap& to, CchQuery& engine) {
  return route_between(network, metric.arc_weight, from, to,
                       [&](std::span<const Seed> sources, std::span<const Seed> targets) {
                         return engine.shortest_path(metric, sources, targets);
                       });
}

Route route_between(const geodata::RoadNetwork& network, std::span<const uint32_t> weights,
                    const Snap& from, const Snap& to, const PathFinder& find_path) {
  Route route;
  route.from_snap_m = from.distance_m;
  route.to_snap_m = to.distance_m;
  const SnapSeeds sources = source_seeds(network, from, weights);
  const SnapSeeds targets = target_seeds(network, to, weights);
  const uint32_t direct = same_segment_cost(from, to, weights);
  PathResult path = find_path(sources.seeds, targets.seeds);

  if (direct != unreachable && direct <= path.cost_ms) {
    route.found = true;
    route.duration_ms = direct;
    const uint32_t arc = from.forward_arc != invalid_id ? from.forward_arc : from.backward_arc;
    route.distance_m = network.arc_length_m[arc] * std::abs(to.fraction - from.fraction);
    route.geometry = {from.position, to.position};
    route.start_arc = arc;
    route.start_fraction = std::abs(to.fraction - from.fraction);
    return route;
  }
  if (path.cost_ms == unreachable) {
    route.reason = sources.seeds.empty()   ? "the start's road is closed in every direction"
                   : targets.seeds.empty() ? "the destination's road is closed in every direction"
                                           : "no open road connects the two points";
    return route;
  }
  route.found = true;
  route.duration_ms = path.cost_ms;
  route.arcs = std::move(path.arcs);
  route.distance_m =
      network.arc_length_m[sources.arc[path.source]] * sources.fraction[path.source] +
      network.arc_length_m[targets.arc[path.target]] * targets.fraction[path.target];
  route.start_arc = sources.arc[path.source];
  route.start_fraction = sources.fraction[path.source];
  route.end_arc = targets.arc[path.target];
  route.end_fraction = targets.fraction[path.target];
  const size_t n = route.arcs.size();
  route.geometry.resize(n + 3);
  route.geometry[0] = from.position;
  route.geometry[1] = network.node_position[sources.seeds[path.source].node];
  const uint32_t* arcs = route.arcs.data();
  double distance_m = route.distance_m;  // summed in the same order as ever, kept in a register
  for (size_t i = 0; i < n; ++i) {
    // A head's position is a read that depends on another; issued ahead, they overlap.
    if (i + 8 < n) __builtin_prefetch(&network.node_position[network.arc_head[arcs[i + 8]]]);
    distance_m += network.arc_length_m[arcs[i]];
    route.geometry[i + 2] = network.node_position[network.arc_head[arcs[i]]];
  }
  route.distance_m = distance_m;
  route.geometry[n + 2] = to.position;
  return route;
}

}  // namespace siaga::routing
