// Planners' coverage: segment arrival times on a hand-built graph checked against hand-computed
// values; on Ambon, the coverage field equals multi-source Dijkstra's, a flood never raises
// coverage, and adding the suggested stations never lowers it.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <fstream>
#include <map>
#include <random>
#include <set>

#include "siaga/dispatch/coverage_map.h"
#include "siaga/dispatch/coverage_report.h"
#include "siaga/dispatch/place_labels.h"
#include "siaga/dispatch/station_planning.h"
#include "siaga/geodata/areas.h"
#include "siaga/routing/dijkstra.h"
#include "test_support.h"

namespace siaga::dispatch::coverage_test {
namespace {

namespace fs = std::filesystem;
const fs::path scenarios = test::source_dir / "geodata/ambon/scenarios";

// 0 — 1 — 2 — 3, two-way, then 3 → 4 one-way; every arc 1 km and 60 s.
geodata::RoadNetwork line_graph() {
  return test::network_from_arcs(5, {{0, 1}, {1, 0}, {1, 2}, {2, 1}, {2, 3}, {3, 2}, {3, 4}});
}

TEST(Coverage, SegmentArrivalsOnAHandBuiltLine) {
  const geodata::RoadNetwork network = line_graph();
  const auto segments = routing::road_segments(network);
  ASSERT_EQ(segments.size(), 4u);  // three two-way streets once each, and the one-way
  routing::Dijkstra dijkstra(network);
  const routing::Seed station[] = {{0, 0}};
  const auto cost = dijkstra.all_costs(station, network.arc_time_ms);
  const auto arrivals = routing::segment_arrivals(network, segments, network.arc_time_ms, cost);
  // Middles reached at 0.5, 1.5, 2.5 and 3.5 minutes.
  EXPECT_EQ(arrivals, (std::vector<uint32_t>{30'000, 90'000, 150'000, 210'000}));
  // From node 4 nothing can be reached: the one-way leads into it.
  const routing::Seed stuck[] = {{4, 0}};
  const auto none = routing::segment_arrivals(network, segments, network.arc_time_ms,
                                              dijkstra.all_costs(stuck, network.arc_time_ms));
  EXPECT_EQ(none, std::vector<uint32_t>(4, routing::unreachable));
  // The middle street closed both ways: unreachable itself, and the streets beyond it too.
  std::vector<uint32_t> closed = network.arc_time_ms;
  closed[2] = closed[3] = routing::blocked;
  const auto cut =
      routing::segment_arrivals(network, segments, closed, dijkstra.all_costs(station, closed));
  EXPECT_EQ(cut, (std::vector<uint32_t>{30'000, routing::unreachable, routing::unreachable,
                                        routing::unreachable}));
}

struct Island {
  Scenario scenario;
  std::unique_ptr<RoutingSetup> setup;
  Coverage coverage;
};

// The schematic island under a scenario file; on `split`, a network with turn restrictions, when
// given.
Island island(const std::string& file, const std::function<void(Scenario&)>& change = {},
              const geodata::RoadNetwork* split = nullptr) {
  Island result;
  result.setup = std::make_unique<RoutingSetup>();
  result.setup->network = split ? *split : test::ambon().network;
  result.scenario = load_scenario(scenarios / file, result.setup->network);
  if (change) change(result.scenario);
  result.setup->cch =
      std::make_unique<routing::Cch>(split ? routing::Cch::build(*split) : test::ambon_cch());
  std::vector<fs::path> files = result.scenario.hazard_files;
  result.setup->live = std::make_unique<routing::LiveMetrics>(
      result.setup->network, *result.setup->cch, routing::load_profiles(default_profiles_file()),
      geodata::overlay_hazards(result.setup->network, geodata::load_hazards(files).zones));
  result.setup->live->set_active(result.scenario.active_hazards);
  result.coverage = compute_coverage(*result.setup, result.scenario);
  return result;
}

TEST(Coverage, AmbonFieldEqualsMultiSourceDijkstra) {
  const Island base = island("baseline.json");
  const auto& network = base.setup->network;
  const geodata::Snapper snapper(network);
  routing::Dijkstra dijkstra(network);
  for (const TargetCoverage& target : base.coverage.targets) {
    const auto& profile = base.setup->live->profiles()[routing::profile_index(
        base.setup->live->profiles(), target.target.unit_type)];
    const auto weights = routing::profile_weights(network, profile, base.setup->live->hazards(),
                                                  base.setup->live->current()->active);
    std::vector<routing::Seed> seeds;
    for (const Station& station : base.scenario.stations) {
      if (std::find(station.unit_types.begin(), station.unit_types.end(),
                    target.target.unit_type) == station.unit_types.end())
        continue;
      const auto snap =
          routing::source_seeds(network, snapper.snap(station.position, {5000}), weights);
      seeds.insert(seeds.end(), snap.seeds.begin(), snap.seeds.end());
    }
    const auto expected = routing::segment_arrivals(network, base.coverage.segments, weights,
                                                    dijkstra.all_costs(seeds, weights));
    EXPECT_EQ(target.arrival_ms, expected) << target.target.name;
    EXPECT_GT(target.covered_km, 0);
    EXPECT_LT(target.covered_km, base.coverage.total_demand_km);
  }
}

TEST(Coverage, AFloodNeverRaisesCoverage) {
  const Island base = island("baseline.json");
  const Island flood = island("flood-wai-batu-merah.json");
  ASSERT_FALSE(flood.scenario.active_hazards.empty());
  ASSERT_EQ(base.coverage.targets.size(), flood.coverage.targets.size());
  bool some_loss = false;
  for (size_t t = 0; t < base.coverage.targets.size(); ++t) {
    const auto& before = base.coverage.targets[t];
    const auto& after = flood.coverage.targets[t];
    EXPECT_LE(after.covered_km, before.covered_km + 1e-9) << before.target.name;
    for (size_t s = 0; s < before.arrival_ms.size(); ++s) {
      ASSERT_GE(after.arrival_ms[s], before.arrival_ms[s]) << "segment " << s;
    }
    some_loss |= after.covered_km < before.covered_km;
  }
  EXPECT_TRUE(some_loss) << "the flood and the bridge closure should cost some coverage";
  const Json compared =
      compare_json(*base.setup, base.scenario, base.coverage, flood.scenario, flood.coverage);
  for (const Json& change : compared["changes"]) EXPECT_GE(change["share_lost"].get<double>(), 0);
}

TEST(Coverage, AddingTheSuggestedStationsNeverLowersCoverage) {
  const Island base = island("baseline.json");
  const size_t medical = 1;
  ASSERT_EQ(base.coverage.targets[medical].target.name, "medical");
  const auto sites = plan_stations(*base.setup, base.coverage, medical, 2, {});
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_GT(sites[0].gain_km, 0);
  EXPECT_GE(sites[0].gain_km, sites[1].gain_km) << "greedy: the best site first";
  const Island more = island("baseline.json", [&](Scenario& scenario) {
    for (const SiteSuggestion& site : sites)
      scenario.stations.push_back({"suggested", site.position, {"ambulance"}});
  });
  const double before = base.coverage.targets[medical].covered_km;
  const double after = more.coverage.targets[medical].covered_km;
  EXPECT_GE(after, before);
  EXPECT_NEAR(after, before + sites[0].gain_km + sites[1].gain_km, 0.05);
  for (size_t t = 0; t < base.coverage.targets.size(); ++t) {
    EXPECT_GE(more.coverage.targets[t].covered_km, base.coverage.targets[t].covered_km - 1e-9);
  }
}

// Each site's gains, found by a search bounded by the target time, against a whole-island field
// from that site (PHAST) and every segment's arrival: the segments beyond the target today, with
// demand, that the site would bring within it.
void expect_site_gains_equal_whole_island_fields(const Island& base) {
  const auto& network = base.setup->network;
  routing::CchQuery query(*base.setup->cch);
  std::mt19937_64 random(7);
  size_t checked = 0;
  for (size_t t = 0; t < base.coverage.targets.size(); ++t) {
    const TargetCoverage& target = base.coverage.targets[t];
    // The 8- and 4-minute targets, a fire truck's and an ambulance's: a 15-minute search reaches
    // most of the island, the same code at several times the cost.
    if (target.target.minutes > 10) continue;
    ++checked;
    const SiteGains gains = site_gains(*base.setup, base.coverage, t, {});
    ASSERT_EQ(gains.sites.size(), gains.segments.size());
    ASSERT_GT(gains.sites.size(), 1000u);
    const auto& metric = base.setup->live->current()->metrics[routing::profile_index(
        base.setup->live->profiles(), target.target.unit_type)];
    const uint32_t limit = target.target.limit_ms();
    size_t gained = 0;
    for (int i = 0; i < test::scaled(60); ++i) {
      const size_t c = random() % gains.sites.size();
      const routing::Seed site[] = {{gains.sites[c], 0}};
      const auto arrivals = routing::segment_arrivals(
          network, base.coverage.segments, metric.arc_weight, query.all_costs(metric, site));
      std::vector<uint32_t> expected;
      for (uint32_t s = 0; s < arrivals.size(); ++s) {
        if (target.arrival_ms[s] > limit && base.coverage.demand_km[s] > 0 && arrivals[s] <= limit)
          expected.push_back(s);
      }
      ASSERT_EQ(gains.segments[c], expected) << target.target.name << ", site " << c;
      gained += expected.size();
    }
    EXPECT_GT(gained, 0u) << target.target.name << ": no sampled site gains anything";
  }
  EXPECT_EQ(checked, 2u);
}

TEST(Coverage, SiteGainsEqualAWholeIslandFieldFromEachSite) {
  expect_site_gains_equal_whole_island_fields(island("baseline.json"));
}

// With turn restrictions, a search settles copies of junctions: their segments are the
// junction's.
TEST(Coverage, SiteGainsEqualAWholeIslandFieldFromEachSiteWithTurnRestrictions) {
  const geodata::RoadNetwork& plain = test::ambon().network;
  const geodata::RoadNetwork split = geodata::apply_restrictions(
      plain, test::random_restrictions(plain, plain.node_count() / 20, 5));
  ASSERT_GT(split.copy_node_of.size(), 0u);
  expect_site_gains_equal_whole_island_fields(island("baseline.json", {}, &split));
}

TEST(Coverage, FirePostDistanceGrowsWithTheRadiusAndNeedsAStation) {
  const Island base = island("baseline.json");
  ASSERT_EQ(base.coverage.distance_targets.size(), 1u);
  const DistanceCoverage& post = base.coverage.distance_targets[0];
  EXPECT_EQ(post.target.max_km, 2.5);
  EXPECT_GT(post.covered_km, 0);
  EXPECT_LT(post.covered_km, base.coverage.total_demand_km);
  const Island everywhere = island("baseline.json", [](Scenario& scenario) {
    scenario.distance_targets[0].max_km = 100;  // the whole island is within 100 km
  });
  EXPECT_NEAR(everywhere.coverage.distance_targets[0].covered_km, base.coverage.total_demand_km,
              1e-6);
  const Island nowhere = island("baseline.json", [](Scenario& scenario) {
    scenario.distance_targets[0].unit_type = "tank";  // no station has one
  });
  EXPECT_EQ(nowhere.coverage.distance_targets[0].stations, 0u);
  EXPECT_EQ(nowhere.coverage.distance_targets[0].covered_km, 0);
}

TEST(Coverage, MapIsAPngOfTheRequestedSize) {
  const Island flood = island("flood-wai-batu-merah.json");
  const fs::path file =
      fs::temp_directory_path() / ("siaga-coverage-" + std::to_string(getpid()) + ".png");
  write_coverage_png(file, *flood.setup, flood.scenario, flood.coverage, 1, {1000, 700});
  std::ifstream in(file, std::ios::binary);
  std::string header(24, '\0');
  ASSERT_TRUE(in.read(header.data(), 24));
  EXPECT_EQ(header.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(header.substr(12, 4), "IHDR");
  auto big_endian = [&](size_t at) {
    uint32_t value = 0;
    for (size_t i = 0; i < 4; ++i) value = value << 8 | static_cast<unsigned char>(header[at + i]);
    return value;
  };
  EXPECT_EQ(big_endian(16), 1000u);
  EXPECT_EQ(big_endian(20), 700u);
  EXPECT_GT(fs::file_size(file), 20'000u) << "streets drawn, not an empty canvas";
  fs::remove(file);
}

TEST(Coverage, AreasFromSeatsOnTheSchematicIslandAddUp) {
  Island base = island("baseline.json");
  assign_areas(base.coverage, base.setup->network, base.scenario, test::ambon_schematic_pbf());
  ASSERT_EQ(base.coverage.areas.names.size(), 8u);  // the island's kecamatan
  EXPECT_NE(base.coverage.areas.method.find("approximate"), std::string::npos);
  const Json areas = coverage_json(*base.setup, base.scenario, base.coverage)["areas"];
  double total = 0;
  for (const Json& area : areas["list"]) total += area["demand_km"].get<double>();
  EXPECT_NEAR(total, base.coverage.total_demand_km, 0.05);
  // The city's own kecamatan is better served by ambulances than Leihitu across the bay.
  std::map<std::string, double> medical;
  for (const Json& area : areas["list"]) medical[area["name"]] = area["share"]["medical"];
  EXPECT_GT(medical["Sirimau"], medical["Leihitu"]);
}

TEST(Coverage, AreasFromRealOsmBoundaries) {
  const auto file = test::shared_data("osm/liechtenstein-2013-08-03.osm.pbf");
  if (!file) GTEST_SKIP() << "../shared/data/osm is not here";
  const auto areas = geodata::load_admin_areas(*file, "8");
  ASSERT_GE(areas.size(), 10u);  // Liechtenstein's eleven Gemeinden
  const geodata::LatLon vaduz{47.1410, 9.5215}, balzers{47.0667, 9.5030}, zurich{47.37, 8.54};
  const auto found =
      geodata::locate_areas(areas, std::vector<geodata::LatLon>{vaduz, balzers, zurich});
  ASSERT_NE(found[0], geodata::invalid_id);
  EXPECT_EQ(areas[found[0]].name, "Vaduz");
  ASSERT_NE(found[1], geodata::invalid_id);
  EXPECT_EQ(areas[found[1]].name, "Balzers");
  EXPECT_EQ(found[2], geodata::invalid_id);
  EXPECT_TRUE(geodata::load_admin_areas(*file, "42").empty());

  // The areas file carries the boundaries themselves.
  Coverage coverage;
  for (const auto& area : areas) {
    coverage.areas.names.push_back(area.name);
    coverage.areas.polygons.push_back(area.polygons);
  }
  const fs::path out =
      fs::temp_directory_path() / ("siaga-areas-" + std::to_string(getpid()) + ".gpkg");
  write_areas(out, coverage);
  GDALDatasetUniquePtr written(GDALDataset::Open(out.c_str(), GDAL_OF_VECTOR));
  ASSERT_TRUE(written);
  OGRLayer* layer = written->GetLayer(0);
  EXPECT_EQ(layer->GetFeatureCount(), static_cast<GIntBig>(areas.size()));
  for (const auto& feature : *layer) {
    ASSERT_NE(feature->GetGeometryRef(), nullptr);
    EXPECT_EQ(wkbFlatten(feature->GetGeometryRef()->getGeometryType()), wkbMultiPolygon);
  }
  fs::remove(out);
}

// Each segment's label, kept once per distinct text, reads as the per-segment labelling did: the
// street's own name, else its tail node's label ("near" the nearest named street).
TEST(Coverage, PlaceLabelsKeptOnceReadAsEachSegmentsOwn) {
  const geodata::RoadNetwork& network = test::ambon().network;
  const std::vector<routing::Segment> segments = routing::road_segments(network);
  const PlaceLabels labels = place_labels(network, segments);
  ASSERT_EQ(labels.size(), segments.size());
  EXPECT_LT(labels.names.size() * 10, segments.size());  // few distinct labels: worth sharing
  const std::set<std::string> distinct(labels.names.begin(), labels.names.end());
  EXPECT_EQ(distinct.size(), labels.names.size());
  const std::vector<uint32_t> named_way = nearest_named_way(network);
  size_t named = 0, differ = 0;
  for (size_t s = 0; s < segments.size(); ++s) {
    const std::string& own = network.way_name[network.arc_way[segments[s].forward_arc]];
    named += !own.empty();
    const std::string expected =
        own.empty() ? node_label(network, named_way, segments[s].tail) : own;
    differ += labels[s] != expected;
  }
  EXPECT_EQ(differ, 0u);
  EXPECT_GT(named, 0u);
  EXPECT_LT(named, segments.size());
}

TEST(Coverage, ScenarioFileErrorsNameTheProblem) {
  const auto& network = test::ambon().network;
  const fs::path dir = fs::temp_directory_path() / ("siaga-scenario-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::pair<std::string, std::string> cases[] = {
      {R"({"stations": []})", "no stations"},
      {R"({"stations": [{"facilities": "castle", "unit_types": ["ambulance"]}]})", "castle"},
      {R"({"stations": [{"name": "x", "lat": -3.7, "lon": 128.2, "unit_types": ["ambulance"]}],
           "targets": [{"name": "m", "unit_type": "ambulance", "minutes": 8}],
           "demand": {"road_class_weights": {"alley": 1}}})",
       "unknown road class"},
      {R"({"stations": [{"name": "x", "lat": -3.7, "lon": 128.2, "unit_types": ["ambulance"]}],
           "targets": [{"name": "m", "unit_type": "ambulance", "minutes": -1}]})",
       "minutes must be"},
      {"nonsense", "not a JSON object"},
  };
  for (const auto& [text, message] : cases) {
    std::ofstream(dir / "s.json") << text;
    try {
      load_scenario(dir / "s.json", network);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ScenarioError& error) {
      EXPECT_NE(std::string(error.what()).find(message), std::string::npos) << error.what();
    }
  }
  fs::remove_all(dir);
}

