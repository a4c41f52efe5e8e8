// Alternatives by the penalty method: on a hand-drawn pair of parallel roads the second road is
// offered when it is not much slower and not when it is; on the island every alternative is a
// drivable route whose duration is its arcs' true weights, within the stretch and sharing limits.
#include "siaga/routing/alternatives.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_set>

#include "siaga/geodata/snapper.h"
#include "test_support.h"

namespace siaga::routing::alternatives_test {
namespace {

// Two roads from 0 to 3: north over 1 and 2, south over 4 and 5 (metres east, north).
geodata::RoadNetwork two_roads() {
  std::vector<std::pair<uint32_t, uint32_t>> arcs;
  for (auto [a, b] : {std::pair{0, 1}, {1, 2}, {2, 3}, {0, 4}, {4, 5}, {5, 3}}) {
    arcs.push_back({a, b});
    arcs.push_back({b, a});
  }
  return test::network_in_metres(
      {{0, 0}, {1000, 500}, {2000, 500}, {3000, 0}, {1000, -500}, {2000, -500}}, arcs);
}

using test::tail_of;

std::vector<uint32_t> south_slower_by(const geodata::RoadNetwork& network, uint32_t factor) {
  std::vector<uint32_t> weights(network.arc_count());
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    const bool south = tail_of(network, arc) >= 4 || network.arc_head[arc] >= 4;
    weights[arc] = south ? 60'000 * factor / 10 : 60'000;
  }
  return weights;
}

geodata::LatLon along(const geodata::RoadNetwork& network, uint32_t a, uint32_t b, double part) {
  const geodata::LatLon p = network.node_position[a];
  const geodata::LatLon q = network.node_position[b];
  return {p.lat + part * (q.lat - p.lat), p.lon + part * (q.lon - p.lon)};
}

TEST(Alternatives, TheOtherRoadIsOfferedOnlyWhenItIsNotMuchSlower) {
  const geodata::RoadNetwork network = two_roads();
  const Cch cch = Cch::build(network);
  const geodata::Snapper snapper(network);
  CchQuery query(cch);
  const geodata::Snap from = snapper.snap(along(network, 0, 1, 0.05));
  const geodata::Snap to = snapper.snap(along(network, 2, 3, 0.95));
  Dijkstra dijkstra(network);
  {
    const CchMetric metric = customize(cch, south_slower_by(network, 12));  // 20 % slower
    const std::vector<Route> routes =
        routes_with_alternatives(network, cch, metric, from, to, query);
    ASSERT_EQ(routes.size(), 2u);
    std::unordered_set<uint32_t> nodes;
    for (uint32_t arc : routes[1].arcs) nodes.insert(network.arc_head[arc]);
    EXPECT_TRUE(nodes.contains(4) && nodes.contains(5)) << "the south road";
    // Its duration is the south road's, as Dijkstra finds it with the north road closed.
    std::vector<uint32_t> closed = metric.arc_weight;
    for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
      if (tail_of(network, arc) == 1 && network.arc_head[arc] == 2) closed[arc] = blocked;
    }
    EXPECT_EQ(routes[1].duration_ms,
              route_between(network, closed, from, to, dijkstra).duration_ms);
    EXPECT_GT(routes[1].duration_ms, routes[0].duration_ms);
  }
  {
    const CchMetric metric = customize(cch, south_slower_by(network, 30));  // three times slower
    EXPECT_EQ(routes_with_alternatives(network, cch, metric, from, to, query).size(), 1u);
  }
}

TEST(Alternatives, OnTheIslandEveryAlternativeIsARealRouteWithinTheLimits) {
  const auto& network = test::ambon().network;
  const Cch& cch = test::ambon_cch();
  const geodata::Snapper snapper(network);
  const CchMetric metric = customize(cch, network.arc_time_ms);
  CchQuery query(cch);
  std::mt19937_64 random(41);
  auto place = [&] { return snapper.snap(network.node_position[random() % network.node_count()]); };
  AlternativeOptions options;
  options.max_alternatives = 2;
  int with_alternative = 0, pairs = 0;
  for (int i = 0; i < test::scaled(100); ++i) {
    const geodata::Snap from = place(), to = place();
    const std::vector<Route> routes =
        routes_with_alternatives(network, cch, metric, from, to, query, options);
    if (routes.empty()) continue;
    ++pairs;
    with_alternative += routes.size() > 1;
    ASSERT_LE(routes.size(), 3u);
    std::unordered_set<uint32_t> shown;
    for (uint32_t arc : routes[0].arcs) shown.insert(arc);
    for (size_t k = 1; k < routes.size(); ++k) {
      const Route& route = routes[k];
      ASSERT_NE(route.end_arc, geodata::invalid_id) << "an alternative leaves the start's road";
      uint64_t duration = partial_cost(metric.arc_weight[route.start_arc], route.start_fraction) +
                          partial_cost(metric.arc_weight[route.end_arc], route.end_fraction);
      double shared = 0;
      for (size_t j = 0; j < route.arcs.size(); ++j) {
        duration += metric.arc_weight[route.arcs[j]];
        if (j > 0) {
          EXPECT_EQ(tail_of(network, route.arcs[j]), network.arc_head[route.arcs[j - 1]]);
        }
        if (shown.contains(route.arcs[j])) shared += network.arc_length_m[route.arcs[j]];
      }
      EXPECT_EQ(route.duration_ms, duration);
      EXPECT_GE(route.duration_ms, routes[0].duration_ms);
      EXPECT_LE(route.duration_ms, options.max_stretch * routes[0].duration_ms);
      EXPECT_LE(shared, options.max_shared * route.distance_m + 1e-6);
      for (uint32_t arc : route.arcs) shown.insert(arc);
    }
  }
  EXPECT_GT(with_alternative * 5, pairs) << "a city of loops has second ways for many pairs";
}

}  // namespace
}  // namespace siaga::routing::alternatives_test
