// Recommendations against an oracle: for a seeded fleet in a real tracking store, the recommended
// order equals the order of exact drive times from plain Dijkstra on independently computed
// profile weights, with and without hazards; busy, stale and unseen units are never recommended.
#include "siaga/dispatch/recommendation.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "siaga/routing/dijkstra.h"
#include "siaga/routing/route.h"
#include "test_support.h"

namespace siaga::dispatch::recommendation_test {
namespace {

namespace fs = std::filesystem;
using tracking::UnitState;
using tracking::UnitStatus;

struct Scenario {
  const geodata::RoadNetwork& network = test::ambon().network;
  geodata::Snapper snapper{network};
  routing::LiveMetrics live;
  std::vector<dispatch::IncidentClass> classes;

  Scenario()
      : live(network, test::ambon_cch(),
             routing::load_profiles(test::source_dir / "routing/vehicle-profiles.json"),
             geodata::overlay_hazards(
                 network, geodata::load_hazards(test::source_dir /
                                                "geodata/ambon/hazards-illustrative.geojson")
                              .zones)),
        classes(dispatch::load_incident_classes(
            test::source_dir / "tools/dispatch/incident-types.json", live.profiles())) {}

  DispatchContext context() const { return {network, snapper, live, classes}; }

  geodata::LatLon random_place(std::mt19937_64& random) const {
    const geodata::LatLon node = network.node_position[random() % network.node_count()];
    std::uniform_real_distribution<double> jitter(-0.0004, 0.0004);  // ~45 m
    return {node.lat + jitter(random), node.lon + jitter(random)};
  }
};

// 100 units of every type at random places, fixed at random ages; some dispatched, some out of
// service, some never heard from.
tracking::Fleet random_fleet(std::mt19937_64& random, const Scenario& scenario) {
  tracking::Fleet fleet;
  for (int i = 0; i < 100; ++i) {
    tracking::Unit unit;
    unit.id = std::to_string(100 + i);
    unit.id.insert(unit.id.begin(), 'U');
    unit.call_sign = unit.id;
    unit.type = tracking::unit_types[random() % tracking::unit_types.size()];
    unit.agency = "test";
    unit.home = scenario.random_place(random);
    fleet.units.push_back(unit);
  }
  return fleet;
}

constexpr int64_t now = 1'800'000'000'000;

void report_random_state(std::mt19937_64& random, const Scenario& scenario,
                         tracking::TrackingStore& store) {
  for (const tracking::Unit& unit : store.fleet().units) {
    const int dice = static_cast<int>(random() % 20);
    if (dice == 0) continue;  // never reported
    const int64_t age_ms = dice == 1 ? 600'000 : static_cast<int64_t>(random() % 60'000);
    const geodata::LatLon at = scenario.random_place(random);
    tracking::PositionFix fix{unit.id, 1, now - age_ms, at.lat, at.lon, 0, 0, 5, {}};
    ASSERT_TRUE(store.submit_fix(fix, now).accepted) << unit.id;
    if (dice == 2) {
      ASSERT_TRUE(store.change_status(unit.id, UnitStatus::dispatched, "X", now).accepted);
    }
    if (dice == 3) {
      ASSERT_TRUE(store.change_status(unit.id, UnitStatus::out_of_service, "", now).accepted);
    }
  }
}

struct OracleAnswer {
  std::vector<std::pair<uint32_t, std::string>> reachable;  // (ms, unit id), sorted
  std::vector<std::string> unreachable;                     // sorted
};

OracleAnswer oracle(const Scenario& scenario, std::span<const UnitState> units,
                    const dispatch::IncidentClass& incident_class, const geodata::Snap& incident,
                    routing::Dijkstra& dijkstra) {
  const auto set = scenario.live.current();
  std::map<std::string, std::vector<uint32_t>> weights;  // per unit type
  OracleAnswer answer;
  for (const UnitState& state : units) {
    if (!incident_class.answered_by(state.unit.type)) continue;
    if (state.status != UnitStatus::available || state.stale || !state.road) continue;
    auto& w = weights[state.unit.type];
    if (w.empty()) {
      const auto& profile =
          scenario.live
              .profiles()[routing::profile_index(scenario.live.profiles(), state.unit.type)];
      w = routing::profile_weights(scenario.network, profile, scenario.live.hazards(), set->active);
    }
    const routing::Route route =
        routing::route_between(scenario.network, w, state.road->snap, incident, dijkstra);
    if (route.found) {
      answer.reachable.emplace_back(route.duration_ms, state.unit.id);
    } else {
      answer.unreachable.push_back(state.unit.id);
    }
  }
  std::sort(answer.reachable.begin(), answer.reachable.end());
  std::sort(answer.unreachable.begin(), answer.unreachable.end());
  return answer;
}

void expect_oracle_order(const Scenario& scenario, uint64_t seed, int incidents) {
  std::mt19937_64 random(seed);
  tracking::TrackingStore store(random_fleet(random, scenario), scenario.network);
  report_random_state(random, scenario, store);
  const std::vector<UnitState> units = store.units(now);
  routing::CchQuery query(test::ambon_cch());
  routing::Dijkstra dijkstra(scenario.network);
  size_t compared = 0;
  for (int i = 0; i < incidents; ++i) {
    const auto& incident_class = scenario.classes[random() % scenario.classes.size()];
    const geodata::LatLon place = scenario.random_place(random);
    const Ranking ranking =
        rank_units(scenario.context(), units, place, incident_class.name, 1000, query);
    const OracleAnswer expected =
        oracle(scenario, units, incident_class, ranking.incident, dijkstra);
    ASSERT_EQ(ranking.recommended.size(), expected.reachable.size()) << incident_class.name;
    for (size_t r = 0; r < expected.reachable.size(); ++r) {
      const RankedUnit& got = ranking.recommended[r];
      ASSERT_EQ(got.state.unit.id, expected.reachable[r].second) << "rank " << r;
      ASSERT_EQ(got.eta_ms, expected.reachable[r].first) << got.state.unit.id;
      ASSERT_EQ(got.route.duration_ms, got.eta_ms) << "the route drawn is the one ranked";
      EXPECT_EQ(got.state.status, UnitStatus::available);
      EXPECT_FALSE(got.state.stale);
    }
    std::vector<std::string> unreachable;
    for (const SkippedUnit& unit : ranking.unreachable) {
      unreachable.push_back(unit.state.unit.id);
      EXPECT_FALSE(unit.why.empty());
    }
    std::sort(unreachable.begin(), unreachable.end());
    EXPECT_EQ(unreachable, expected.unreachable);
    for (const SkippedUnit& unit : ranking.not_available) {
      EXPECT_TRUE(unit.state.status != UnitStatus::available || unit.state.stale || !unit.state.fix)
          << unit.state.unit.id << " was left out as " << unit.why;
    }
    compared += expected.reachable.size();
  }
  EXPECT_GT(compared, static_cast<size_t>(incidents));  // the fleet is not all busy
}

TEST(Recommend, OrderEqualsDijkstraWithoutHazards) {
  Scenario scenario;
  scenario.live.set_active({});
  expect_oracle_order(scenario, 1, test::scaled(150));
}

TEST(Recommend, OrderEqualsDijkstraWithEveryIllustrativeHazard) {
  Scenario scenario;
  scenario.live.activate_all();
  expect_oracle_order(scenario, 2, test::scaled(150));
}

TEST(Recommend, OrderEqualsDijkstraWithRandomHazards) {
  Scenario scenario;
  std::mt19937_64 random(3);
  for (int round = 0; round < 4; ++round) {
    std::vector<std::string> ids;
    for (const auto& zone : scenario.live.hazards().zones) {
      if (random() % 2) ids.push_back(zone.id);
    }
    scenario.live.set_active(ids);
    expect_oracle_order(scenario, 10 + round, test::scaled(40));
  }
}

TEST(Recommend, BusyStaleAndUnseenUnitsAreListedNotRecommended) {
  Scenario scenario;
  tracking::Fleet fleet;
  const geodata::LatLon city{-3.6954, 128.1814};
  for (const char* id : {"A1", "A2", "A3", "A4", "A5"}) {
    fleet.units.push_back({id, id, "ambulance", "Dinkes", "", city, "", {}});
  }
  tracking::TrackingStore store(fleet, scenario.network);
  for (const char* id : {"A1", "A2", "A3", "A4"}) {
    const int64_t time = std::string(id) == "A4" ? now - 3'600'000 : now - 1000;
    ASSERT_TRUE(store.submit_fix({id, 1, time, city.lat, city.lon, 0, 0, 5, {}}, now).accepted);
  }
  ASSERT_TRUE(store.change_status("A2", UnitStatus::dispatched, "112-1", now).accepted);
  ASSERT_TRUE(store.change_status("A3", UnitStatus::out_of_service, "", now).accepted);
  routing::CchQuery query(test::ambon_cch());
  const auto units = store.units(now);
  const Ranking ranking =
      rank_units(scenario.context(), units, {-3.70, 128.18}, "medical", 3, query);
  ASSERT_EQ(ranking.recommended.size(), 1u);
  EXPECT_EQ(ranking.recommended[0].state.unit.id, "A1");
  std::map<std::string, std::string> why;
  for (const auto& unit : ranking.not_available) why[unit.state.unit.id] = unit.why;
  EXPECT_EQ(
      why,
      (std::map<std::string, std::string>{
          {"A2", "dispatched"}, {"A3", "out_of_service"}, {"A4", "stale"}, {"A5", "no position"}}));
  // Fire is not answered by ambulances: none of them is listed at all.
  const Ranking fire = rank_units(scenario.context(), units, {-3.70, 128.18}, "fire", 3, query);
  EXPECT_TRUE(fire.recommended.empty());
  EXPECT_TRUE(fire.not_available.empty());
}

TEST(Recommend, KeepsTheKFastestAndRefusesBadQuestions) {
  Scenario scenario;
  std::mt19937_64 random(7);
  const std::vector<UnitState> units =
      units_at_home(random_fleet(random, scenario), scenario.snapper, now);
  routing::CchQuery query(test::ambon_cch());
  const Ranking all =
      rank_units(scenario.context(), units, {-3.70, 128.18}, "disaster", 1000, query);
  const Ranking top = rank_units(scenario.context(), units, {-3.70, 128.18}, "disaster", 3, query);
  ASSERT_EQ(top.recommended.size(), 3u);
  for (size_t i = 0; i < 3; ++i)
    EXPECT_EQ(top.recommended[i].state.unit.id, all.recommended[i].state.unit.id);
  EXPECT_THROW(rank_units(scenario.context(), units, {-3.70, 128.18}, "alien", 3, query),
               UnknownIncidentClass);
  EXPECT_THROW(rank_units(scenario.context(), units, {-3.60, 127.90}, "fire", 3, query),
               geodata::SnapError);  // in the sea west of Leihitu
}

TEST(IncidentTypes, FileNamesOnlyKnownProfilesAndEveryClass) {
  const auto profiles = routing::load_profiles(test::source_dir / "routing/vehicle-profiles.json");
  const auto classes = dispatch::load_incident_classes(
      test::source_dir / "tools/dispatch/incident-types.json", profiles);
  std::vector<std::string> names;
  for (const auto& incident : classes) names.push_back(incident.name);
  EXPECT_EQ(names, (std::vector<std::string>{"medical", "fire", "security", "disaster", "rescue",
                                             "other"}));
  EXPECT_THROW(parse_incident_classes(R"({"incident_types":[{"name":"x","unit_types":["tank"]}]})",
                                      profiles),
               IncidentClassesError);
  EXPECT_THROW(parse_incident_classes("{", profiles), IncidentClassesError);
  EXPECT_THROW(
      parse_incident_classes(R"({"incident_types":[{"name":"x","unit_types":[]}]})", profiles),
      IncidentClassesError);
}

}  // namespace
}  // namespace siaga::dispatch::recommendation_test
