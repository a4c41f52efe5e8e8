// Turn-by-turn steps: a hand-drawn junction with known turns, the modifier table, and on the
// island, steps that add up to their route (distance, time, geometry) for many random pairs.
#include "siaga/routing/steps.h"

#include <gtest/gtest.h>

#include <numbers>
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

// Names the ways of a hand-drawn network: way_of(tail, head) for each arc.
template <typename WayOf>
void name_ways(geodata::RoadNetwork& network, std::vector<std::string> names, WayOf way_of) {
  network.way_name = std::move(names);
  network.way_osm_id.clear();
  for (size_t way = 0; way < network.way_name.size(); ++way) network.way_osm_id.push_back(way + 1);
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc)
    network.arc_way[arc] = way_of(test::tail_of(network, arc), network.arc_head[arc]);
}

// The steps of the fastest route between the middles of two streets (a to b, c to d).
std::vector<Step> steps_between(const geodata::RoadNetwork& network, uint32_t a, uint32_t b,
                                uint32_t c, uint32_t d) {
  const geodata::Snapper snapper(network);
  Dijkstra engine(network);
  const Route route =
      route_between(network, network.arc_time_ms, snapper.snap(between(network, a, b)),
                    snapper.snap(between(network, c, d)), engine);
  EXPECT_TRUE(route.found);
  return route_steps(network, network.arc_time_ms, route);
}

std::vector<std::string> types_of(const std::vector<Step>& steps) {
  std::vector<std::string> types;
  for (const Step& step : steps)
    types.push_back(step.modifier.empty() ? step.type : step.type + " " + step.modifier);
  return types;
}

using Types = std::vector<std::string>;

// Most of Ambon's lanes have no name: a turn from one into another at a crossroads is still said,
// going straight over it is not.
TEST(Steps, TurnsBetweenUnnamedLanesAreSaid) {
  geodata::RoadNetwork network = crossroads();
  name_ways(network, {""}, [](uint32_t, uint32_t) { return 0u; });
  EXPECT_EQ(types_of(steps_between(network, 0, 1, 1, 2)), (Types{"depart", "turn left", "arrive"}));
  EXPECT_EQ(types_of(steps_between(network, 0, 1, 1, 3)),
            (Types{"depart", "turn right", "arrive"}));
  EXPECT_EQ(types_of(steps_between(network, 0, 1, 1, 4)), (Types{"depart", "arrive"}));
}

// A road that turns at a crossroads while another goes straight on: "continue" on it, said with
// its side. The same road bending where nothing else leaves is no step at all.
TEST(Steps, ARoadTurningAtAJunctionIsFollowedABendIsNot) {
  geodata::RoadNetwork network = crossroads();
  // Jl. Pattimura comes from the west and goes north; east and south are other roads.
  name_ways(network, {"Jl. Pattimura", "Jl. Baru"}, [](uint32_t tail, uint32_t head) {
    return tail == 0 || head == 0 || tail == 2 || head == 2 ? 0u : 1u;
  });
  const std::vector<Step> steps = steps_between(network, 0, 1, 1, 2);
  EXPECT_EQ(types_of(steps), (Types{"depart", "continue left", "arrive"}));
  EXPECT_EQ(steps[1].name, "Jl. Pattimura");
  EXPECT_EQ(types_of(steps_between(network, 0, 1, 1, 4)),
            (Types{"depart", "new name straight", "arrive"}));
  // An L: west to a corner, then north; one road, named or not.
  for (const char* name : {"Jl. Siku", ""}) {
    geodata::RoadNetwork bend = test::network_in_metres({{0, 0}, {1000, 0}, {1000, 1000}},
                                                        {{0, 1}, {1, 0}, {1, 2}, {2, 1}});
    name_ways(bend, {name}, [](uint32_t, uint32_t) { return 0u; });
    EXPECT_EQ(types_of(steps_between(bend, 0, 1, 1, 2)), (Types{"depart", "arrive"})) << name;
  }
}

