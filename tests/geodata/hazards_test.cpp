// Hazard layers (GDAL), vehicle profiles and live metrics: loading and repair, detours and slow
// passages, exact restore on deactivation, and the CCH under random hazard scenarios against
// Dijkstra on the same profile weights.
#include "siaga/geodata/hazards.h"

#include <gdal_priv.h>
#include <gdal_utils.h>
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "siaga/geodata/snapper.h"
#include "siaga/routing/hazard_report.h"
#include "siaga/routing/live_metrics.h"
#include "test_support.h"

namespace siaga::hazards_test {
namespace {

namespace fs = std::filesystem;

const fs::path illustrative_dir = test::source_dir / "geodata/ambon";
const fs::path profiles_file = test::source_dir / "routing/vehicle-profiles.json";

using test::ambon_cch;

TEST(Hazards, IllustrativeLayersLoadFromGeoJsonAndGeoPackageAlike) {
  const auto json = geodata::load_hazards(illustrative_dir / "hazards-illustrative.geojson");
  const auto gpkg = geodata::load_hazards(illustrative_dir / "hazards-illustrative.gpkg");
  EXPECT_EQ(json.report.rejected, 0u);
  EXPECT_EQ(gpkg.report.rejected, 0u);
  ASSERT_EQ(json.zones.size(), 21u);  // 5 rivers × 3 flood bands, 5 landslides, 1 closure
  ASSERT_EQ(gpkg.zones.size(), json.zones.size());
  for (size_t i = 0; i < json.zones.size(); ++i) {
    EXPECT_EQ(json.zones[i].id, gpkg.zones[i].id);
    EXPECT_EQ(json.zones[i].kind, gpkg.zones[i].kind);
    EXPECT_EQ(json.zones[i].depth_cm, gpkg.zones[i].depth_cm);
  }
}

// The illustrative layer converted by GDAL itself into another format, then loaded by us.
std::vector<geodata::HazardZone> through_format(const char* driver, const char* extension) {
  GDALAllRegister();
  if (GetGDALDriverManager()->GetDriverByName(driver) == nullptr) return {};
  const fs::path source = illustrative_dir / "hazards-illustrative.geojson";
  const fs::path target = fs::temp_directory_path() /
                          ("siaga-" + std::to_string(::getpid()) + "-" + driver + extension);
  GDALDatasetH input = GDALOpenEx(source.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  const char* argv[] = {"-f", driver, nullptr};
  GDALVectorTranslateOptions* options =
      GDALVectorTranslateOptionsNew(const_cast<char**>(argv), nullptr);
  GDALDatasetH output = GDALVectorTranslate(target.c_str(), nullptr, 1, &input, options, nullptr);
  GDALVectorTranslateOptionsFree(options);
  GDALClose(input);
  if (output == nullptr) return {};
  GDALClose(output);
  auto zones = geodata::load_hazards(target).zones;
  fs::remove(target);
  for (const char* sidecar : {".shx", ".dbf", ".prj", ".cpg"}) {
    fs::remove(fs::path(target).replace_extension(sidecar));
  }
  return zones;
}

TEST(Hazards, ShapefileAndKmlLoadTheSameZones) {
  const auto reference = geodata::load_hazards(illustrative_dir / "hazards-illustrative.geojson");
  for (const auto& [driver, extension] :
       {std::pair{"ESRI Shapefile", ".shp"}, std::pair{"KML", ".kml"}}) {
    const auto zones = through_format(driver, extension);
    ASSERT_EQ(zones.size(), reference.zones.size()) << driver;
    for (size_t i = 0; i < zones.size(); ++i) {
      EXPECT_EQ(zones[i].id, reference.zones[i].id) << driver;
      EXPECT_EQ(zones[i].kind, reference.zones[i].kind) << driver;
      EXPECT_NEAR(zones[i].depth_cm, reference.zones[i].depth_cm, 1e-9) << driver;
    }
  }
}

TEST(Hazards, OverlayFindsTheBridgeClosureOnTheBridge) {
  const auto& network = test::ambon().network;
  auto layer = geodata::load_hazards(illustrative_dir / "hazards-illustrative.geojson");
  const geodata::HazardIndex index = geodata::overlay_hazards(network, std::move(layer.zones));
  const uint32_t closure = index.find("closure-jembatan-merah-putih");
  ASSERT_NE(closure, geodata::invalid_id);
  int bridge_arcs = 0, closed_bridge_arcs = 0;
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    if (!(network.arc_flags[arc] & geodata::arc_bridge)) continue;
    ++bridge_arcs;
    for (const auto& h : index.hazards_of(arc)) {
      if (h.zone == closure) {
        ++closed_bridge_arcs;
        EXPECT_NEAR(h.overlap_m, network.arc_length_m[arc], 0.5);  // the deck lies inside
      }
    }
  }
  EXPECT_GT(bridge_arcs, 10);
  EXPECT_EQ(closed_bridge_arcs, bridge_arcs);
}

TEST(Hazards, BadFeaturesAreRepairedOrRejectedByName) {
  const fs::path file =
      fs::temp_directory_path() / ("siaga-bad-" + std::to_string(::getpid()) + ".geojson");
  std::ofstream(file) << R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"id": "bowtie", "hazard": "flood", "depth_cm": 20},
     "geometry": {"type": "Polygon", "coordinates": [[[128.18,-3.69],[128.19,-3.70],[128.19,-3.69],[128.18,-3.70],[128.18,-3.69]]]}},
    {"type": "Feature", "properties": {"id": "nogeom", "hazard": "landslide"}, "geometry": null},
    {"type": "Feature", "properties": {"id": "volcano", "hazard": "lava"},
     "geometry": {"type": "Point", "coordinates": [128.18, -3.69]}},
    {"type": "Feature", "properties": {"id": "dry", "name": "Banjir tanpa kedalaman", "hazard": "flood"},
     "geometry": {"type": "Point", "coordinates": [128.18, -3.69]}},
    {"type": "Feature", "properties": {"id": "blocked-road", "hazard": "closure"},
     "geometry": {"type": "LineString", "coordinates": [[128.18,-3.69],[128.181,-3.69]]}},
    {"type": "Feature", "properties": {"id": "odd", "hazard": "other", "severity": 3},
     "geometry": {"type": "Point", "coordinates": [128.18, -3.69]}}
  ]})";
  const geodata::HazardLayer layer = geodata::load_hazards(file);
  fs::remove(file);
  EXPECT_EQ(layer.report.features_read, 6u);
  EXPECT_EQ(layer.report.repaired, 1u);
  EXPECT_EQ(layer.report.rejected, 4u);
  ASSERT_EQ(layer.zones.size(), 2u);
  EXPECT_EQ(layer.zones[0].id, "bowtie");
  EXPECT_EQ(layer.zones[1].id, "blocked-road");  // a line becomes a 10 m buffer
  EXPECT_EQ(layer.zones[1].kind, geodata::HazardKind::closure);
  std::string all;
  for (const auto& m : layer.report.messages) all += m + "\n";
  for (const char* expected :
       {"'bowtie'", "repaired", "'nogeom'", "no geometry", "'volcano'", "unknown hazard 'lava'",
        "'Banjir tanpa kedalaman'", "depth_cm", "'odd'", "severity"}) {
    EXPECT_NE(all.find(expected), std::string::npos) << expected << " missing in:\n" << all;
  }
}

