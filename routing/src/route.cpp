#include "siaga/routing/route.h"

#include <boost/container/small_vector.hpp>
#include <cmath>
#include <iterator>

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

// The positions of the arcs' heads, as a forward range, so that a vector takes them in one pass.
// No software prefetch: a route's heads are mostly neighbours in memory (92 % of consecutive ones
// on the island, 81 % on Kota Ambon), which the hardware prefetcher follows, and prefetching each
// one eight arcs ahead made a route 4 % slower.
struct HeadPositions {
  using iterator_category = std::forward_iterator_tag;
  using value_type = geodata::LatLon;
  using difference_type = std::ptrdiff_t;
  using pointer = const geodata::LatLon*;
  using reference = const geodata::LatLon&;

  const geodata::RoadNetwork* network;
  std::span<const uint32_t> arcs;
  size_t i;

  reference operator*() const { return network->node_position[network->arc_head[arcs[i]]]; }
  HeadPositions& operator++() {
    ++i;
    return *this;
  }
  HeadPositions operator++(int) {
    HeadPositions before = *this;
    ++i;
    return before;
  }
  bool operator==(const HeadPositions& other) const { return i == other.i; }
};

// SnapSeeds' three lists, held inline: a route takes two sets per query, and on the heap they
// were six of its allocations. More than eight seeds (a junction split into many copies by turn
// restrictions) spill over to the heap.
struct InlineSeeds {
  boost::container::small_vector<Seed, 8> seeds;
  boost::container::small_vector<uint32_t, 8> arc;
  boost::container::small_vector<double, 8> fraction;
};

// The arcs' lengths summed in four lanes: one running sum is a chain of dependent additions, four
// cycles each, and was a tenth of a route. The order is fixed, so a route's length is the same
// every time; it differs from a one-lane sum by rounding only (parts in 10^15).
double length_m(const geodata::RoadNetwork& network, std::span<const uint32_t> arcs) {
  const float* length = network.arc_length_m.data();
  double lane[4] = {0, 0, 0, 0};
  size_t i = 0;
  for (; i + 4 <= arcs.size(); i += 4) {
    for (size_t k = 0; k < 4; ++k) lane[k] += length[arcs[i + k]];
  }
  for (; i < arcs.size(); ++i) lane[0] += length[arcs[i]];
  return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}

template <typename Seeds>
void add_seed(Seeds& seeds, uint32_t node, uint32_t arc, double fraction,
              std::span<const uint32_t> weights) {
  seeds.seeds.push_back({node, partial_cost(weights[arc], fraction)});
  seeds.arc.push_back(arc);
  seeds.fraction.push_back(fraction);
}

template <typename Seeds>
void fill_source_seeds(const geodata::RoadNetwork& network, const Snap& from,
                       std::span<const uint32_t> weights, Seeds& seeds) {
  // Drive on to the head, or back to the tail where the street allows it.
  if (usable(from.forward_arc, weights)) {
    add_seed(seeds, network.arc_head[from.forward_arc], from.forward_arc, 1 - from.fraction,
             weights);
  }
  if (usable(from.backward_arc, weights)) {
    add_seed(seeds, network.arc_head[from.backward_arc], from.backward_arc, from.fraction, weights);
  }
}

template <typename Seeds>
void fill_target_seeds(const geodata::RoadNetwork& network, const Snap& to,
                       std::span<const uint32_t> weights, Seeds& seeds) {
  // Arrive from the tail driving forward, or from the head driving backward.
  auto arrive = [&](uint32_t from, uint32_t arc, double fraction) {
    geodata::for_each_arc_copy(network, from, arc, [&](uint32_t entry, uint32_t tail) {
      if (weights[entry] != blocked) add_seed(seeds, tail, entry, fraction, weights);
    });
  };
  if (usable(to.forward_arc, weights)) arrive(to.tail, to.forward_arc, to.fraction);
  if (usable(to.backward_arc, weights)) arrive(to.head, to.backward_arc, 1 - to.fraction);
}

}  // namespace

SnapSeeds source_seeds(const geodata::RoadNetwork& network, const Snap& from,
                       std::span<const uint32_t> weights) {
  SnapSeeds seeds;
  fill_source_seeds(network, from, weights, seeds);
  return seeds;
}

SnapSeeds target_seeds(const geodata::RoadNetwork& network, const Snap& to,
                       std::span<const uint32_t> weights) {
  SnapSeeds seeds;
  fill_target_seeds(network, to, weights, seeds);
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
  InlineSeeds sources, targets;
  fill_source_seeds(network, from, weights, sources);
  fill_target_seeds(network, to, weights, targets);
  const uint32_t direct = same_segment_cost(from, to, weights);
  PathResult path = find_path({sources.seeds.data(), sources.seeds.size()},
                              {targets.seeds.data(), targets.seeds.size()});

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
  const std::span<const uint32_t> arcs = route.arcs;
  route.distance_m += length_m(network, arcs);
  // Reserved and filled in one pass: a resize would write every point twice, zeros first.
  route.geometry.reserve(arcs.size() + 3);
  route.geometry.push_back(from.position);
  route.geometry.push_back(network.node_position[sources.seeds[path.source].node]);
  route.geometry.insert(route.geometry.end(), HeadPositions{&network, arcs, 0},
                        HeadPositions{&network, arcs, arcs.size()});
  route.geometry.push_back(to.position);
  return route;
}

}  // namespace siaga::routing
