// Isochrone bands: hand-computed on a drawn line, and on the island against Dijkstra's costs.
#include "siaga/routing/isochrone.h"

#include <gtest/gtest.h>

#include <random>

#include "siaga/routing/dijkstra.h"
#include "test_support.h"

namespace siaga::routing::isochrone_test {
namespace {

// 0 — 1 — 2 — 3, two-way, then 3 → 4 one-way; 60 s per arc. Arc ids in CSR order:
// 0: 0→1 | 1: 1→0, 2: 1→2 | 3: 2→1, 4: 2→3 | 5: 3→2, 6: 3→4.
geodata::RoadNetwork line() {
  return test::network_from_arcs(5, {{0, 1}, {1, 0}, {1, 2}, {2, 1}, {2, 3}, {3, 2}, {3, 4}});
}

std::vector<BandedArc> bands_from(const geodata::RoadNetwork& network,
                                  std::span<const uint32_t> weights, std::vector<Seed> seeds,
                                  std::vector<uint32_t> limits_ms) {
  Dijkstra dijkstra(network);
  return band_arcs(network, weights, dijkstra.all_costs(seeds, weights), limits_ms);
}

}  // namespace

void PrintTo(const BandedArc& item, std::ostream* out) {
  *out << "{arc " << item.arc << ", band " << item.band << ", " << item.arrival_ms << " ms}";
}

namespace {

TEST(Isochrone, BandsOnAHandDrawnLine) {
  const geodata::RoadNetwork network = line();
  const auto& weights = network.arc_time_ms;
  // From node 0, bands of 1.5 and 3 minutes: each street once, in the direction driven first;
  // 2→3 ends exactly on the second limit and is inside it; 3→4 ends at 4 min, beyond both.
  EXPECT_EQ(bands_from(network, weights, {{0, 0}}, {90'000, 180'000}),
            (std::vector<BandedArc>{{0, 0, 60'000}, {2, 1, 120'000}, {4, 1, 180'000}}));
  // From node 2: both ways out in the first band, the one-way 3→4 in the second.
  EXPECT_EQ(
      bands_from(network, weights, {{2, 0}}, {60'000, 120'000}),
      (std::vector<BandedArc>{{1, 1, 120'000}, {3, 0, 60'000}, {4, 0, 60'000}, {6, 1, 120'000}}));
  // Reached from both ends at once: the street is drawn once, as its lower arc id.
  EXPECT_EQ(bands_from(network, weights, {{0, 0}, {1, 0}}, {60'000}),
            (std::vector<BandedArc>{{0, 0, 60'000}, {2, 0, 60'000}}));
}

TEST(Isochrone, ClosedStreetsCutTheBandsAndWrongLimitsAreRefused) {
  const geodata::RoadNetwork network = line();
  std::vector<uint32_t> closed = network.arc_time_ms;
  closed[2] = closed[3] = blocked;  // the street 1 — 2, both ways
  EXPECT_EQ(bands_from(network, closed, {{0, 0}}, {600'000}),
            (std::vector<BandedArc>{{0, 0, 60'000}}));
  EXPECT_THROW(bands_from(network, closed, {{0, 0}}, {120'000, 60'000}), ContractViolation);
}

// On the island, every banded arc ends when Dijkstra says, in the first band that holds it, and
// every street that ends within the last band is there once.
TEST(Isochrone, OnTheIslandEveryBandAgreesWithDijkstra) {
  const geodata::RoadNetwork& network = test::ambon().network;
  Dijkstra dijkstra(network);
  const std::vector<uint32_t> limits = {240'000, 480'000, 720'000};
  std::mt19937_64 random(17);
  const std::vector<uint32_t> tails = geodata::arc_tails(network);
  for (int start = 0; start < test::scaled(5); ++start) {
    const Seed seeds[] = {{static_cast<uint32_t>(random() % network.node_count()), 0}};
    const auto cost = dijkstra.all_costs(seeds, network.arc_time_ms);
    const auto banded = band_arcs(network, network.arc_time_ms, cost, limits);
    std::vector<uint8_t> listed(network.arc_count(), 0);
    for (const BandedArc& item : banded) {
      const uint32_t expected = cost[tails[item.arc]] + network.arc_time_ms[item.arc];
      ASSERT_EQ(item.arrival_ms, expected);
      ASSERT_LE(item.arrival_ms, limits[item.band]);
      if (item.band > 0) {
        ASSERT_GT(item.arrival_ms, limits[item.band - 1]);
      }
      listed[item.arc] = 1;
    }
    for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
      if (cost[tails[arc]] == unreachable) continue;
      if (uint64_t{cost[tails[arc]]} + network.arc_time_ms[arc] > limits.back()) continue;
      const uint32_t reverse = geodata::find_arc(network, network.arc_head[arc], tails[arc]);
      const bool once = listed[arc] + (reverse == geodata::invalid_id ? 0 : listed[reverse]) == 1;
      ASSERT_TRUE(once) << "arc " << arc << " within the bands is not drawn exactly once";
    }
  }
}

}  // namespace
}  // namespace siaga::routing::isochrone_test