TEST(Hazards, UnreadableSourceIsAClearError) {
  EXPECT_THROW(geodata::load_hazards(fs::path("/nonexistent/zones.gpkg")), IoError);
  const fs::path file =
      fs::temp_directory_path() / ("siaga-junk-" + std::to_string(::getpid()) + ".geojson");
  std::ofstream(file) << "this is not geojson";
  EXPECT_THROW(geodata::load_hazards(file), geodata::MapDataError);
  fs::remove(file);
}

TEST(Profiles, BadProfileFilesAreRefusedWithAReason) {
  EXPECT_THROW(routing::parse_profiles("{"), routing::ProfileError);
  EXPECT_THROW(
      routing::parse_profiles(R"({"profiles": [{"name": "x", "speed_factor": {"highway": 1}}]})"),
      routing::ProfileError);
  EXPECT_THROW(routing::parse_profiles(
                   R"({"profiles": [{"name": "x", "hazards": {"flood": [{"up_to": 5}]}}]})"),
               routing::ProfileError);
  const auto profiles = routing::load_profiles(profiles_file);
  EXPECT_THROW(routing::profile_index(profiles, "helicopter"), routing::UnknownVehicle);
  const auto& ambulance = profiles[routing::profile_index(profiles, "ambulance")];
  EXPECT_FALSE(ambulance.effect(geodata::HazardKind::flood, 15).closed);
  EXPECT_DOUBLE_EQ(ambulance.effect(geodata::HazardKind::flood, 15).speed_factor, 0.4);
  EXPECT_TRUE(ambulance.effect(geodata::HazardKind::flood, 16).closed);
  const auto& fire = profiles[routing::profile_index(profiles, "fire_truck")];
  EXPECT_FALSE(fire.effect(geodata::HazardKind::flood, 50).closed);
  EXPECT_TRUE(fire.effect(geodata::HazardKind::landslide, 0.1).closed);
}

