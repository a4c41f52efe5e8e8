// GET /v1/coverage/live and /v1/moveups over loopback: the share equals one computed here by
// multi-source Dijkstra from the units' own positions; busy units lower it and bring move-ups;
// hazards never raise it; the uncovered streets add up; bad requests get clear errors.
#include "siaga/server/coverage_api.h"

#include <gtest/gtest.h>

#include "server/served_fixture.h"
#include "siaga/dispatch/coverage.h"
#include "siaga/routing/segments.h"

namespace siaga::server::coverage_api_test {
namespace {

namespace fs = std::filesystem;

struct ServedWithCoverage : Served {
  CoverageSetup coverage =
      load_coverage_setup(network, test::source_dir / "geodata/ambon/scenarios/baseline.json");
  Relocations relocations;
  ServedWithCoverage() {
    api.coverage = &coverage;
    api.relocations = &relocations;
  }

  // The share of the target's demand within it from the available units, by multi-source
  // Dijkstra from each unit's snapped position.
  double expected_share(const std::string& target_name) {
    const auto& targets = coverage.scenario.targets;
    const auto target = std::find_if(targets.begin(), targets.end(),
                                     [&](const auto& t) { return t.name == target_name; });
    const auto set = live.current();
    const auto& weights =
        set->metrics[routing::profile_index(live.profiles(), target->unit_type)].arc_weight;
    std::vector<routing::Seed> seeds;
    for (const tracking::UnitState& state : store.units(tracking::now_ms())) {
      if (state.unit.type != target->unit_type || state.status != tracking::UnitStatus::available)
        continue;
      const auto unit_seeds = routing::source_seeds(network, state.road->snap, weights).seeds;
      seeds.insert(seeds.end(), unit_seeds.begin(), unit_seeds.end());
    }
    routing::Dijkstra dijkstra(network);
    const auto arrivals = routing::segment_arrivals(network, coverage.ground.segments, weights,
                                                    dijkstra.all_costs(seeds, weights));
    double covered = 0;
    for (size_t s = 0; s < arrivals.size(); ++s)
      if (arrivals[s] <= target->limit_ms()) covered += coverage.ground.demand_km[s];
    return dispatch::share_of(covered, coverage.ground.total_demand_km);
  }

