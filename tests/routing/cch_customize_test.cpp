// Customization against its oracles: perfect customization keeps exactly the edges that are
// shortest paths (Dijkstra), a partial customization gives the metric a full one gives, array
// for array, and lower triangles found while customizing (the grid's case) give Dijkstra's costs.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>

#include "siaga/routing/cch.h"
#include "siaga/routing/dijkstra.h"
#include "test_support.h"

namespace siaga::routing::cch_customize_test {
namespace {

using test::ambon_cch;
using test::with_random_closures;

// Perfect customization against Dijkstra: an edge direction is in the search graph exactly when
// its customized cost is the shortest between its ends, with and without closed roads.
TEST(Cch, SearchGraphsKeepExactlyTheEdgesThatAreShortestPaths) {
  const auto& network = test::ambon().network;
  const Cch& cch = ambon_cch();
  Dijkstra dijkstra(network);
  for (const auto& weights :
       {network.arc_time_ms, with_random_closures(network.arc_time_ms, 13, 20)}) {
    const CchMetric metric = customize(cch, weights);
    auto kept = [&](const CchSearchGraph& graph, uint32_t x, uint32_t edge) {  // (x, its head)
      return std::count(graph.head.begin() + graph.first_out[x],
                        graph.head.begin() + graph.first_out[x + 1], cch.up_head[edge]);
    };
    std::mt19937_64 random(14);
    size_t dropped = 0, checked = 0;
    for (int sample = 0; sample < test::scaled(40); ++sample) {
      const uint32_t x = static_cast<uint32_t>(random() % cch.node_count());
      const Seed from_x[] = {{cch.node_at_rank[x], 0}};
      const std::vector<uint32_t> from_x_costs = dijkstra.all_costs(from_x, weights);
      for (uint32_t e = cch.first_up[x]; e < cch.first_up[x + 1]; ++e) {
        const uint32_t y = cch.node_at_rank[cch.up_head[e]];
        const Seed from_y[] = {{y, 0}};
        const uint32_t to_x = dijkstra.all_costs(from_y, weights)[cch.node_at_rank[x]];
        for (const auto& [customized, shortest, graph] :
             {std::tuple{metric.up[e], from_x_costs[y], &metric.up_search},
              std::tuple{metric.down[e], to_x, &metric.down_search}}) {
          const bool tight = customized < 0x7fffffff && customized == shortest;
          ASSERT_EQ(kept(*graph, x, e), tight ? 1 : 0)
              << "edge " << e << " cost " << customized << ", shortest " << shortest;
          if (customized < 0x7fffffff) {
            ASSERT_GE(customized, shortest);
          }
          dropped += !tight;
          ++checked;
        }
      }
    }
    EXPECT_GT(dropped, 0u) << "of " << checked << ": the island has shortcuts that are not tight";
    EXPECT_LT(dropped, checked);
  }
}

// A partial customization after a few arcs change gives the metric a full one gives, array for
// array (same costs, same legs chosen among equals): arcs closed, slowed, sped up and restored,
// chained one partial customization on another (every other one only slowing or closing), on the
// island with its lower triangles stored and found while customizing.
TEST(Cch, PartialCustomizationEqualsFull) {
  const auto& network = test::ambon().network;
  const Cch& cch = ambon_cch();
  // The same structure with its lower triangles found while customizing, not stored.
  const Cch found = Cch::build(network, CchOptions{.max_stored_triangles = 0});
  ASSERT_TRUE(found.first_triangle.empty());
  ASSERT_FALSE(cch.first_triangle.empty());
  std::mt19937_64 random(26);
  std::vector<uint32_t> weights = network.arc_time_ms;
  CchMetric metric = customize(cch, weights);
  CchMetric metric_found = customize(found, weights);
  ASSERT_TRUE(test::same_metric(metric, metric_found));
  for (int round = 0; round < test::scaled(60); ++round) {
    std::vector<uint32_t> changed;
    const int count = 1 + static_cast<int>(random() % (round % 3 == 0 ? 400 : 12));
    // Every other round only slows or closes roads, as a hazard switched on does: the
    // customization then leaves alone the edges whose chosen legs kept their costs.
    const bool only_growing = round % 2 == 1;
    const uint32_t around = static_cast<uint32_t>(random() % network.arc_count());
    for (int k = 0; k < count; ++k) {
      const uint32_t arc = (around + random() % 2000) % network.arc_count();  // a neighbourhood
      const uint32_t choice = random() % 4;
      const uint32_t weight = choice == 0   ? blocked
                              : choice == 1 ? network.arc_time_ms[arc]
                                            : static_cast<uint32_t>(1 + random() % 200000);
      weights[arc] = only_growing ? std::max(weights[arc], weight) : weight;
      changed.push_back(arc);
    }
    metric = customize(cch, metric, weights, changed);
    const CchMetric full = customize(cch, weights);
    ASSERT_TRUE(test::same_metric(metric, full)) << "round " << round;
    metric_found = customize(found, metric_found, weights, changed);
    ASSERT_TRUE(test::same_metric(metric_found, full)) << "found triangles, round " << round;
    ASSERT_TRUE(test::same_metric(customize(found, weights), full)) << "round " << round;
  }
}

// A square street grid (the worst case for nested dissection) with its lower triangles found
// while customizing: every cost from random sources equals Dijkstra's, under random weights.
TEST(Cch, GridWithTrianglesFoundWhileCustomizingMatchesDijkstra) {
  constexpr uint32_t side = 30;
  std::vector<std::pair<double, double>> metres;
  std::vector<std::pair<uint32_t, uint32_t>> arcs;
  for (uint32_t row = 0; row < side; ++row) {
    for (uint32_t col = 0; col < side; ++col) {
      metres.emplace_back(col * 100.0, row * 100.0);
      const uint32_t v = row * side + col;
      if (col + 1 < side) arcs.insert(arcs.end(), {{v, v + 1}, {v + 1, v}});
      if (row + 1 < side) arcs.insert(arcs.end(), {{v, v + side}, {v + side, v}});
    }
  }
  const geodata::RoadNetwork grid = test::network_in_metres(metres, arcs);
  const Cch cch = Cch::build(grid, CchOptions{.max_stored_triangles = 0});
  ASSERT_TRUE(cch.first_triangle.empty());
  ASSERT_GT(cch.triangle_count(), 0u);
  std::mt19937_64 random(30);
  std::vector<uint32_t> weights(grid.arc_count());
  for (uint32_t& w : weights) w = random() % 10 == 0 ? blocked : 1 + random() % 1000;
  const CchMetric metric = customize(cch, weights);
  CchQuery query(cch);
  Dijkstra dijkstra(grid);
  for (int i = 0; i < test::scaled(20); ++i) {
    const Seed source[] = {{static_cast<uint32_t>(random() % grid.node_count()), 0}};
    ASSERT_EQ(query.all_costs(metric, source), dijkstra.all_costs(source, weights));
  }
}

}  // namespace
}  // namespace siaga::routing::cch_customize_test
