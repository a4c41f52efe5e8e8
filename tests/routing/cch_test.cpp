// The CCH against the plain Dijkstra (itself checked against Boost.Graph): exact costs on many
// random pairs, real unpacked paths, PHAST fields, many-to-one buckets, random closures.
#include "siaga/routing/cch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "siaga/geodata/osm_import.h"
#include "siaga/geodata/snapper.h"
#include "siaga/routing/dijkstra.h"
#include "siaga/routing/route.h"
#include "test_support.h"

namespace siaga::routing::cch_test {
namespace {

using test::ambon_cch;

using test::with_random_closures;

TEST(Cch, StructureIsAnEliminationTreeOfAChordalGraph) {
  const Cch& cch = ambon_cch();
  const auto& network = test::ambon().network;
  ASSERT_EQ(cch.network_node_count(), network.node_count());
  for (uint32_t x = 0; x < cch.node_count(); ++x) {
    EXPECT_EQ(cch.rank[cch.node_at_rank[x]], x);
    for (uint32_t e = cch.first_up[x]; e < cch.first_up[x + 1]; ++e) {
      ASSERT_GT(cch.up_head[e], x);
      if (e > cch.first_up[x]) {
        ASSERT_GT(cch.up_head[e], cch.up_head[e - 1]);
      }
    }
    if (cch.first_up[x] < cch.first_up[x + 1]) {
      EXPECT_EQ(cch.parent[x], cch.up_head[cch.first_up[x]]);  // parent = lowest upward neighbour
    }
  }
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    const uint32_t tail = test::tail_of(network, arc);
    const bool between_core = cch.rank[tail] != geodata::invalid_id &&
                              cch.rank[network.arc_head[arc]] != geodata::invalid_id;
    if (between_core && tail != network.arc_head[arc]) {
      EXPECT_NE(cch.arc_edge[arc], geodata::invalid_id);
    }
  }
}

// Every network node is a core node (it has a rank) or inside exactly one chain, whose ends are
// core nodes and whose pieces are the network's arcs between consecutive nodes; on the island
// most nodes are inside chains.
TEST(Cch, ChainsHoldEveryTwoNeighbourNode) {
  const Cch& cch = ambon_cch();
  const auto& network = test::ambon().network;
  std::vector<uint32_t> seen(network.node_count(), 0);
  for (uint32_t v = 0; v < network.node_count(); ++v) {
    EXPECT_NE(cch.rank[v] == geodata::invalid_id, cch.node_slot[v] == geodata::invalid_id) << v;
  }
  for (uint32_t chain = 0; chain < cch.chain_count(); ++chain) {
    const uint32_t first = cch.first_chain_slot[chain];
    const uint32_t last = cch.first_chain_slot[chain + 1] - 1;
    ASSERT_GE(last, first + 2) << "a chain has an interior node";
    EXPECT_NE(cch.rank[cch.slot_node[first]], geodata::invalid_id);
    EXPECT_NE(cch.rank[cch.slot_node[last]], geodata::invalid_id);
    for (uint32_t slot = first; slot < last; ++slot) {
      if (slot > first) {
        EXPECT_EQ(cch.node_slot[cch.slot_node[slot]], slot);
        ++seen[cch.slot_node[slot]];
      }
      const uint32_t forward = cch.slot_forward_arc[slot];
      const uint32_t backward = cch.slot_backward_arc[slot];
      EXPECT_TRUE(forward != geodata::invalid_id || backward != geodata::invalid_id);
      if (forward != geodata::invalid_id) {
        EXPECT_EQ(network.arc_head[forward], cch.slot_node[slot + 1]);
        EXPECT_GE(forward, network.first_out[cch.slot_node[slot]]);
        EXPECT_LT(forward, network.first_out[cch.slot_node[slot] + 1]);
      }
      if (backward != geodata::invalid_id) {
        EXPECT_EQ(network.arc_head[backward], cch.slot_node[slot]);
        EXPECT_GE(backward, network.first_out[cch.slot_node[slot + 1]]);
        EXPECT_LT(backward, network.first_out[cch.slot_node[slot + 1] + 1]);
      }
    }
  }
  for (uint32_t v = 0; v < network.node_count(); ++v)
    EXPECT_EQ(seen[v], cch.node_slot[v] == geodata::invalid_id ? 0u : 1u) << v;
  EXPECT_LT(cch.node_count() * 3, network.node_count()) << "two thirds of the nodes compressed";
}

void expect_matches_dijkstra(std::span<const uint32_t> weights, int pairs, uint64_t seed,
                             size_t side_by_side_above = size_t{1} << 20) {
  const auto& network = test::ambon().network;
  const Cch& cch = ambon_cch();
  const CchMetric metric = customize(cch, weights);
  CchQuery query(cch);
  query.unpack_side_by_side_above(side_by_side_above);
  Dijkstra dijkstra(network);
  std::mt19937_64 random(seed);
  for (int i = 0; i < pairs; ++i) {
    const Seed source[] = {{static_cast<uint32_t>(random() % network.node_count()), 0}};
    const Seed target[] = {{static_cast<uint32_t>(random() % network.node_count()),
                            static_cast<uint32_t>(random() % 1000)}};
    const PathResult expected = dijkstra.shortest_path(source, target, weights);
    const PathResult got = query.shortest_path(metric, source, target);
    ASSERT_EQ(got.cost_ms, expected.cost_ms) << source[0].node << " → " << target[0].node;
    if (got.cost_ms == unreachable) continue;
    uint64_t sum = target[0].cost_ms;
    uint32_t at = source[0].node;
    for (uint32_t arc : got.arcs) {
      ASSERT_GE(arc, network.first_out[at]);  // consecutive arcs: the path is drivable
      ASSERT_LT(arc, network.first_out[at + 1]);
      sum += weights[arc];
      at = network.arc_head[arc];
    }
    EXPECT_EQ(at, target[0].node);
    EXPECT_EQ(sum, got.cost_ms);
  }
}

TEST(Cch, PointToPointMatchesDijkstraOnTenThousandPairs) {
  expect_matches_dijkstra(test::ambon().network.arc_time_ms, test::scaled(10000), 7);
}

TEST(Cch, PointToPointMatchesDijkstraWithClosures) {
  expect_matches_dijkstra(with_random_closures(test::ambon().network.arc_time_ms, 8, 25),
                          test::scaled(3000), 9);
}

// The island's unpacking table fits in cache, so its routes are unpacked depth first: here they
// are unpacked in pieces side by side, as on a large network, and must be the very same routes.
TEST(Cch, RoutesUnpackedSideBySideMatchDijkstraAndDepthFirst) {
  expect_matches_dijkstra(test::ambon().network.arc_time_ms, test::scaled(3000), 10, 0);
  const auto& network = test::ambon().network;
  const CchMetric metric = customize(ambon_cch(), network.arc_time_ms);
  CchQuery depth_first(ambon_cch());
  CchQuery side_by_side(ambon_cch());
  depth_first.unpack_side_by_side_above(SIZE_MAX);
  side_by_side.unpack_side_by_side_above(0);
  std::mt19937_64 random(12);
  size_t long_routes = 0;
  for (int i = 0; i < test::scaled(2000); ++i) {
    const Seed source[] = {{static_cast<uint32_t>(random() % network.node_count()), 0}};
    const Seed target[] = {{static_cast<uint32_t>(random() % network.node_count()), 0}};
    const PathResult expected = depth_first.shortest_path(metric, source, target);
    const PathResult got = side_by_side.shortest_path(metric, source, target);
    ASSERT_EQ(got.cost_ms, expected.cost_ms);
    ASSERT_EQ(got.arcs, expected.arcs) << source[0].node << " → " << target[0].node;
    long_routes += expected.arcs.size() > 200;
  }
  EXPECT_GT(long_routes, 100u) << "routes long enough to be cut into many pieces";
}

TEST(Cch, MultiSeedQueriesMatchDijkstra) {
  const auto& network = test::ambon().network;
  const Cch& cch = ambon_cch();
  const CchMetric metric = customize(cch, network.arc_time_ms);
  CchQuery query(cch);
  Dijkstra dijkstra(network);
  std::mt19937_64 random(10);
  auto node = [&] { return static_cast<uint32_t>(random() % network.node_count()); };
  for (int i = 0; i < 500; ++i) {
    const Seed sources[] = {{node(), static_cast<uint32_t>(random() % 5000)},
                            {node(), static_cast<uint32_t>(random() % 5000)}};
    const Seed targets[] = {{node(), static_cast<uint32_t>(random() % 5000)},
                            {node(), static_cast<uint32_t>(random() % 5000)}};
    const PathResult expected = dijkstra.shortest_path(sources, targets, network.arc_time_ms);
    const PathResult got = query.shortest_path(metric, sources, targets);
    ASSERT_EQ(got.cost_ms, expected.cost_ms);
    EXPECT_EQ(
        sources[got.source].cost_ms + targets[got.target].cost_ms +
            [&] {
              uint32_t sum = 0;
              for (uint32_t arc : got.arcs) sum += network.arc_time_ms[arc];
              return sum;
            }(),
        got.cost_ms);
  }
}

TEST(Cch, AllCostsMatchDijkstra) {
  const auto& network = test::ambon().network;
  const Cch& cch = ambon_cch();
  const std::vector<uint32_t> weights = with_random_closures(network.arc_time_ms, 11, 30);
  const CchMetric metric = customize(cch, weights);
  CchQuery query(cch);
  Dijkstra dijkstra(network);
  std::mt19937_64 random(12);
  for (int i = 0; i < 20; ++i) {
    const Seed sources[] = {{static_cast<uint32_t>(random() % network.node_count()), 0},
                            {static_cast<uint32_t>(random() % network.node_count()), 30000}};
    EXPECT_EQ(query.all_costs(metric, sources), dijkstra.all_costs(sources, weights));
  }
}

TEST(Cch, ManyToOneMatchesDijkstra) {
  const auto& network = test::ambon().network;
  const Cch& cch = ambon_cch();
  const CchMetric metric = customize(cch, network.arc_time_ms);
  std::mt19937_64 random(13);
  std::vector<std::vector<Seed>> units;
  for (int i = 0; i < 100; ++i) {
    units.push_back({{static_cast<uint32_t>(random() % network.node_count()),
                      static_cast<uint32_t>(random() % 3000)}});
  }
  const ManyToOne buckets(cch, metric, units);
  CchQuery query(cch);
  Dijkstra dijkstra(network);
  for (int k = 0; k < 30; ++k) {
    const Seed target[] = {{static_cast<uint32_t>(random() % network.node_count()), 0}};
    const std::vector<uint32_t> got = buckets.costs_to(target, query);
    for (size_t i = 0; i < units.size(); ++i) {
      EXPECT_EQ(got[i], dijkstra.shortest_path(units[i], target, network.arc_time_ms).cost_ms);
    }
  }
}

TEST(Cch, OneToManyMatchesDijkstra) {
  const auto& network = test::ambon().network;
  const Cch& cch = ambon_cch();
  const std::vector<uint32_t> weights = with_random_closures(network.arc_time_ms, 14, 40);
  const CchMetric metric = customize(cch, weights);
  std::mt19937_64 random(15);
  std::vector<std::vector<Seed>> places;
  for (int i = 0; i < 100; ++i) {
    places.push_back({{static_cast<uint32_t>(random() % network.node_count()),
                       static_cast<uint32_t>(random() % 3000)}});
  }
  const OneToMany buckets(cch, metric, places);
  CchQuery query(cch);
  Dijkstra dijkstra(network);
  for (int k = 0; k < 30; ++k) {
    const Seed source[] = {{static_cast<uint32_t>(random() % network.node_count()), 0}};
    const std::vector<uint32_t> got = buckets.costs_from(source, query);
    for (size_t i = 0; i < places.size(); ++i) {
      EXPECT_EQ(got[i], dijkstra.shortest_path(source, places[i], weights).cost_ms);
    }
  }
  EXPECT_GT(memory_bytes(cch), 0u);
  EXPECT_GT(memory_bytes(metric), 0u);
}

// A hand-made network with every shape degree-2 compression must get right: two chains between
// the same junctions (one of them one-way), a chain looping back to its own junction, a ring
// with no junction at all, a chain that is passable in neither direction end to end, parallel
// arcs and a self-loop (which keep their nodes in the core), a dead end and a direct arc beside
// a chain. Under random weights and closures, every pair of nodes, every one-to-all field and
// every bucket answer agrees with Dijkstra, and every path is drivable and costs what it says.
TEST(Cch, HandMadeChainsLoopsAndRingsMatchDijkstra) {
  const geodata::RoadNetwork network = test::network_from_arcs(
      18, {{0, 1},   {1, 0},   {1, 2},   {2, 1},   {2, 3},   {3, 2},   // chain 0-1-2-3
           {0, 4},   {4, 5},   {5, 3},                                 // one-way chain 0-4-5-3
           {3, 6},   {6, 3},   {6, 7},   {7, 6},   {7, 3},   {3, 7},   // loop 3-6-7-3
           {0, 8},   {8, 0},                                           // dead end
           {9, 10},  {10, 9},  {10, 11}, {11, 10}, {11, 9},  {9, 11},  // ring
           {12, 13}, {12, 13}, {13, 12}, {13, 0},  {0, 13},            // parallel arcs
           {14, 3},  {3, 14},  {14, 14}, {14, 15}, {15, 14},           // self-loop
           {0, 3},                                                     // direct arc
           {3, 16},  {16, 3},  {17, 16}, {17, 0},  {0, 17}});          // dead in both directions
  const Cch cch = Cch::build(network);
  EXPECT_EQ(cch.rank[1], geodata::invalid_id);
  EXPECT_EQ(cch.rank[6], geodata::invalid_id);
  EXPECT_NE(cch.rank[13], geodata::invalid_id) << "parallel arcs keep a node in the core";
  EXPECT_NE(cch.rank[14], geodata::invalid_id) << "a self-loop keeps a node in the core";
  Dijkstra dijkstra(network);
  CchQuery query(cch);
  std::mt19937_64 random(21);
  CchMetric previous;
  for (int round = 0; round < 40; ++round) {
    std::vector<uint32_t> weights(network.arc_count());
    for (uint32_t& w : weights) w = random() % 7 == 0 ? blocked : 1 + random() % 1000;
    const CchMetric metric = customize(cch, weights);
    if (round > 0) {
      std::vector<uint32_t> every_arc(network.arc_count());
      std::iota(every_arc.begin(), every_arc.end(), 0u);
      EXPECT_TRUE(test::same_metric(customize(cch, previous, weights, every_arc), metric));
    }
    previous = metric;
    std::vector<std::vector<Seed>> singles;
    for (uint32_t v = 0; v < network.node_count(); ++v) singles.push_back({{v, 0}});
    const ManyToOne to(cch, metric, singles);
    const OneToMany from(cch, metric, singles);
    for (uint32_t s = 0; s < network.node_count(); ++s) {
      const Seed source[] = {{s, static_cast<uint32_t>(random() % 100)}};
      EXPECT_EQ(query.all_costs(metric, source), dijkstra.all_costs(source, weights)) << s;
      const Seed plain[] = {{s, 0}};
      const std::vector<uint32_t> reaching = to.costs_to(plain, query);
      const std::vector<uint32_t> reached = from.costs_from(plain, query);
      EXPECT_EQ(query.many_to_one(metric, singles, plain), reaching);
      for (uint32_t t = 0; t < network.node_count(); ++t) {
        const Seed target[] = {{t, 0}};
        const PathResult expected = dijkstra.shortest_path(plain, target, weights);
        const PathResult got = query.shortest_path(metric, plain, target);
        ASSERT_EQ(got.cost_ms, expected.cost_ms) << s << " → " << t << " round " << round;
        EXPECT_EQ(reaching[t], dijkstra.shortest_path(singles[t], plain, weights).cost_ms);
        EXPECT_EQ(reached[t], expected.cost_ms);
        if (got.cost_ms == unreachable) continue;
        uint64_t sum = 0;
        uint32_t at = s;
        for (uint32_t arc : got.arcs) {
          ASSERT_GE(arc, network.first_out[at]) << s << " → " << t;
          ASSERT_LT(arc, network.first_out[at + 1]) << s << " → " << t;
          sum += weights[arc];
          at = network.arc_head[arc];
        }
        EXPECT_EQ(at, t);
        EXPECT_EQ(sum, got.cost_ms);
      }
    }
    // Two seeds a side, anywhere: in different components (the ring is one of its own), in one
    // another's elimination-tree path or not, inside chains or on core nodes.
    auto seed = [&] {
      return Seed{static_cast<uint32_t>(random() % network.node_count()),
                  static_cast<uint32_t>(random() % 100)};
    };
    for (int i = 0; i < 200; ++i) {
      const Seed sources[] = {seed(), seed()};
      const Seed targets[] = {seed(), seed()};
      ASSERT_EQ(query.shortest_path(metric, sources, targets).cost_ms,
                dijkstra.shortest_path(sources, targets, weights).cost_ms)
          << sources[0].node << ", " << sources[1].node << " → " << targets[0].node << ", "
          << targets[1].node << " round " << round;
    }
  }
}

// Places inside one chain: the answer may never leave it (or may go round a loop to avoid a
// one-way piece). On the island, pairs taken inside the same chain, with closures.
TEST(Cch, SeedsInsideOneChainMatchDijkstra) {
  const auto& network = test::ambon().network;
  const Cch& cch = ambon_cch();
  const std::vector<uint32_t> weights = with_random_closures(network.arc_time_ms, 22, 15);
  const CchMetric metric = customize(cch, weights);
  CchQuery query(cch);
  Dijkstra dijkstra(network);
  std::mt19937_64 random(23);
  int compared = 0;
  for (int i = 0; i < test::scaled(3000); ++i) {
    const uint32_t chain = random() % cch.chain_count();
    const uint32_t first = cch.first_chain_slot[chain];
    const uint32_t size = cch.first_chain_slot[chain + 1] - first;
    const Seed source[] = {{cch.slot_node[first + random() % size], 0}};
    const Seed target[] = {{cch.slot_node[first + random() % size], 0},
                           {static_cast<uint32_t>(random() % network.node_count()), 500000}};
    const PathResult expected = dijkstra.shortest_path(source, target, weights);
    const PathResult got = query.shortest_path(metric, source, target);
    ASSERT_EQ(got.cost_ms, expected.cost_ms) << source[0].node << " → " << target[0].node;
    ++compared;
    if (got.cost_ms == unreachable) continue;
    uint64_t sum = target[got.target].cost_ms;
    uint32_t at = source[0].node;
    for (uint32_t arc : got.arcs) {
      ASSERT_GE(arc, network.first_out[at]);
      ASSERT_LT(arc, network.first_out[at + 1]);
      sum += weights[arc];
      at = network.arc_head[arc];
    }
    EXPECT_EQ(at, target[got.target].node);
    EXPECT_EQ(sum, got.cost_ms);
  }
  EXPECT_EQ(compared, test::scaled(3000));
}

// Real Kota Ambon (../shared/data, absent on a user's clone): four in five nodes are inside
// chains, and point to point, with closures, agrees with Dijkstra on 2,000 random pairs.
TEST(Cch, RealKotaAmbonIsCompressedAndExact) {
  const auto pbf = test::shared_data("ambon/kota-ambon-osm/kota-ambon-2025-09-17.osm.pbf");
  if (!pbf) GTEST_SKIP() << "no ../shared/data/ambon/kota-ambon-osm";
  const geodata::RoadNetwork network = geodata::import_osm(*pbf).network;
  const Cch cch = Cch::build(network);
  EXPECT_LT(cch.node_count() * 4, network.node_count());
  const std::vector<uint32_t> weights = with_random_closures(network.arc_time_ms, 24, 40);
  const CchMetric metric = customize(cch, weights);
  CchQuery query(cch);
  Dijkstra dijkstra(network);
  std::mt19937_64 random(25);
  for (int i = 0; i < test::scaled(2000); ++i) {
    const Seed source[] = {{static_cast<uint32_t>(random() % network.node_count()), 0}};
    const Seed target[] = {{static_cast<uint32_t>(random() % network.node_count()), 0}};
    const PathResult got = query.shortest_path(metric, source, target);
    ASSERT_EQ(got.cost_ms, dijkstra.shortest_path(source, target, weights).cost_ms);
    uint64_t sum = 0;
    for (uint32_t arc : got.arcs) sum += weights[arc];
    if (got.cost_ms != unreachable) {
      EXPECT_EQ(sum, got.cost_ms);
    }
  }
}

// A vehicle parked towards the closed end of a cul-de-sac must turn round there and drive out,
// and one outside must be able to drive in: for every dead end of the island, the CCH route
// from a point 90 % of the way in to the city centre, and back, exists and costs what Dijkstra
// says.
TEST(Cch, DeadEndsAreLeftByTurningRound) {
  const geodata::RoadNetwork& network = test::ambon().network;
  const geodata::Snapper snapper(network);
  const CchMetric metric = customize(ambon_cch(), network.arc_time_ms);
  CchQuery engine(ambon_cch());
  Dijkstra oracle(network);
  const geodata::Snap centre = snapper.snap({-3.6960, 128.1830});
  std::vector<uint32_t> in_degree(network.node_count(), 0);
  for (uint32_t head : network.arc_head) ++in_degree[head];
  size_t dead_ends = 0;
  for (uint32_t end = 0; end < network.node_count(); ++end) {
    const uint32_t first = network.first_out[end];
    // One arc out and one in: a two-way street's closed end (one-way chains have no way back).
    if (network.first_out[end + 1] - first != 1 || in_degree[end] != 1) continue;
    const uint32_t neighbour = network.arc_head[first];
    bool way_in = false;
    for (uint32_t arc = network.first_out[neighbour]; arc < network.first_out[neighbour + 1]; ++arc)
      way_in |= network.arc_head[arc] == end;
    if (!way_in) continue;
    const geodata::LatLon a = network.node_position[neighbour];
    const geodata::LatLon b = network.node_position[end];
    const geodata::Snap inside =
        snapper.snap({a.lat + 0.9 * (b.lat - a.lat), a.lon + 0.9 * (b.lon - a.lon)});
    ++dead_ends;
    for (const auto& [from, to] : {std::pair{inside, centre}, std::pair{centre, inside}}) {
      const Route cch_route = route_between(network, metric, from, to, engine);
      const Route dijkstra_route = route_between(network, network.arc_time_ms, from, to, oracle);
      ASSERT_TRUE(cch_route.found) << "dead end at node " << end;
      EXPECT_EQ(cch_route.duration_ms, dijkstra_route.duration_ms) << "dead end at node " << end;
    }
  }
  EXPECT_GE(dead_ends, 10u) << "the island has cul-de-sacs; the test must see them";
}

// Preconditions are checked where a caller could break them: a weight vector of the wrong size, a
// seed that is not a node, or a metric customized on another CCH is a ContractViolation, never a
// read past the end of an array.
TEST(Cch, BrokenPreconditionsAreRefusedNotUndefined) {
  const Cch& cch = ambon_cch();
  const auto& network = test::ambon().network;
  const std::vector<uint32_t> short_weights(network.arc_count() - 1, 1000);
  EXPECT_THROW(customize(cch, short_weights), ContractViolation);
  const CchMetric metric = customize(cch, network.arc_time_ms);
  CchQuery query(cch);
  const Seed nowhere[] = {{network.node_count(), 0}};
  const Seed somewhere[] = {{0, 0}};
  EXPECT_THROW(query.shortest_path(metric, nowhere, somewhere), ContractViolation);
  EXPECT_THROW(query.all_costs(metric, nowhere), ContractViolation);
  CchMetric foreign = metric;
  foreign.up.pop_back();
  EXPECT_THROW(query.all_costs(foreign, somewhere), ContractViolation);
  // And the query still answers correctly afterwards.
  EXPECT_EQ(query.shortest_path(metric, somewhere, somewhere).cost_ms, 0u);
}

}  // namespace
}  // namespace siaga::routing::cch_test