  double share_of(const Json& answer, const std::string& target) {
    for (const Json& t : answer["targets"])
      if (t["name"] == target) return t["share"].get<double>();
    ADD_FAILURE() << "no target " << target;
    return -1;
  }
};

TEST(LiveCoverageApi, TheShareIsMultiSourceDijkstrasFromTheUnitsWhereTheyAre) {
  ServedWithCoverage served;
  auto [status, answer] = served.get("/v1/coverage/live");
  ASSERT_EQ(status, 200) << answer.dump();
  EXPECT_EQ(answer["scenario"], "baseline");
  ASSERT_EQ(answer["targets"].size(), served.coverage.scenario.targets.size());
  for (const auto& target : served.coverage.scenario.targets)
    EXPECT_DOUBLE_EQ(served.share_of(answer, target.name), served.expected_share(target.name))
        << target.name;
  const double medical_before = served.share_of(answer, "medical");
  auto [none_busy_status, none_busy] = served.get("/v1/moveups");
  ASSERT_EQ(none_busy_status, 200);
  EXPECT_TRUE(none_busy["moveups"].empty()) << none_busy.dump();

  // Every second ambulance sent away: less coverage, exactly as Dijkstra says, and move-ups.
  const int64_t now = tracking::now_ms();
  int ambulances = 0;
  for (const tracking::Unit& unit : served.store.fleet().units)
    if (unit.type == "ambulance" && ambulances++ % 2 == 0) {  // NOLINT
      ASSERT_TRUE(
          served.store
              .change_status(unit.id, tracking::UnitStatus::dispatched, "112-2026-000001", now)
              .accepted);
    }
  std::tie(status, answer) = served.get("/v1/coverage/live");
  EXPECT_LT(served.share_of(answer, "medical"), medical_before);
  EXPECT_DOUBLE_EQ(served.share_of(answer, "medical"), served.expected_share("medical"));
  auto [moves_status, moves] = served.get("/v1/moveups");
  ASSERT_EQ(moves_status, 200);
  EXPECT_NEAR(moves["busy_fraction"]["ambulance"].get<double>(), 0.5, 0.05);
  ASSERT_FALSE(moves["moveups"].empty()) << moves.dump();
  for (const Json& move : moves["moveups"]) {
    EXPECT_EQ(move["unit_type"], "ambulance");
    EXPECT_GT(move["gain_km"].get<double>(), 0);
    EXPECT_GE(move["drive_s"].get<double>(), 0);
    const tracking::Unit* unit = served.store.fleet().find(move["unit_id"].get<std::string>());
    ASSERT_NE(unit, nullptr);
  }

  // A hazard never raises coverage.
  for (const auto& zone : served.live.hazards().zones) {
    ASSERT_EQ(served.post("/v1/hazards/" + zone.id + "/activate", "").first, 200);
    auto [s, flooded] = served.get("/v1/coverage/live");
    EXPECT_LE(served.share_of(flooded, "medical"), served.share_of(answer, "medical")) << zone.id;
    EXPECT_DOUBLE_EQ(served.share_of(flooded, "medical"), served.expected_share("medical"));
    ASSERT_EQ(served.post("/v1/hazards/" + zone.id + "/deactivate", "").first, 200);
  }
}

TEST(LiveCoverageApi, UncoveredStreetsAddUpAndBadRequestsAreClear) {
  ServedWithCoverage served;
  auto [status, answer] = served.get("/v1/coverage/live?target=fire&streets=uncovered");
  ASSERT_EQ(status, 200) << answer.dump();
  EXPECT_EQ(answer["streets_target"], "fire");
  double uncovered = 0;
  for (const Json& street : answer["streets"]["features"]) {
    uncovered += street["properties"]["demand_km"].get<double>();
    if (!street["properties"]["arrival_s"].is_null()) {
      EXPECT_GE(street["properties"]["arrival_s"].get<double>(), 15 * 60);  // rounded to 0.1 s
    }
  }
  const double demand = answer["demand_km"].get<double>();
  EXPECT_NEAR(uncovered / demand, 1 - served.share_of(answer, "fire"), 0.002);

  EXPECT_EQ(served.get("/v1/coverage/live?target=nope").first, 404);
  EXPECT_EQ(served.get("/v1/coverage/live?streets=all").first, 400);
  const auto metrics = served.client->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("siaga_live_coverage_share{target=\"medical\"}"), std::string::npos);
  EXPECT_NE(metrics->body.find("siaga_live_coverage_units{target=\"fire\"} 6"), std::string::npos);

