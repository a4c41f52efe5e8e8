// Turn restrictions against a second engine written here: an edge-based Dijkstra on the network
// as imported (unsplit), whose states are arcs and which checks every turn against the list of
// restrictions itself. The engines under test (the CCH, plain Dijkstra) run on the split network.
#include "siaga/geodata/turn_restrictions.h"

#include <gtest/gtest.h>

#include <queue>
#include <random>

#include "siaga/geodata/graph_file.h"
#include "siaga/geodata/hazards.h"
#include "siaga/geodata/osm_import.h"
#include "siaga/geodata/snapper.h"
#include "siaga/routing/cch.h"
#include "siaga/routing/profile.h"
#include "siaga/routing/route.h"
#include "siaga/routing/steps.h"
#include "test_support.h"

namespace siaga::turn_restrictions_test {
namespace {

using geodata::invalid_id;
using geodata::RoadNetwork;
using geodata::Snap;
using geodata::TurnRestriction;

// May a car that drove `from` go on into `to`? Forbidden by a no_ restriction, or by an only_
// restriction of `from` naming another arc.
struct TurnRules {
  std::vector<std::vector<uint32_t>> forbidden, only;
  TurnRules(uint32_t arc_count, std::span<const TurnRestriction> restrictions)
      : forbidden(arc_count), only(arc_count) {
    for (const TurnRestriction& r : restrictions) {
      (r.only ? only : forbidden)[r.from_arc].push_back(r.to_arc);
    }
  }
  bool allowed(uint32_t from, uint32_t to) const {
    for (uint32_t arc : forbidden[from]) {
      if (arc == to) return false;
    }
    for (uint32_t arc : only[from]) {
      if (arc != to) return false;
    }
    return true;
  }
};

// Cheapest cost from snapped point to snapped point where every turn obeys the rules.
uint32_t edge_based_cost(const RoadNetwork& network, const TurnRules& rules,
                         std::span<const uint32_t> weights, const Snap& from, const Snap& to) {
  const std::vector<uint32_t> tails = geodata::arc_tails(network);
  std::vector<uint64_t> cost(network.arc_count(), UINT64_MAX);  // arc driven to its head
  using Entry = std::pair<uint64_t, uint32_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
  auto start = [&](uint32_t arc, double fraction) {
    if (arc == invalid_id || weights[arc] == routing::blocked) return;
    const uint64_t c = routing::partial_cost(weights[arc], fraction);
    if (c < cost[arc]) queue.push({cost[arc] = c, arc});
  };
  start(from.forward_arc, 1 - from.fraction);
  start(from.backward_arc, from.fraction);
  while (!queue.empty()) {
    const auto [c, arc] = queue.top();
    queue.pop();
    if (c != cost[arc]) continue;
    const uint32_t node = network.arc_head[arc];
    for (uint32_t next = network.first_out[node]; next < network.first_out[node + 1]; ++next) {
      if (weights[next] == routing::blocked || !rules.allowed(arc, next)) continue;
      if (c + weights[next] < cost[next]) queue.push({cost[next] = c + weights[next], next});
    }
  }
  uint64_t best = routing::same_segment_cost(from, to, weights);
  auto arrive = [&](uint32_t arc, double fraction) {
    if (arc == invalid_id || weights[arc] == routing::blocked) return;
    for (uint32_t driven = 0; driven < network.arc_count(); ++driven) {
      if (cost[driven] == UINT64_MAX || network.arc_head[driven] != tails[arc]) continue;
      if (!rules.allowed(driven, arc)) continue;
      best = std::min(best, cost[driven] + routing::partial_cost(weights[arc], fraction));
    }
  };
  arrive(to.forward_arc, to.fraction);
  arrive(to.backward_arc, 1 - to.fraction);
  return best >= routing::unreachable ? routing::unreachable : static_cast<uint32_t>(best);
}

// A car's route as map arcs, partial ends included: every turn in it must be allowed.
void expect_lawful(const RoadNetwork& split, const TurnRules& rules, const routing::Route& route) {
  std::vector<uint32_t> driven{split.map_arc(route.start_arc)};
  for (uint32_t arc : route.arcs) driven.push_back(split.map_arc(arc));
  if (route.end_arc != invalid_id) driven.push_back(split.map_arc(route.end_arc));
  for (size_t i = 0; i + 1 < driven.size(); ++i) {
    ASSERT_EQ(split.map_node(split.arc_head[driven[i]]), test::tail_of(split, driven[i + 1]));
    EXPECT_TRUE(rules.allowed(driven[i], driven[i + 1]))
        << "turn from arc " << driven[i] << " into " << driven[i + 1] << " is forbidden";
  }
}

// The steps of a route on the split network are those of the same drive on the plain one: a
// junction's copies are one place to the driver, with the same roads leaving it.
void expect_steps_as_on_the_map(const RoadNetwork& plain, const RoadNetwork& split,
                                std::span<const uint32_t> map_weights,
                                std::span<const uint32_t> copy_weights,
                                const routing::Route& route) {
  routing::Route on_map = route;
  auto map_arc = [&](uint32_t arc) { return arc == invalid_id ? arc : split.map_arc(arc); };
  on_map.start_arc = map_arc(route.start_arc);
  on_map.end_arc = map_arc(route.end_arc);
  for (uint32_t& arc : on_map.arcs) arc = map_arc(arc);
  const auto split_steps = routing::route_steps(split, copy_weights, route);
  const auto map_steps = routing::route_steps(plain, map_weights, on_map);
  ASSERT_EQ(split_steps.size(), map_steps.size());
  for (size_t i = 0; i < map_steps.size(); ++i) {
    EXPECT_EQ(split_steps[i].type, map_steps[i].type) << "step " << i;
    EXPECT_EQ(split_steps[i].modifier, map_steps[i].modifier) << "step " << i;
    EXPECT_EQ(split_steps[i].name, map_steps[i].name) << "step " << i;
    EXPECT_EQ(split_steps[i].exit, map_steps[i].exit) << "step " << i;
    EXPECT_EQ(split_steps[i].duration_ms, map_steps[i].duration_ms) << "step " << i;
  }
}

// The split network's weights for a map-arc weight vector: copies cost what their map arc costs.
std::vector<uint32_t> split_weights(const RoadNetwork& split, std::span<const uint32_t> weights) {
  std::vector<uint32_t> out(split.arc_count());
  for (uint32_t arc = 0; arc < split.arc_count(); ++arc) out[arc] = weights[split.map_arc(arc)];
  return out;
}

// CCH and Dijkstra on the split network against the edge-based oracle on the plain one, on
// random snapped pairs, with random closures; every route found must turn lawfully.
void expect_turns_honoured(const RoadNetwork& plain, std::span<const TurnRestriction> restrictions,
                           int pairs, uint64_t seed) {
  const RoadNetwork split = geodata::apply_restrictions(plain, restrictions);
  ASSERT_GT(split.copy_node_of.size(), 0u);
  const TurnRules rules(plain.arc_count(), restrictions);
  const geodata::Snapper snapper(split);
  const routing::Cch cch = routing::Cch::build(split);
  routing::CchQuery query(cch);
  routing::Dijkstra dijkstra(split);
  std::mt19937_64 random(seed);
  std::vector<uint32_t> weights = plain.arc_time_ms;
  for (int i = 0; i < 40; ++i) weights[random() % weights.size()] = routing::blocked;
  const std::vector<uint32_t> split_w = split_weights(split, weights);
  const routing::CchMetric metric = routing::customize(cch, split_w);
  auto random_point = [&] {
    const uint32_t arc = static_cast<uint32_t>(random() % plain.arc_count());
    const geodata::LatLon a = plain.node_position[test::tail_of(plain, arc)];
    const geodata::LatLon b = plain.node_position[plain.arc_head[arc]];
    const double f = std::uniform_real_distribution<double>(0, 1)(random);
    return snapper.snap({a.lat + f * (b.lat - a.lat), a.lon + f * (b.lon - a.lon)});
  };
  int detours = 0;
  for (int i = 0; i < pairs; ++i) {
    const Snap from = random_point(), to = random_point();
    const uint32_t expected = edge_based_cost(plain, rules, weights, from, to);
    const routing::Route route = routing::route_between(split, metric, from, to, query);
    ASSERT_EQ(route.found ? route.duration_ms : routing::unreachable, expected) << "pair " << i;
    const routing::Route slow = routing::route_between(split, split_w, from, to, dijkstra);
    ASSERT_EQ(slow.found ? slow.duration_ms : routing::unreachable, expected) << "pair " << i;
    if (route.found) {
      expect_lawful(split, rules, route);
      expect_steps_as_on_the_map(plain, split, weights, split_w, route);
    }
    const TurnRules no_rules(plain.arc_count(), {});
    if (expected != edge_based_cost(plain, no_rules, weights, from, to)) ++detours;
  }
  EXPECT_GT(detours, 0) << "no pair met a restriction: the test would not see a wrong turn";
}

TEST(TurnRestrictions, IslandWithRandomRestrictionsMatchesEdgeBasedDijkstra) {
  const RoadNetwork& plain = test::ambon().network;
  expect_turns_honoured(plain, test::random_restrictions(plain, plain.node_count() / 20, 7),
                        test::scaled(400), 11);
}

TEST(TurnRestrictions, RealKotaAmbonWithRandomRestrictionsMatchesEdgeBasedDijkstra) {
  const auto pbf = test::shared_data("ambon/kota-ambon-osm/kota-ambon-2025-09-17.osm.pbf");
  if (!pbf) GTEST_SKIP() << "no ../shared/data/ambon/kota-ambon-osm";
  const RoadNetwork plain = geodata::import_osm(*pbf).network;
  expect_turns_honoured(plain, test::random_restrictions(plain, plain.node_count() / 20, 3),
                        test::scaled(300), 10);
}

TEST(TurnRestrictions, LiechtensteinsRelationsMatchEdgeBasedDijkstra) {
  const auto pbf = test::shared_data("osm/liechtenstein-2013-08-03.osm.pbf");
  if (!pbf) GTEST_SKIP() << "no ../shared/data/osm";
  geodata::ImportOptions options;
  options.turn_restrictions = false;
  const geodata::ImportResult plain = geodata::import_osm(*pbf, options);
  // Its two relations: a no_left_turn that applies, an only_right_turn from a way not in the file.
  EXPECT_EQ(plain.report.restrictions.relations, 2u);
  ASSERT_EQ(plain.restrictions.size(), 1u);
  EXPECT_FALSE(plain.restrictions[0].only);
  const geodata::ImportResult split = geodata::import_osm(*pbf);
  EXPECT_EQ(split.network.map_arc_count(), plain.network.arc_count());
  EXPECT_GT(split.network.copy_node_of.size(), 0u);
  // Its one real restriction is too few to meet on random pairs: add random ones beside it.
  std::vector<TurnRestriction> restrictions = plain.restrictions;
  for (const TurnRestriction& r : test::random_restrictions(plain.network, 300, 13)) {
    restrictions.push_back(r);
  }
  expect_turns_honoured(plain.network, restrictions, test::scaled(300), 17);
}

// The hand-drawn grid of tests/data/junctions.osm: 1 km blocks, node 5 in the middle.
class Junctions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    split_ = new geodata::ImportResult(geodata::import_osm(test::test_data("junctions.osm")));
    geodata::ImportOptions options;
    options.turn_restrictions = false;
    plain_ =
        new geodata::ImportResult(geodata::import_osm(test::test_data("junctions.osm"), options));
  }
  static void TearDownTestSuite() {
    delete split_;
    delete plain_;
  }
  // Metres driven from the middle of one block to the middle of another (nodes by OSM id).
  static double metres(const geodata::ImportResult& imported, int64_t a, int64_t b, int64_t c,
                       int64_t d) {
    const routing::Route route = drive(imported, a, b, c, d);
    return route.found ? route.distance_m : -1;
  }
  static routing::Route drive(const geodata::ImportResult& imported, int64_t a, int64_t b,
                              int64_t c, int64_t d) {
    const RoadNetwork& network = imported.network;
    auto middle = [&](int64_t x, int64_t y) {
      auto at = [&](int64_t id) {
        const auto& ids = network.node_osm_id;
        return network.node_position[std::find(ids.begin(), ids.end(), id) - ids.begin()];
      };
      return geodata::LatLon{(at(x).lat + at(y).lat) / 2, (at(x).lon + at(y).lon) / 2};
    };
    const geodata::Snapper snapper(network);
    routing::Dijkstra dijkstra(network);
    return routing::route_between(network, network.arc_time_ms, snapper.snap(middle(a, b)),
                                  snapper.snap(middle(c, d)), dijkstra);
  }
  static geodata::ImportResult* split_;
  static geodata::ImportResult* plain_;
};
geodata::ImportResult* Junctions::split_ = nullptr;
geodata::ImportResult* Junctions::plain_ = nullptr;