// A 30 cm flood laid over the middle of the ambulance's baseline route through the city.
class FloodOnRoute : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& network = test::ambon().network;
    snapper_ = std::make_unique<geodata::Snapper>(network);
    from_ = snapper_->snap({-3.6960, 128.1830});
    to_ = snapper_->snap({-3.6700, 128.2000});
    const auto profiles = routing::load_profiles(profiles_file);
    routing::LiveMetrics clear(network, ambon_cch(), profiles, {});
    ambulance_ = routing::profile_index(profiles, "ambulance");
    fire_ = routing::profile_index(profiles, "fire_truck");
    const routing::Route baseline = route(clear, ambulance_);
    ASSERT_TRUE(baseline.found);
    const geodata::LatLon middle =
        network.node_position[network.arc_head[baseline.arcs[baseline.arcs.size() / 2]]];
    const double d = 0.0004;  // ~45 m each way
    geodata::HazardZone flood;
    flood.id = "test-flood";
    flood.kind = geodata::HazardKind::flood;
    flood.depth_cm = 30;
    flood.polygons.push_back({{{middle.lat - d, middle.lon - d},
                               {middle.lat - d, middle.lon + d},
                               {middle.lat + d, middle.lon + d},
                               {middle.lat + d, middle.lon - d},
                               {middle.lat - d, middle.lon - d}},
                              {}});
    live_ = std::make_unique<routing::LiveMetrics>(network, ambon_cch(), profiles,
                                                   geodata::overlay_hazards(network, {flood}));
  }
  routing::Route route(const routing::LiveMetrics& live, uint32_t profile) const {
    routing::CchQuery query(ambon_cch());
    return routing::route_between(test::ambon().network, live.current()->metrics[profile], from_,
                                  to_, query);
  }
  bool touches_flood(const routing::Route& r) const {
    for (uint32_t arc : r.arcs) {
      if (!live_->hazards().hazards_of(arc).empty()) return true;
    }
    return false;
  }
  std::unique_ptr<geodata::Snapper> snapper_;
  geodata::Snap from_, to_;
  uint32_t ambulance_ = 0, fire_ = 0;
  std::unique_ptr<routing::LiveMetrics> live_;
};

TEST_F(FloodOnRoute, AmbulanceGoesAroundFireTruckDrivesThroughAndDeactivationRestores) {
  const routing::Route ambulance_before = route(*live_, ambulance_);
  const routing::Route fire_before = route(*live_, fire_);
  ASSERT_TRUE(touches_flood(ambulance_before));  // inactive zones change nothing

  const uint64_t version = live_->activate("test-flood");
  EXPECT_EQ(live_->current()->version, version);
  const routing::Route ambulance_flooded = route(*live_, ambulance_);
  ASSERT_TRUE(ambulance_flooded.found);
  EXPECT_FALSE(touches_flood(ambulance_flooded));
  EXPECT_GT(ambulance_flooded.duration_ms, ambulance_before.duration_ms);
  const routing::Route fire_flooded = route(*live_, fire_);
  ASSERT_TRUE(fire_flooded.found);
  EXPECT_TRUE(touches_flood(fire_flooded));
  EXPECT_GT(fire_flooded.duration_ms, fire_before.duration_ms);
  const auto zones = routing::zones_on_route(fire_flooded, live_->profiles()[fire_],
                                             live_->hazards(), live_->current()->active);
  ASSERT_EQ(zones.size(), 1u);
  EXPECT_DOUBLE_EQ(zones[0].speed_factor, 0.3);

  live_->deactivate("test-flood");
  const routing::Route ambulance_after = route(*live_, ambulance_);
  EXPECT_EQ(ambulance_after.arcs, ambulance_before.arcs);
  EXPECT_EQ(ambulance_after.duration_ms, ambulance_before.duration_ms);
  EXPECT_THROW(live_->activate("no-such-zone"), routing::UnknownZone);
}