  served.api.coverage = nullptr;
  EXPECT_EQ(served.get("/v1/coverage/live").first, 503);
  EXPECT_EQ(served.get("/v1/moveups").first, 503);
}

TEST(LiveCoverageApi, AnAcceptedMoveUpRelocatesTheUnitUntilItsGpsShowsItAtThePost) {
  ServedWithCoverage served;
  const int64_t now = tracking::now_ms();
  int ambulances = 0;
  for (const tracking::Unit& unit : served.store.fleet().units) {
    if (unit.type != "ambulance" || ambulances++ % 2 != 0) continue;
    ASSERT_TRUE(served.store.change_status(unit.id, tracking::UnitStatus::dispatched, "112-X", now)
                    .accepted);
  }
  auto [status, moves] = served.get("/v1/moveups");
  ASSERT_EQ(status, 200);
  ASSERT_FALSE(moves["moveups"].empty());
  const Json move = moves["moveups"][0];
  const std::string unit_id = move["unit_id"];
  auto [medical_status, before] = served.get("/v1/coverage/live?target=medical");
  const Json accept = {{"unit_id", unit_id}, {"station", move["station"]}};
  auto [accepted_status, accepted] = served.post("/v1/moveups/accept", accept.dump());
  ASSERT_EQ(accepted_status, 200) << accepted.dump();
  EXPECT_EQ(accepted["status"], "relocating");
  EXPECT_EQ(served.store.unit(unit_id, now)->status, tracking::UnitStatus::relocating);
  // Still counted where it is, still recommended, not accepted twice.
  auto [after_status, after] = served.get("/v1/coverage/live?target=medical");
  EXPECT_EQ(after["targets"][1]["available_units"], before["targets"][1]["available_units"]);
  EXPECT_EQ(served.post("/v1/moveups/accept", accept.dump()).first, 409);
  const tracking::Unit* unit = served.store.fleet().find(unit_id);
  const Json here = {
      {"lat", unit->home.lat}, {"lon", unit->home.lon}, {"type", "medical"}, {"k", 20}};
  auto [recommend_status, ranked] = served.post("/v1/recommend", here.dump());
  ASSERT_EQ(recommend_status, 200);
  bool recommended = false;
  for (const Json& r : ranked["recommended"]) recommended |= r["unit_id"] == unit_id;
  EXPECT_TRUE(recommended) << ranked.dump();

  // On its way: still relocating; at the post (its GPS within 50 m): available there.
  served.relocations.on_fix(served.store, unit_id, now);
  EXPECT_EQ(served.store.unit(unit_id, now)->status, tracking::UnitStatus::relocating);
  const double lat = move["to"]["lat"], lon = move["to"]["lon"];
  const int64_t later = now + 1'800'000;  // half an hour on: a drive, not a jump
  const auto fix = served.store.submit_fix({unit_id, 2, later, lat, lon, 0, 0, 5, {}}, later);
  ASSERT_TRUE(fix.accepted) << fix.detail;
  served.relocations.on_fix(served.store, unit_id, later);
  EXPECT_EQ(served.store.unit(unit_id, later)->status, tracking::UnitStatus::available);
  EXPECT_FALSE(served.relocations.post_of(unit_id));

  // A relocating unit can be sent to a call on the way.
  ASSERT_EQ(served.post("/v1/moveups/accept", accept.dump()).first, 200);
  const Json sent = {{"unit_id", unit_id}, {"incident_id", "112-Y"}};
  EXPECT_EQ(served.post("/v1/dispatch", sent.dump()).first, 200);
  served.relocations.on_fix(served.store, unit_id, now);
  EXPECT_EQ(served.store.unit(unit_id, now)->status, tracking::UnitStatus::dispatched);
  EXPECT_FALSE(served.relocations.post_of(unit_id));  // forgotten: it is on a call now

  // What cannot be accepted, said clearly.
  const Json nobody = {{"unit_id", "NOBODY"}, {"station", move["station"]}};
  EXPECT_EQ(served.post("/v1/moveups/accept", nobody.dump()).first, 404);
  const Json nowhere = {{"unit_id", "AMB-02"}, {"station", "Atlantis"}};
  EXPECT_EQ(served.post("/v1/moveups/accept", nowhere.dump()).first, 404);
  std::string fire_station;
  for (const auto& station : served.coverage.scenario.stations)
    if (station.unit_types.front() == "fire_truck") fire_station = station.name;
  const Json wrong_type = {{"unit_id", "AMB-02"}, {"station", fire_station}};
  auto [wrong_status, wrong] = served.post("/v1/moveups/accept", wrong_type.dump());
  EXPECT_EQ(wrong_status, 409);
  EXPECT_NE(wrong["error"].get<std::string>().find("does not take a ambulance"), std::string::npos);
  EXPECT_EQ(served.post("/v1/moveups/accept", "[1,2]").first, 400);
}

}  // namespace
}  // namespace siaga::server::coverage_api_test
