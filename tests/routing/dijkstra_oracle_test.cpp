// The route engine against an independent oracle: Boost.Graph's Dijkstra on the same arcs.
#include <gtest/gtest.h>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <random>
#include <set>

#include "siaga/routing/dijkstra.h"
#include "test_support.h"

namespace siaga::dijkstra_oracle_test {
namespace {

using BoostGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                          boost::property<boost::edge_weight_t, uint64_t>>;

BoostGraph to_boost(const geodata::RoadNetwork& network, std::span<const uint32_t> weights) {
  BoostGraph graph(network.node_count());
  for (uint32_t node = 0; node < network.node_count(); ++node) {
    for (uint32_t arc = network.first_out[node]; arc < network.first_out[node + 1]; ++arc) {
      if (weights[arc] != routing::blocked) {
        boost::add_edge(node, network.arc_head[arc], uint64_t{weights[arc]}, graph);
      }
    }
  }
  return graph;
}

std::vector<uint64_t> boost_costs(const BoostGraph& graph, uint32_t source) {
  std::vector<uint64_t> distance(boost::num_vertices(graph));
  boost::dijkstra_shortest_paths(graph, source, boost::distance_map(distance.data()));
  return distance;
}

void expect_same_as_boost(const geodata::RoadNetwork& network, std::span<const uint32_t> weights,
                          int sources, uint64_t seed) {
  const BoostGraph graph = to_boost(network, weights);
  routing::Dijkstra engine(network);
  std::mt19937_64 random(seed);
  for (int i = 0; i < sources; ++i) {
    const uint32_t source = static_cast<uint32_t>(random() % network.node_count());
    const std::vector<uint64_t> expected = boost_costs(graph, source);
    const routing::Seed seeds[] = {{source, 0}};
    const std::vector<uint32_t> all = engine.all_costs(seeds, weights);
    for (int k = 0; k < 50; ++k) {
      const uint32_t target = static_cast<uint32_t>(random() % network.node_count());
      const bool reachable = expected[target] != std::numeric_limits<uint64_t>::max();
      const routing::Seed targets[] = {{target, 0}};
      const routing::PathResult path = engine.shortest_path(seeds, targets, weights);
      if (!reachable) {
        EXPECT_EQ(path.cost_ms, routing::unreachable);
        continue;
      }
      ASSERT_EQ(path.cost_ms, expected[target]) << source << " → " << target;
      EXPECT_EQ(all[target], expected[target]);
      uint64_t sum = 0;
      for (uint32_t arc : path.arcs) sum += weights[arc];
      EXPECT_EQ(sum, path.cost_ms);  // the path is real and costs what it says
      if (!path.arcs.empty()) {
        EXPECT_EQ(network.arc_head[path.arcs.back()], target);
      }
    }
  }
}

TEST(RoutingOracle, DijkstraMatchesBoostGraphOnAmbon) {
  const auto& network = test::ambon().network;
  expect_same_as_boost(network, network.arc_time_ms, test::scaled(40), 1);
}

TEST(RoutingOracle, DijkstraMatchesBoostGraphWithRandomClosures) {
  const auto& network = test::ambon().network;
  std::vector<uint32_t> weights = network.arc_time_ms;
  std::mt19937_64 random(2);
  for (uint32_t& w : weights) {
    if (random() % 20 == 0) w = routing::blocked;  // 5 % of the arcs closed
  }
  expect_same_as_boost(network, weights, 40, 3);
}

// A search bounded by a radius settles exactly the nodes within it, at their Boost costs, and
// leaves every other node above the radius.
TEST(RoutingOracle, SettlingWithinARadiusMatchesBoostGraph) {
  const auto& network = test::ambon().network;
  const std::span<const uint32_t> weights = network.arc_time_ms;
  const BoostGraph graph = to_boost(network, weights);
  routing::Dijkstra engine(network);
  std::mt19937_64 random(4);
  for (int i = 0; i < test::scaled(20); ++i) {
    const uint32_t source = static_cast<uint32_t>(random() % network.node_count());
    const uint32_t limit = static_cast<uint32_t>(random() % 900'000);  // up to 15 minutes
    const std::vector<uint64_t> expected = boost_costs(graph, source);
    const routing::Seed seeds[] = {{source, 0}};
    const std::span<const uint32_t> settled = engine.settle_within(seeds, weights, limit);
    const std::set<uint32_t> got(settled.begin(), settled.end());
    ASSERT_EQ(got.size(), settled.size()) << "a node settled twice";
    size_t within = 0;
    for (uint32_t node = 0; node < network.node_count(); ++node) {
      if (expected[node] <= limit) {
        ++within;
        ASSERT_TRUE(got.count(node)) << source << " → " << node << " within " << limit;
        ASSERT_EQ(engine.costs()[node], expected[node]);
      } else {
        ASSERT_GT(engine.costs()[node], limit) << source << " → " << node;
      }
    }
    EXPECT_EQ(within, settled.size());
    EXPECT_GT(within, 0u);  // the source itself
  }
}

}  // namespace
}  // namespace siaga::dijkstra_oracle_test
