// Turn-by-turn steps: a hand-drawn junction with known turns, the modifier table, and on the
// island, steps that add up to their route (distance, time, geometry) for many random pairs.
#include "siaga/routing/steps.h"

#include <gtest/gtest.h>

#include <random>

#include "siaga/geodata/snapper.h"
#include "test_support.h"

namespace siaga::routing::steps_test {
namespace {

// A crossroads 1 km on a side: from the west end (0) east to the centre (1) on Jl. Pattimura,
// then north (2) on Jl. Sultan Hairun, south (3) on Jl. Sam Ratulangi, east (4) still on
// Jl. Pattimura. Metres: x east, y north; 0.009° is 1 km near the equator.
geodata::RoadNetwork crossroads() {
  geodata::RoadNetwork network =
      test::network_in_metres({{0, 0}, {1000, 0}, {1000, 1000}, {1000, -1000}, {2000, 0}},
                              {{0, 1}, {1, 0}, {1, 2}, {2, 1}, {1, 3}, {3, 1}, {1, 4}, {4, 1}});
  network.way_name = {"Jl. Pattimura", "Jl. Sultan Hairun", "Jl. Sam Ratulangi"};
  network.way_osm_id = {1, 2, 3};
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    const uint32_t head = network.arc_head[arc];
    const uint32_t other = head == 1 ? test::tail_of(network, arc) : head;
    network.arc_way[arc] = other == 2 ? 1 : other == 3 ? 2 : 0;
  }
  return network;
}

geodata::LatLon between(const geodata::RoadNetwork& network, uint32_t a, uint32_t b) {
  const geodata::LatLon p = network.node_position[a];
  const geodata::LatLon q = network.node_position[b];
  return {(p.lat + q.lat) / 2, (p.lon + q.lon) / 2};
}

TEST(Steps, TurnsAtACrossroadsAreNamedByTheirSide) {
  const geodata::RoadNetwork network = crossroads();
  const geodata::Snapper snapper(network);
  Dijkstra engine(network);
  struct Case {
    uint32_t to_a, to_b;
    const char* name;
    const char* type;
    const char* modifier;
  };
  // Heading east into the centre: north is a left turn, south a right one, east straight on.
  for (const Case& c : {Case{1, 2, "Jl. Sultan Hairun", "turn", "left"},
                        Case{1, 3, "Jl. Sam Ratulangi", "turn", "right"}}) {
    const Route route =
        route_between(network, network.arc_time_ms, snapper.snap(between(network, 0, 1)),
                      snapper.snap(between(network, c.to_a, c.to_b)), engine);
    ASSERT_TRUE(route.found);
    const std::vector<Step> steps = route_steps(network, network.arc_time_ms, route);
    ASSERT_EQ(steps.size(), 3u);
    EXPECT_EQ(steps[0].type, "depart");
    EXPECT_EQ(steps[0].name, "Jl. Pattimura");
    EXPECT_NEAR(steps[0].distance_m, 500, 1);
    EXPECT_EQ(steps[0].duration_ms, 30'000u);
    EXPECT_NEAR(steps[0].bearing_after, 90, 1);
    EXPECT_EQ(steps[1].type, c.type);
    EXPECT_EQ(steps[1].modifier, c.modifier);
    EXPECT_EQ(steps[1].name, c.name);
    EXPECT_NEAR(steps[1].distance_m, 500, 1);
    EXPECT_NEAR(steps[1].bearing_before, 90, 1);
    EXPECT_EQ(steps[2].type, "arrive");
    EXPECT_EQ(steps[2].distance_m, 0);
  }
  // Straight on along the same street: one step and the arrival.
  const Route straight =
      route_between(network, network.arc_time_ms, snapper.snap(between(network, 0, 1)),
                    snapper.snap(between(network, 1, 4)), engine);
  const std::vector<Step> steps = route_steps(network, network.arc_time_ms, straight);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].distance_m, straight.distance_m);
  EXPECT_EQ(steps[0].duration_ms, straight.duration_ms);
}

TEST(Steps, ModifiersFollowTheChangeOfHeading) {
  EXPECT_EQ(turn_modifier(0), "straight");
  EXPECT_EQ(turn_modifier(-19), "straight");
  EXPECT_EQ(turn_modifier(35), "slight right");
  EXPECT_EQ(turn_modifier(-35), "slight left");
  EXPECT_EQ(turn_modifier(90), "right");
  EXPECT_EQ(turn_modifier(-90 + 360), "left");
  EXPECT_EQ(turn_modifier(150), "sharp right");
  EXPECT_EQ(turn_modifier(-150), "sharp left");
  EXPECT_EQ(turn_modifier(179), "uturn");
  EXPECT_EQ(turn_modifier(-270), "right");
}

// On the island, 300 random routes: the steps' distances and times add up to the route's, each
// step begins where the one before ended, consecutive steps are on differently named roads (or
// road and ferry), and every step but the arrival has length.
TEST(Steps, OnTheIslandStepsAddUpToTheirRoute) {
  const auto& network = test::ambon().network;
  const geodata::Snapper snapper(network);
  const CchMetric metric = customize(test::ambon_cch(), network.arc_time_ms);
  CchQuery engine(test::ambon_cch());
  std::mt19937_64 random(31);
  auto place = [&] { return snapper.snap(network.node_position[random() % network.node_count()]); };
  int turns = 0;
  for (int i = 0; i < test::scaled(300); ++i) {
    const Route route = route_between(network, metric, place(), place(), engine);
    if (!route.found) continue;
    const std::vector<Step> steps = route_steps(network, metric.arc_weight, route);
    ASSERT_GE(steps.size(), 2u);
    EXPECT_EQ(steps.front().type, "depart");
    EXPECT_EQ(steps.back().type, "arrive");
    double distance = 0;
    uint64_t duration = 0;
    for (size_t k = 0; k < steps.size(); ++k) {
      distance += steps[k].distance_m;
      duration += steps[k].duration_ms;
      ASSERT_GE(steps[k].geometry.size(), 2u);
      if (k > 0) {
        EXPECT_EQ(steps[k].geometry.front().lat, steps[k - 1].geometry.back().lat);
        EXPECT_EQ(steps[k].geometry.front().lon, steps[k - 1].geometry.back().lon);
      }
      if (k > 0 && k + 1 < steps.size()) {
        EXPECT_TRUE(steps[k].name != steps[k - 1].name || steps[k].ferry != steps[k - 1].ferry);
        turns += steps[k].type == "turn";
      }
    }
    EXPECT_NEAR(distance, route.distance_m, 1e-6 * route.distance_m + 1e-6);
    EXPECT_EQ(duration, route.duration_ms);
  }
  EXPECT_GT(turns, test::scaled(100)) << "routes across a city turn";
}

}  // namespace
}  // namespace siaga::routing::steps_test