// What a command checks --target against before it loads the island: the same targets as the
// whole scenario's, in the same order, and the same refusals.
TEST(Coverage, TargetsReadWithoutTheNetworkAreTheScenariosOwn) {
  for (const char* file : {"baseline.json", "flood-wai-batu-merah.json"}) {
    const Scenario scenario = load_scenario(scenarios / file, test::ambon().network);
    const std::vector<CoverageTarget> targets = load_scenario_targets(scenarios / file);
    ASSERT_EQ(targets.size(), scenario.targets.size()) << file;
    for (size_t i = 0; i < targets.size(); ++i) {
      EXPECT_EQ(targets[i].name, scenario.targets[i].name);
      EXPECT_EQ(targets[i].unit_type, scenario.targets[i].unit_type);
      EXPECT_EQ(targets[i].minutes, scenario.targets[i].minutes);
      EXPECT_EQ(target_index(targets, targets[i].name), i);
    }
    EXPECT_EQ(target_index(targets, ""), 0u);
    EXPECT_THROW(target_index(targets, "alien"), InputError);
  }
  const fs::path dir = fs::temp_directory_path() / ("siaga-targets-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "s.json") << R"({"targets": [{"name": "m", "unit_type": "ambulance"}]})";
  EXPECT_THROW(load_scenario_targets(dir / "s.json"), ScenarioError);  // no minutes
  std::ofstream(dir / "t.json") << R"({"stations": []})";
  EXPECT_THROW(load_scenario_targets(dir / "t.json"), ScenarioError);  // no targets
  EXPECT_THROW(load_scenario_targets(dir / "none.json"), IoError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace siaga::dispatch::coverage_test