TEST_F(Junctions, EveryBadRelationIsCountedByReason) {
  const geodata::RestrictionReport& report = split_->report.restrictions;
  EXPECT_EQ(report.relations, 14u);
  EXPECT_EQ(report.applied, 3u);
  const std::map<std::string, uint64_t> expected{
      {"conditional (not applied)", 1},
      {"except motorcar or emergency", 1},
      {"for another vehicle", 1},
      {"from or to way does not lead into or out of the via node", 1},
      {"from or to way not a road in the network", 1},
      {"from or to way passes through the via node", 1},
      {"no from or no to", 1},
      {"no via", 1},
      {"unknown kind", 1},
      {"via node not in the network", 1},
      {"via way (not supported)", 1}};
  EXPECT_EQ(report.skipped, expected);
  // Node 5 split once for the two no-turns-west (same turns left) and once for straight-on-only.
  EXPECT_EQ(split_->network.copy_node_of.size(), 2u);
  EXPECT_EQ(split_->network.copy_arc_of.size(), 4u);
  EXPECT_TRUE(plain_->network.copy_node_of.empty());
}

TEST_F(Junctions, AForbiddenLeftTurnIsDrivenAround) {
  // North from the middle of 2–5 to the middle of 5–4: left at 5 is forbidden, so back through
  // 2, 1 and 4 (3 km) instead of 1 km.
  EXPECT_NEAR(metres(*plain_, 2, 5, 5, 4), 1000, 10);
  EXPECT_NEAR(metres(*split_, 2, 5, 5, 4), 3000, 10);
  // The same turn from the south arm of 8–5 (the motorcar tag's no_right_turn) likewise.
  EXPECT_NEAR(metres(*split_, 8, 5, 5, 4), 3000, 10);
  // Turns nobody restricted stay as they were: 2–5 right into 5–6.
  EXPECT_NEAR(metres(*split_, 2, 5, 5, 6), 1000, 10);
}