// The island's live metrics over the illustrative hazard layer; `ids` gets the layer's zone ids.
std::unique_ptr<routing::LiveMetrics> illustrative_live(std::vector<std::string>& ids) {
  auto layer = geodata::load_hazards(illustrative_dir / "hazards-illustrative.geojson");
  for (const auto& zone : layer.zones) ids.push_back(zone.id);
  return std::make_unique<routing::LiveMetrics>(
      test::ambon().network, ambon_cch(), routing::load_profiles(profiles_file),
      geodata::overlay_hazards(test::ambon().network, std::move(layer.zones)));
}

// Zones toggled one at a time (each a partial customization of every profile) leave every
// profile's metric exactly what a full customization under the same active zones gives.
TEST(LiveMetrics, TogglesCustomizePartiallyToTheFullResult) {
  const auto& network = test::ambon().network;
  std::vector<std::string> ids;
  const std::unique_ptr<routing::LiveMetrics> live_metrics = illustrative_live(ids);
  routing::LiveMetrics& live = *live_metrics;
  std::mt19937_64 random(27);
  for (int toggle = 0; toggle < 12; ++toggle) {
    const std::string& id = ids[random() % ids.size()];
    const uint32_t zone = live.hazards().find(id);
    if (live.current()->active[zone]) {
      live.deactivate(id);
    } else {
      live.activate(id);
    }
    const auto set = live.current();
    for (size_t p = 0; p < live.profiles().size(); ++p) {
      const routing::CchMetric full = routing::customize(
          ambon_cch(),
          routing::profile_weights(network, live.profiles()[p], live.hazards(), set->active));
      ASSERT_TRUE(test::same_metric(set->metrics[p], full))
          << live.profiles()[p].name << " after toggling " << id;
    }
  }
}

// A zone switched on inside a deeper one already on changes the weights of few profiles (a road
// closed at 25 cm stays closed at 50): the others share the metric of the set before, which
// stays what a full customization gives.
TEST(LiveMetrics, AProfileAToggleLeavesAloneSharesItsMetric) {
  const auto& network = test::ambon().network;
  std::vector<std::string> ids;
  const std::unique_ptr<routing::LiveMetrics> live_metrics = illustrative_live(ids);
  routing::LiveMetrics& live = *live_metrics;
  live.activate("flood-wai-batu-merah-25cm");
  const auto before = live.current();
  live.activate("flood-wai-batu-merah-50cm");
  const auto after = live.current();
  size_t shared = 0, changed = 0;
  for (size_t p = 0; p < live.profiles().size(); ++p) {
    const bool same_weights = before->metrics[p].arc_weight == after->metrics[p].arc_weight;
    EXPECT_EQ(after->metrics.shared[p] == before->metrics.shared[p], same_weights)
        << live.profiles()[p].name;
    (same_weights ? shared : changed) += 1;
    const routing::CchMetric full = routing::customize(
        ambon_cch(),
        routing::profile_weights(network, live.profiles()[p], live.hazards(), after->active));
    ASSERT_TRUE(test::same_metric(after->metrics[p], full)) << live.profiles()[p].name;
  }
  EXPECT_GT(shared, 0u) << "no profile was left alone: the test needs other zones";
  EXPECT_GT(changed, 0u) << "every profile was left alone: the test needs other zones";
}

bool same_search_graph(const routing::CchSearchGraph& a, const routing::CchSearchGraph& b) {
  return a.first_out == b.first_out && a.head == b.head && a.weight == b.weight;
}