// A fork: the road bears off 35° to the right while its other branch runs nearly straight on.
// Taking the bend is said ("continue slight right"); taking the straighter branch is not.
TEST(Steps, AForkIsSaidOnlyForTheBranchThatBendsMore) {
  // 0 west of the fork 1; branch 2 at 35° right of east (heading 125°), branch 3 at 10° left.
  const double rad = std::numbers::pi / 180;
  geodata::RoadNetwork network =
      test::network_in_metres({{0, 0},
                               {1000, 0},
                               {1000 + 1000 * std::cos(35 * rad), -1000 * std::sin(35 * rad)},
                               {1000 + 1000 * std::cos(10 * rad), 1000 * std::sin(10 * rad)}},
                              {{0, 1}, {1, 0}, {1, 2}, {2, 1}, {1, 3}, {3, 1}});
  name_ways(network, {"Jl. Cabang"}, [](uint32_t, uint32_t) { return 0u; });
  EXPECT_EQ(types_of(steps_between(network, 0, 1, 1, 2)),
            (Types{"depart", "continue slight right", "arrive"}));
  EXPECT_EQ(types_of(steps_between(network, 0, 1, 1, 3)), (Types{"depart", "arrive"}));
}

// A roundabout driven clockwise (Indonesia drives on the left): ring nodes west 0, north 1, east
// 2, south 3, 100 m from the centre; arms out to 4 (west), 5 (north), 6 (east), 7 (south). From
// the west arm, each other arm is one exit further round.
TEST(Steps, ARoundaboutIsOneStepWithItsExitCounted) {
  std::vector<std::pair<uint32_t, uint32_t>> arcs = {{0, 1}, {1, 2}, {2, 3}, {3, 0}};
  for (uint32_t arm = 0; arm < 4; ++arm) arcs.insert(arcs.end(), {{arm, arm + 4}, {arm + 4, arm}});
  geodata::RoadNetwork network = test::network_in_metres(
      {{-100, 0}, {0, 100}, {100, 0}, {0, -100}, {-1000, 0}, {0, 1000}, {1000, 0}, {0, -1000}},
      arcs);
  name_ways(network, {"", "Jl. Barat", "Jl. Utara", "Jl. Timur", "Jl. Selatan"},
            [](uint32_t tail, uint32_t head) {
              return tail < 4 && head < 4 ? 0u : std::max(tail, head) - 3;
            });
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    if (test::tail_of(network, arc) < 4 && network.arc_head[arc] < 4)
      network.arc_flags[arc] = geodata::arc_roundabout;
  }
  struct Case {
    uint32_t ring, arm, exit;
    const char* modifier;
    const char* name;
  };
  for (const Case& c : {Case{1, 5, 1, "left", "Jl. Utara"}, Case{2, 6, 2, "straight", "Jl. Timur"},
                        Case{3, 7, 3, "right", "Jl. Selatan"}}) {
    const std::vector<Step> steps = steps_between(network, 4, 0, c.ring, c.arm);
    ASSERT_EQ(steps.size(), 4u) << c.name;
    EXPECT_EQ(steps[0].name, "Jl. Barat");
    EXPECT_EQ(steps[1].type, "roundabout");
    EXPECT_EQ(steps[1].exit, c.exit) << c.name;
    EXPECT_EQ(steps[1].modifier, c.modifier) << c.name;
    EXPECT_EQ(steps[2].type, "exit roundabout");
    EXPECT_EQ(steps[2].name, c.name);
    EXPECT_EQ(steps[2].exit, 0u);
    EXPECT_EQ(steps[3].type, "arrive");
  }
  // A route that ends on the ring took no exit.
  const std::vector<Step> on_ring = steps_between(network, 4, 0, 1, 2);
  ASSERT_EQ(on_ring.size(), 3u);
  EXPECT_EQ(on_ring[1].type, "roundabout");
  EXPECT_EQ(on_ring[1].exit, 0u);
}