// Turning right at 5 (allowed), a crew's steps show the forbidden left into 5–4 as a road that
// cannot be entered, as OSRM's intersections do; without the restriction it can be.
TEST_F(Junctions, StepsShowAForbiddenTurnAsNoEntry) {
  auto entry_west = [](const geodata::ImportResult& imported) {
    const RoadNetwork& network = imported.network;
    const routing::Route route = drive(imported, 2, 5, 5, 6);
    EXPECT_TRUE(route.found);
    const auto steps = routing::route_steps(network, network.arc_time_ms, route);
    for (const routing::Step& step : steps) {
      for (const routing::Intersection& crossing : step.intersections) {
        if (crossing.bearings.size() < 4) continue;  // the junction at 5, with its four roads
        const auto west = std::find(crossing.bearings.begin(), crossing.bearings.end(), 270);
        EXPECT_NE(west, crossing.bearings.end());
        return static_cast<int>(crossing.entry[west - crossing.bearings.begin()]);
      }
    }
    return -1;  // no junction of four roads on the way
  };
  EXPECT_EQ(entry_west(*split_), 0);
  EXPECT_EQ(entry_west(*plain_), 1);
}

TEST_F(Junctions, OnlyStraightOnForbidsTheOtherTurns) {
  // West from 6 into 5 only straight on to 4: north to 5–8 goes round by 9 (3 km), and straight
  // on is as short as ever.
  EXPECT_NEAR(metres(*plain_, 6, 5, 5, 8), 1000, 10);
  EXPECT_NEAR(metres(*split_, 6, 5, 5, 8), 3000, 10);
  EXPECT_NEAR(metres(*split_, 6, 5, 5, 4), 1000, 10);
}