// A toggle is published at once without search graphs (a partial customization); once the zones
// stay quiet, the refiner swaps in the same version with the graphs a full customization builds.
// Toggles in quick succession are refined once, for the last. Setting the zones already set is
// no change at all.
TEST(LiveMetrics, PartialTogglesAreRefinedToTheFullSearchGraphsUnderTheSameVersion) {
  const auto& network = test::ambon().network;
  std::vector<std::string> ids;
  const std::unique_ptr<routing::LiveMetrics> live_metrics = illustrative_live(ids);
  routing::LiveMetrics& live = *live_metrics;
  for (size_t round = 0; round < 3; ++round) {
    for (size_t i = 0; i <= round; ++i) live.activate(ids[(round + i) % ids.size()]);
    const auto published = live.current();
    EXPECT_TRUE(published->metrics[0].up_search.first_out.empty())
        << "a toggle is customized partially, its search graphs left to the refiner";
    live.wait_refined();
    const auto refined = live.current();
    ASSERT_NE(refined, published);
    EXPECT_EQ(refined->version, published->version);
    EXPECT_EQ(refined->active, published->active);
    for (size_t p = 0; p < live.profiles().size(); ++p) {
      const routing::CchMetric full = routing::customize(
          ambon_cch(),
          routing::profile_weights(network, live.profiles()[p], live.hazards(), refined->active));
      ASSERT_TRUE(test::same_metric(refined->metrics[p], full)) << live.profiles()[p].name;
      EXPECT_TRUE(same_search_graph(refined->metrics[p].up_search, full.up_search));
      EXPECT_TRUE(same_search_graph(refined->metrics[p].down_search, full.down_search));
    }
  }
  // The same zones again (0 to 4 are active) change nothing: no new version, the refined set
  // stays.
  const auto settled = live.current();
  EXPECT_EQ(live.activate(ids[0]), settled->version);
  EXPECT_EQ(live.set_active(std::vector<std::string>(ids.begin(), ids.begin() + 5)),
            settled->version);
  EXPECT_EQ(live.current(), settled);
}

// Per profile: a random half of the illustrative zones active, 10,000 random pairs, CCH costs
// equal to Dijkstra's on the same profile weights.
class ProfileOracle : public ::testing::TestWithParam<std::string> {};

TEST_P(ProfileOracle, CchEqualsDijkstraUnderARandomHazardScenario) {
  const auto& network = test::ambon().network;
  auto layer = geodata::load_hazards(illustrative_dir / "hazards-illustrative.geojson");
  std::vector<std::string> ids;
  std::mt19937_64 random(std::hash<std::string>{}(GetParam()));
  for (const auto& zone : layer.zones) {
    if (random() % 2) ids.push_back(zone.id);
  }
  routing::LiveMetrics live(network, ambon_cch(), routing::load_profiles(profiles_file),
                            geodata::overlay_hazards(network, std::move(layer.zones)));
  live.set_active(ids);
  const uint32_t profile = routing::profile_index(live.profiles(), GetParam());
  const auto set = live.current();
  const std::vector<uint32_t> weights =
      routing::profile_weights(network, live.profiles()[profile], live.hazards(), set->active);
  EXPECT_EQ(set->metrics[profile].arc_weight, weights);
  routing::CchQuery query(ambon_cch());
  routing::Dijkstra dijkstra(network);
  int unreachable = 0;
  for (int i = 0; i < test::scaled(10000); ++i) {
    const routing::Seed source[] = {{static_cast<uint32_t>(random() % network.node_count()), 0}};
    const routing::Seed target[] = {{static_cast<uint32_t>(random() % network.node_count()), 0}};
    const auto expected = dijkstra.shortest_path(source, target, weights);
    ASSERT_EQ(query.shortest_path(set->metrics[profile], source, target).cost_ms, expected.cost_ms);
    unreachable += expected.cost_ms == routing::unreachable;
  }
  RecordProperty("unreachable_pairs", unreachable);
}

INSTANTIATE_TEST_SUITE_P(Vehicles, ProfileOracle,
                         ::testing::Values("car", "ambulance", "fire_truck", "rescue", "police"));

}  // namespace
}  // namespace siaga::hazards_test
