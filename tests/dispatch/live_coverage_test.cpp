// Live coverage and move-ups on Ambon, against a second implementation written here: one plain
// Dijkstra per unit and per station, the minimum taken by hand, and the expected coverage
// 1 − q^k summed over every street for every possible move.
#include "siaga/dispatch/live_coverage.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "siaga/geodata/hazards.h"
#include "siaga/routing/dijkstra.h"
#include "siaga/routing/route.h"
#include "siaga/synth/sample_fleet.h"
#include "test_support.h"

namespace siaga::dispatch::live_coverage_test {
namespace {

namespace fs = std::filesystem;

struct World {
  Scenario scenario;
  std::unique_ptr<RoutingSetup> setup;
  std::unique_ptr<geodata::Snapper> snapper;
  Coverage ground;
  std::vector<LiveUnit> units;  // the sample fleet at home

  LiveCoverageContext context() const {
    return {setup->network, *snapper, *setup->live, ground, scenario.targets};
  }
};

World world(const std::string& scenario_file) {
  World w;
  w.setup = std::make_unique<RoutingSetup>();
  w.setup->network = test::ambon().network;
  w.scenario =
      load_scenario(test::source_dir / "geodata/ambon/scenarios" / scenario_file, w.setup->network);
  w.setup->cch = std::make_unique<routing::Cch>(test::ambon_cch());
  w.setup->live = std::make_unique<routing::LiveMetrics>(
      w.setup->network, *w.setup->cch, routing::load_profiles(default_profiles_file()),
      geodata::overlay_hazards(w.setup->network,
                               geodata::load_hazards(w.scenario.hazard_files).zones));
  w.setup->live->set_active(w.scenario.active_hazards);
  w.snapper = std::make_unique<geodata::Snapper>(w.setup->network);
  w.ground = coverage_ground(w.setup->network, w.scenario);
  const tracking::Fleet fleet = synth::sample_fleet(w.setup->network);
  for (const tracking::Unit& unit : fleet.units)
    w.units.push_back({unit.id, unit.type, w.snapper->snap(unit.home, {5000})});
  return w;
}

// Segment arrivals from one position by plain Dijkstra in the profile's hazard weights.
std::vector<uint32_t> dijkstra_arrivals(const World& w, const routing::MetricSet& set,
                                        const std::string& type, const geodata::Snap& from) {
  const auto& weights =
      set.metrics[routing::profile_index(w.setup->live->profiles(), type)].arc_weight;
  routing::Dijkstra dijkstra(w.setup->network);
  const auto seeds = routing::source_seeds(w.setup->network, from, weights).seeds;
  return routing::segment_arrivals(w.setup->network, w.ground.segments, weights,
                                   dijkstra.all_costs(seeds, weights));
}

void expect_live_coverage_equals_dijkstra(const World& w, std::span<const LiveUnit> units) {
  const auto set = w.setup->live->current();
  routing::CchQuery query(*w.setup->cch);
  const LiveCoverage live = live_coverage(w.context(), *set, units, query);
  ASSERT_EQ(live.targets.size(), w.scenario.targets.size());
  for (const LiveTarget& target : live.targets) {
    std::vector<uint32_t> best(w.ground.segments.size(), routing::unreachable);
    size_t count = 0;
    for (const LiveUnit& unit : units) {
      if (unit.type != target.target.unit_type) continue;
      ++count;
      const auto arrivals = dijkstra_arrivals(w, *set, unit.type, unit.position);
      for (size_t s = 0; s < best.size(); ++s) best[s] = std::min(best[s], arrivals[s]);
    }
    EXPECT_EQ(target.units, count);
    ASSERT_EQ(target.arrival_ms, best) << target.target.name;
    double covered = 0;
    for (size_t s = 0; s < best.size(); ++s)
      if (best[s] <= target.target.limit_ms()) covered += w.ground.demand_km[s];
    EXPECT_NEAR(target.covered_km, covered, 1e-9);
  }
}

TEST(LiveCoverage, EqualsOneDijkstraPerUnitForRandomSetsOfAvailableUnits) {
  for (const char* file : {"baseline.json", "flood-wai-batu-merah.json"}) {
    const World w = world(file);
    std::mt19937 random(7);
    for (int round = 0; round < 4; ++round) {
      std::vector<LiveUnit> available;
      for (const LiveUnit& unit : w.units)
        if (random() % 3 != 0) available.push_back(unit);
      expect_live_coverage_equals_dijkstra(w, available);
    }
  }
}

TEST(LiveCoverage, FewerAvailableUnitsNeverCoverMore) {
  const World w = world("baseline.json");
  const auto set = w.setup->live->current();
  routing::CchQuery query(*w.setup->cch);
  std::vector<LiveUnit> available = w.units;
  double previous_km = 1e18;
  while (!available.empty()) {
    const LiveCoverage live = live_coverage(w.context(), *set, available, query);
    double covered = 0;
    for (const LiveTarget& target : live.targets) covered += target.covered_km;
    EXPECT_LE(covered, previous_km + 1e-9);
    previous_km = covered;
    available.pop_back();
  }
  const LiveCoverage none = live_coverage(w.context(), *set, available, query);
  for (const LiveTarget& target : none.targets) EXPECT_EQ(target.covered_km, 0);
}

// Σ demand × (1 − q^k) over the targets of the type, k the units within each target, by brute
// force.
double expected_coverage(const World& w, const routing::MetricSet& set, const std::string& type,
                         const std::vector<geodata::Snap>& positions, double q) {
  double total = 0;
  std::vector<std::vector<uint32_t>> fields;
  for (const auto& position : positions)
    fields.push_back(dijkstra_arrivals(w, set, type, position));
  for (const CoverageTarget& target : w.scenario.targets) {
    if (target.unit_type != type) continue;
    for (size_t s = 0; s < w.ground.segments.size(); ++s) {
      int k = 0;
      for (const auto& field : fields) k += field[s] <= target.limit_ms();
      total += w.ground.demand_km[s] * (1 - std::pow(q, k));
    }
  }
  return total;
}

TEST(MoveUps, TheFirstSuggestionIsTheBestMoveAndItsGainIsTheExpectedCoverageGained) {
  const World w = world("baseline.json");
  const auto set = w.setup->live->current();
  routing::CchQuery query(*w.setup->cch);
  // Half the ambulances are busy: the rest stay where they are.
  std::vector<LiveUnit> available;
  size_t ambulances = 0, busy = 0;
  for (const LiveUnit& unit : w.units) {
    if (unit.type == "ambulance" && ambulances++ % 2 == 0) {
      ++busy;
      continue;
    }
    available.push_back(unit);
  }
  const double q = static_cast<double>(busy) / static_cast<double>(ambulances);
  MoveUpOptions options;
  options.max_moves = 1;
  options.min_gain_share = 0;
  const auto moves = suggest_moveups(w.context(), *set, available, w.scenario.stations,
                                     {{"ambulance", q}}, options, query);
  ASSERT_EQ(moves.size(), 1u);
  const MoveUp& move = moves[0];
  EXPECT_EQ(move.unit_type, "ambulance");
  EXPECT_DOUBLE_EQ(move.busy_fraction, q);

  std::vector<geodata::Snap> positions;
  std::vector<std::string> ids;
  for (const LiveUnit& unit : available)
    if (unit.type == "ambulance") positions.push_back(unit.position), ids.push_back(unit.id);
  const double before = expected_coverage(w, *set, "ambulance", positions, q);
  double best_gain = -1;
  for (size_t u = 0; u < positions.size(); ++u) {
    for (const Station& station : w.scenario.stations) {
      if (std::find(station.unit_types.begin(), station.unit_types.end(), "ambulance") ==
          station.unit_types.end())
        continue;
      auto moved = positions;
      moved[u] = w.snapper->snap(station.position, {5000});
      const double gain = expected_coverage(w, *set, "ambulance", moved, q) - before;
      best_gain = std::max(best_gain, gain);
      if (ids[u] == move.unit_id && station.name == move.station) {
        EXPECT_NEAR(gain, move.gain_km, 1e-6);
      }
    }
  }
  EXPECT_NEAR(move.gain_km, best_gain, 1e-6);
  EXPECT_GT(move.gain_km, 0);

  // The drive to the station is the route's.
  const auto& metric = set->metrics[routing::profile_index(w.setup->live->profiles(), "ambulance")];
  const auto unit = std::find_if(available.begin(), available.end(),
                                 [&](const LiveUnit& u) { return u.id == move.unit_id; });
  const auto route = routing::route_between(w.setup->network, metric, unit->position,
                                            w.snapper->snap(move.station_position, {5000}), query);
  ASSERT_TRUE(route.found);
  EXPECT_EQ(move.drive_ms, route.duration_ms);
}

TEST(MoveUps, NoneWhenNoUnitIsBusyAndNeverTheSameUnitTwice) {
  const World w = world("baseline.json");
  const auto set = w.setup->live->current();
  routing::CchQuery query(*w.setup->cch);
  EXPECT_TRUE(suggest_moveups(w.context(), *set, w.units, w.scenario.stations,
                              {{"ambulance", 0}, {"fire_truck", 0}}, {}, query)
                  .empty());
  std::vector<LiveUnit> few;  // two fire trucks left of the fleet
  for (const LiveUnit& unit : w.units)
    if (unit.type == "fire_truck" && few.size() < 2) few.push_back(unit);
  MoveUpOptions options;
  options.max_moves = 5;
  options.min_gain_share = 0;
  const auto moves = suggest_moveups(w.context(), *set, few, w.scenario.stations,
                                     {{"fire_truck", 0.6}}, options, query);
  std::set<std::string> moved;
  for (const MoveUp& move : moves) {
    EXPECT_TRUE(moved.insert(move.unit_id).second) << move.unit_id;
    EXPECT_GT(move.gain_km, 0);
  }
  EXPECT_LE(moves.size(), 2u);
}

// A simulation keeps one FieldCache for all its calls, with each field's reach inside: the moves
// must be those of a fresh cache, call after call, across a hazard change (new metrics) and
// past the cache's 256 fields (it starts over between calls, never during one).
TEST(MoveUps, ACacheKeptAcrossCallsSuggestsWhatAFreshOneDoes) {
  World w = world("baseline.json");
  routing::CchQuery query(*w.setup->cch);
  std::mt19937_64 random(7);
  const auto& network = w.setup->network;
  std::uniform_int_distribution<uint32_t> node(0, network.node_count() - 1);
  std::vector<std::string> zones;
  for (const geodata::HazardZone& zone : w.setup->live->hazards().zones) zones.push_back(zone.id);
  ASSERT_FALSE(zones.empty());
  MoveUpOptions options;
  options.max_moves = 4;
  options.min_gain_share = 0;
  FieldCache cache;
  size_t compared = 0;
  for (int call = 0; call < test::scaled(40); ++call) {
    if (call % 10 == 5) {  // a hazard switched: the cache must not answer from the old metrics
      std::vector<std::string> active;
      for (const std::string& zone : zones)
        if (random() % 2) active.push_back(zone);
      w.setup->live->set_active(active);
    }
    std::vector<LiveUnit> units;
    for (const LiveUnit& unit : w.units) {
      if (random() % 3 == 0) continue;  // busy
      LiveUnit moved = unit;
      if (random() % 2)
        moved.position = w.snapper->snap(network.node_position[node(random)], {5000});
      units.push_back(moved);
    }
    const std::map<std::string, double> busy = {{"ambulance", 0.4}, {"fire_truck", 0.3}};
    const auto set = w.setup->live->current();
    const auto kept = suggest_moveups(w.context(), *set, units, w.scenario.stations, busy, options,
                                      query, &cache);
    const auto fresh =
        suggest_moveups(w.context(), *set, units, w.scenario.stations, busy, options, query);
    ASSERT_EQ(kept.size(), fresh.size()) << "call " << call;
    for (size_t m = 0; m < kept.size(); ++m) {
      EXPECT_EQ(kept[m].unit_id, fresh[m].unit_id) << "call " << call;
      EXPECT_EQ(kept[m].station, fresh[m].station) << "call " << call;
      EXPECT_EQ(kept[m].gain_km, fresh[m].gain_km) << "call " << call;
      EXPECT_EQ(kept[m].drive_ms, fresh[m].drive_ms) << "call " << call;
      ++compared;
    }
  }
  EXPECT_GT(compared, 0u);
}

}  // namespace
}  // namespace siaga::dispatch::live_coverage_test