TEST_F(Junctions, CopiesSurviveTheGraphFile) {
  const auto file = std::filesystem::temp_directory_path() / "siaga-junctions-test.graph";
  geodata::save_graph(split_->network, file);
  const RoadNetwork loaded = geodata::load_graph(file);
  std::filesystem::remove(file);
  EXPECT_EQ(loaded.copy_node_of, split_->network.copy_node_of);
  EXPECT_EQ(loaded.copy_arc_of, split_->network.copy_arc_of);
  EXPECT_EQ(loaded.arc_head, split_->network.arc_head);
  EXPECT_NEAR(metres(geodata::ImportResult{loaded, {}, {}}, 6, 5, 5, 8), 3000, 10);
}

// A flood over the junction covers every copy as it covers the street the copy drives, and a
// closure there closes them all: no way round a hazard through a junction's copy.
TEST_F(Junctions, HazardsCoverCopiesAsTheirStreets) {
  const RoadNetwork& network = split_->network;
  geodata::HazardZone flood;
  flood.id = "flood-junction-5";
  flood.kind = geodata::HazardKind::flood;
  flood.depth_cm = 80;
  const double lat = -3.691, lon = 128.109, r = 0.004;  // node 5, 440 m each way
  flood.polygons.push_back(
      {{{lat - r, lon - r}, {lat - r, lon + r}, {lat + r, lon + r}, {lat + r, lon - r}}, {}});
  std::vector<geodata::HazardZone> zones{flood};
  const geodata::HazardIndex hazards = geodata::overlay_hazards(network, std::move(zones));
  ASSERT_GT(network.copy_arc_of.size(), 0u);
  for (uint32_t arc = network.map_arc_count(); arc < network.arc_count(); ++arc) {
    const auto copy = hazards.hazards_of(arc), street = hazards.hazards_of(network.map_arc(arc));
    ASSERT_EQ(copy.size(), 1u) << "every copy leaves node 5, inside the flood";
    ASSERT_EQ(street.size(), 1u);
    EXPECT_EQ(copy[0].zone, street[0].zone);
    EXPECT_NEAR(copy[0].overlap_m, street[0].overlap_m, 1e-3);
  }
  const auto profiles = routing::load_profiles(test::source_dir / "routing/vehicle-profiles.json");
  const std::vector<uint8_t> active{1};
  const auto weights = routing::profile_weights(network, profiles[0], hazards, active);
  for (uint32_t arc = network.map_arc_count(); arc < network.arc_count(); ++arc) {
    EXPECT_EQ(weights[arc], weights[network.map_arc(arc)]);
  }
}

TEST(TurnRestrictions, ArcsThatDoNotMeetAreRefused) {
  const RoadNetwork network = test::network_from_arcs(3, {{0, 1}, {1, 2}, {2, 1}});
  const TurnRestriction apart[] = {{0, 2, false}};  // 0→1, then 2→1: not a turn
  EXPECT_THROW(geodata::apply_restrictions(network, apart), ContractViolation);
  const TurnRestriction turn[] = {{0, 1, false}};
  const RoadNetwork split = geodata::apply_restrictions(network, turn);
  EXPECT_THROW(geodata::apply_restrictions(split, turn), ContractViolation);
}

}  // namespace
}  // namespace siaga::turn_restrictions_test