// The arrival's side: driving east along Jl. Pattimura, a house north of the street is on the
// left (Indonesia drives on the left: the near side), one south of it across the road on the
// right; driving west, the other way round. A destination on the road is straight ahead.
TEST(Steps, TheArrivalSaysWhichSideOfTheRoadTheDestinationIsOn) {
  const geodata::RoadNetwork network = crossroads();
  const geodata::Snapper snapper(network);
  Dijkstra engine(network);
  const geodata::LatLon west = between(network, 0, 1), east = between(network, 1, 4);
  auto shifted = [](geodata::LatLon p, double metres_north) {
    return geodata::LatLon{p.lat + metres_north / 111'320.0, p.lon};
  };
  const Route eastward =
      route_between(network, network.arc_time_ms, snapper.snap(west), snapper.snap(east), engine);
  const Route westward =
      route_between(network, network.arc_time_ms, snapper.snap(east), snapper.snap(west), engine);
  ASSERT_TRUE(eastward.found && westward.found);
  EXPECT_EQ(arrival_side(eastward, shifted(east, 30)), "left");
  EXPECT_EQ(arrival_side(eastward, shifted(east, -30)), "right");
  EXPECT_EQ(arrival_side(eastward, east), "straight");
  EXPECT_EQ(arrival_side(westward, shifted(west, 30)), "right");
  EXPECT_EQ(arrival_side(westward, shifted(west, -30)), "left");
  // Beyond a dead end, straight ahead of the way in.
  EXPECT_EQ(arrival_side(eastward, {east.lat, east.lon + 0.001}), "straight");
}

// The crossroads as OSRM clients draw it: four roads at 0, 90, 180 and 270 degrees, arrived on
// from the west (270, the road back) and left to the north; a closed road cannot be entered.
// Straight over the crossroads, the junction is listed after the departure's place.
TEST(Steps, IntersectionsListEveryRoadAtTheJunction) {
  const geodata::RoadNetwork network = crossroads();
  const std::vector<Step> left = steps_between(network, 0, 1, 1, 2);
  ASSERT_EQ(left.size(), 3u);
  ASSERT_EQ(left[1].intersections.size(), 1u);
  const Intersection& crossing = left[1].intersections[0];
  EXPECT_EQ(crossing.bearings, (std::vector<int>{0, 90, 180, 270}));
  EXPECT_EQ(crossing.entry, (std::vector<bool>{true, true, true, true}));
  EXPECT_EQ(crossing.in, 3);
  EXPECT_EQ(crossing.out, 0);
  EXPECT_EQ(left[0].intersections.front().out, 0);
  EXPECT_EQ(left[0].intersections.front().in, -1);
  EXPECT_EQ(left[2].intersections.front().in, 0);
  EXPECT_EQ(left[2].intersections.front().out, -1);

  // Jl. Sultan Hairun (north) flooded: the route goes south, and north cannot be entered.
  std::vector<uint32_t> weights = network.arc_time_ms;
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    if (network.arc_head[arc] == 2 || test::tail_of(network, arc) == 2) weights[arc] = blocked;
  }
  const geodata::Snapper snapper(network);
  Dijkstra engine(network);
  const Route south = route_between(network, weights, snapper.snap(between(network, 0, 1)),
                                    snapper.snap(between(network, 1, 3)), engine);
  const std::vector<Step> around = route_steps(network, weights, south);
  ASSERT_EQ(around.size(), 3u);
  EXPECT_EQ(around[1].intersections[0].entry, (std::vector<bool>{false, true, true, true}));
  EXPECT_EQ(around[1].intersections[0].out, 2);

  const std::vector<Step> straight = steps_between(network, 0, 1, 1, 4);
  ASSERT_EQ(straight.size(), 2u);
  ASSERT_EQ(straight[0].intersections.size(), 2u);
  EXPECT_EQ(straight[0].intersections[1].in, 3);
  EXPECT_EQ(straight[0].intersections[1].out, 1);
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

// A step's junctions as OSRM clients read them: the first at the manoeuvre's place, bearings
// ascending, one entry flag each, the road left on enterable and at the heading the step leaves
// by, the road arrived on behind the heading it arrived with (within a degree's rounding).
void expect_intersections_fit(const Step& step) {
  ASSERT_FALSE(step.intersections.empty());
  EXPECT_EQ(step.intersections[0].location.lat, step.geometry.front().lat);
  EXPECT_EQ(step.intersections[0].location.lon, step.geometry.front().lon);
  auto near = [](int a, int b) { return std::abs(std::remainder(a - b, 360.0)) <= 1; };
  for (const Intersection& crossing : step.intersections) {
    EXPECT_TRUE(std::is_sorted(crossing.bearings.begin(), crossing.bearings.end()));
    ASSERT_EQ(crossing.entry.size(), crossing.bearings.size());
    if (crossing.out >= 0) {
      EXPECT_TRUE(crossing.entry[crossing.out]);
    }
  }
  const Intersection& first = step.intersections[0];
  if (step.type != "arrive") {
    ASSERT_GE(first.out, 0);
    EXPECT_PRED2(near, first.bearings[first.out], step.bearing_after);
  }
  if (step.type != "depart") {
    ASSERT_GE(first.in, 0);
    EXPECT_PRED2(near, first.bearings[first.in], (step.bearing_before + 180) % 360);
  }
}

// On the island, 300 random routes: the steps' distances and times add up to the route's, each
// step begins where the one before ended, consecutive steps are on differently named roads (or
// road and ferry) unless a turn at a junction or a roundabout parts them, a roundabout left
// counts its exit, and every step but the arrival has length.
TEST(Steps, OnTheIslandStepsAddUpToTheirRoute) {
  const auto& network = test::ambon().network;
  const geodata::Snapper snapper(network);
  const CchMetric metric = customize(test::ambon_cch(), network.arc_time_ms);
  CchQuery engine(test::ambon_cch());
  std::mt19937_64 random(31);
  auto place = [&] { return snapper.snap(network.node_position[random() % network.node_count()]); };
  int turns = 0, roundabouts = 0;
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
      expect_intersections_fit(steps[k]);
      if (k > 0) {
        EXPECT_EQ(steps[k].geometry.front().lat, steps[k - 1].geometry.back().lat);
        EXPECT_EQ(steps[k].geometry.front().lon, steps[k - 1].geometry.back().lon);
      }
      if (k > 0 && k + 1 < steps.size()) {
        // On the same road as the step before only after a turn at a junction or a roundabout.
        const std::string& type = steps[k].type;
        const bool same_road =
            steps[k].name == steps[k - 1].name && steps[k].ferry == steps[k - 1].ferry;
        if (same_road) {
          EXPECT_TRUE(type == "continue" || type == "turn" || type == "roundabout" ||
                      type == "exit roundabout")
              << type;
        }
        if (type == "continue") {
          EXPECT_TRUE(same_road && !steps[k].name.empty());
        }
        if (type == "new name") {
          EXPECT_FALSE(same_road);
        }
        if (type == "roundabout" && k + 2 < steps.size()) {
          EXPECT_GE(steps[k].exit, 1u);
          EXPECT_EQ(steps[k + 1].type, "exit roundabout");
          ++roundabouts;
        }
        if (type == "turn" || type == "continue") {
          EXPECT_NE(steps[k].modifier, "straight") << "a turn is said only where the route turns";
        }
        if (route.distance_m > 0) {
          EXPECT_GT(steps[k].distance_m, 0) << type << " at step " << k;
        }
        turns += type == "turn";
      }
    }
    EXPECT_NEAR(distance, route.distance_m, 1e-6 * route.distance_m + 1e-6);
    EXPECT_EQ(duration, route.duration_ms);
  }
  EXPECT_GT(turns, test::scaled(100)) << "routes across a city turn";
  EXPECT_GT(roundabouts, 0) << "the schematic island has roundabouts on its main roads";
}

}  // namespace
}  // namespace siaga::routing::steps_test
