// The planner's simulation: the stream file refused naming the field; on a quiet island every
// first unit is the one plain Dijkstra finds fastest from its home, with the travel time Dijkstra
// gives; the same seed gives the same run and both policies see the same calls; no unit is ever
// sent while it is still on another call; the flood day brings more reports to the flooded
// kecamatan; a busy island triggers move-ups.
#include "siaga/dispatch/simulation.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "siaga/routing/dijkstra.h"
#include "siaga/routing/route.h"
#include "test_support.h"

namespace siaga::dispatch::simulation_test {
namespace {

namespace fs = std::filesystem;

std::string stream_text() {
  std::ifstream in(default_incident_stream_file());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The stream's JSON with one change, parsed as if it were the real file.
std::string refusal(const std::function<void(nlohmann::json&)>& change) {
  nlohmann::json json = nlohmann::json::parse(stream_text());
  change(json);
  try {
    parse_incident_stream(json.dump(), default_incident_stream_file());
  } catch (const StreamError& error) {
    return error.what();
  }
  return "accepted";
}

TEST(IncidentStream, TheAmbonStreamLoadsAndBadFilesAreRefusedNamingTheField) {
  const IncidentStream stream = load_incident_stream(default_incident_stream_file());
  EXPECT_NEAR(stream.reports_per_day, 550.0 / 136, 0.01);
  EXPECT_EQ(stream.classes.size(), 5u);
  EXPECT_EQ(stream.areas.front().kecamatan, "Sirimau");

  EXPECT_NE(
      refusal([](auto& j) { j["reports_per_day"] = 0; }).find("\"reports_per_day\" must be > 0"),
      std::string::npos);
  EXPECT_NE(refusal([](auto& j) { j["reports_per_day"] = -3; }).find("reports_per_day"),
            std::string::npos);
  EXPECT_NE(refusal([](auto& j) {
              j["classes"][1]["class"] = "earthquake";
            }).find("\"classes[1].class\" is not a class of Ambon 112 (\"earthquake\")"),
            std::string::npos);
  EXPECT_NE(
      refusal([](auto& j) { j["classes"][0]["share"] = 0.5; }).find("\"classes\" shares sum to"),
      std::string::npos);
  EXPECT_NE(refusal([](auto& j) { j["kecamatan"][2]["share"] = 0.9; }).find("\"kecamatan\" shares"),
            std::string::npos);
  EXPECT_NE(refusal([](auto& j) {
              j["classes"][0].erase("on_scene_minutes");
            }).find("\"classes[0].on_scene_minutes\" is missing"),
            std::string::npos);
  EXPECT_NE(refusal([](auto& j) { j["flood_day"]["hours"] = 20; }).find("flood_day.hours"),
            std::string::npos);
  EXPECT_NE(refusal([](auto& j) {
              j["turnout_seconds"]["ambulance"] = "fast";
            }).find("turnout_seconds.ambulance"),
            std::string::npos);
  EXPECT_EQ(refusal([](auto&) {}), "accepted");
}

// One world for the suite: loading the graph and the CCH takes a moment.
SimulationWorld& world() {
  static SimulationWorld loaded = [] {
    std::ostringstream log;
    const fs::path graph = fs::temp_directory_path() / "siaga-simulation-test.graph";
    return load_simulation_world({test::ambon_schematic_pbf(), graph},
                                 default_incident_stream_file(),
                                 test::source_dir / "geodata/ambon/fleet-sample.json", log);
  }();
  return loaded;
}

TEST(IncidentStream, AKecamatanNotOnTheMapIsRefused) {
  IncidentStream stream = world().stream;
  stream.areas[1].kecamatan = "Atlantis";
  try {
    call_places(stream, world().ground);
    FAIL() << "accepted a kecamatan that is not on the map";
  } catch (const StreamError& error) {
    EXPECT_NE(std::string(error.what()).find("\"Atlantis\" is not on the map"), std::string::npos);
  }
}

// On a quiet island (a call every few days) every unit waits at home when a call comes: the
// first unit of each call is the fastest of its type by plain Dijkstra, and it needs that long.
TEST(Simulation, OnAQuietIslandTheFirstUnitIsDijkstrasFastestFromHome) {
  SimulationWorld& w = world();
  SimulationOptions options;
  options.days = 120;
  options.load = 0.06;
  options.seed = 11;
  const SimulationResult result = simulate(w, options);
  ASSERT_GT(result.reports, 10u);
  const auto set = w.setup->live->current();
  routing::Dijkstra dijkstra(w.setup->network);
  size_t checked = 0;
  for (size_t i = 0; i < result.incidents.size(); ++i) {
    const tracking::IncidentTiming& incident = result.incidents[i];
    if (incident.units.empty()) continue;
    const tracking::UnitTiming& first = incident.units.front();
    const tracking::Unit* sent = w.fleet.find(first.unit_id);
    ASSERT_NE(sent, nullptr);
    const geodata::Snap scene = w.snapper->snap(result.places[i]);
    const auto& weights =
        set->metrics[routing::profile_index(w.setup->live->profiles(), sent->type)].arc_weight;
    uint32_t fastest = routing::unreachable;
    uint32_t of_sent = routing::unreachable;
    for (const tracking::Unit& unit : w.fleet.units) {
      if (unit.type != sent->type) continue;
      const routing::Route route = routing::route_between(
          w.setup->network, weights, w.snapper->snap(unit.home, {5000}), scene, dijkstra);
      if (!route.found) continue;
      fastest = std::min(fastest, route.duration_ms);
      if (unit.id == sent->id) of_sent = route.duration_ms;
    }
    EXPECT_EQ(of_sent, fastest) << incident.id << " sent " << sent->id;
    EXPECT_EQ(first.on_scene_ms - first.en_route_ms, of_sent) << incident.id;
    EXPECT_GE(first.en_route_ms, first.dispatched_ms);
    EXPECT_GE(first.dispatched_ms, incident.created_ms);
    ++checked;
  }
  EXPECT_EQ(checked, result.reports);
  EXPECT_EQ(result.waited, 0u);
}

// Each unit's calls in the order it was sent: the next dispatch only after it reached the scene
// of the one before (it also had to stay there and come back, which this does not time).
void expect_no_unit_on_two_calls(const SimulationResult& result) {
  std::map<std::string, std::vector<const tracking::UnitTiming*>> by_unit;
  for (const auto& incident : result.incidents)
    for (const auto& unit : incident.units) by_unit[unit.unit_id].push_back(&unit);
  for (auto& [id, jobs] : by_unit) {
    std::sort(jobs.begin(), jobs.end(),
              [](auto* a, auto* b) { return a->dispatched_ms < b->dispatched_ms; });
    for (size_t j = 1; j < jobs.size(); ++j)
      EXPECT_GT(jobs[j]->dispatched_ms, jobs[j - 1]->on_scene_ms) << id;
  }
}

TEST(Simulation, TheSameSeedGivesTheSameRunAndPoliciesSeeTheSameCalls) {
  SimulationWorld& w = world();
  SimulationOptions options;
  options.days = 20;
  options.load = 5;
  options.seed = 3;
  const SimulationResult first = simulate(w, options);
  const SimulationResult again = simulate(w, options);
  ASSERT_EQ(first.incidents.size(), again.incidents.size());
  for (size_t i = 0; i < first.incidents.size(); ++i) {
    EXPECT_EQ(first.incidents[i].created_ms, again.incidents[i].created_ms);
    ASSERT_EQ(first.incidents[i].units.size(), again.incidents[i].units.size());
    for (size_t u = 0; u < first.incidents[i].units.size(); ++u)
      EXPECT_EQ(first.incidents[i].units[u].on_scene_ms, again.incidents[i].units[u].on_scene_ms);
  }
  options.policy = Policy::moveup;
  const SimulationResult moveup = simulate(w, options);
  ASSERT_EQ(moveup.incidents.size(), first.incidents.size());
  for (size_t i = 0; i < first.incidents.size(); ++i) {
    EXPECT_EQ(moveup.incidents[i].created_ms, first.incidents[i].created_ms);
    EXPECT_EQ(moveup.incidents[i].incident_class, first.incidents[i].incident_class);
  }
  EXPECT_GT(moveup.moveups, 0u);  // five times Ambon's rate keeps units busy
  expect_no_unit_on_two_calls(first);
  expect_no_unit_on_two_calls(moveup);
  // The prank calls are counted, nobody is sent.
  EXPECT_GT(first.pranks, first.reports);
  for (const auto& incident : first.incidents) {
    if (incident.call_type == tracking::CallType::prank) {
      EXPECT_TRUE(incident.units.empty());
    }
  }
}

TEST(Simulation, AFloodDayBringsMoreReportsToTheFloodedKecamatan) {
  SimulationWorld& w = world();
  ASSERT_FALSE(w.flood_zones.empty());
  ASSERT_FALSE(w.flood_areas.empty());
  SimulationOptions options;
  options.days = 1;
  options.seed = 5;
  auto reports_in_flood_hours = [&](bool flood) {
    options.flood_day = flood;
    size_t count = 0;
    for (int seed = 0; seed < 10; ++seed) {
      options.seed = static_cast<uint64_t>(seed);
      const SimulationResult result = simulate(w, options);
      for (const auto& incident : result.incidents) {
        const double hour = static_cast<double>(incident.created_ms - options.start_ms) / 3.6e6;
        const bool flooded = std::any_of(
            w.flood_areas.begin(), w.flood_areas.end(),
            [&](size_t area) { return w.stream.areas[area].kecamatan == incident.kecamatan; });
        if (incident.call_type == tracking::CallType::emergency && flooded &&
            hour >= w.stream.flood_day.start_hour &&
            hour < w.stream.flood_day.start_hour + w.stream.flood_day.hours)
          ++count;
      }
    }
    return count;
  };
  const size_t dry = reports_in_flood_hours(false);
  const size_t flooded = reports_in_flood_hours(true);
  EXPECT_GT(flooded, 4 * std::max<size_t>(dry, 1)) << dry << " dry, " << flooded << " flooded";
  // The hazards are off again afterwards.
  EXPECT_EQ(w.setup->live->current()->active,
            std::vector<uint8_t>(w.setup->live->current()->active.size(), 0));
}

TEST(Simulation, DaysAndLoadMustBePositive) {
  SimulationOptions options;
  options.days = 0;
  EXPECT_THROW(simulate(world(), options), InputError);
  options.days = 1;
  options.load = -1;
  EXPECT_THROW(simulate(world(), options), InputError);
}

}  // namespace
}  // namespace siaga::dispatch::simulation_test
