// GIS road layers: real Kota Ambon's overpass GeoJSON export imports to the graph its PBF twin
// gives (same nodes, arcs and route costs); an inventory schema through a mapping file; another
// CRS reprojected; points, polygons, unmapped and zero-length lines skipped and counted.
#include "siaga/geodata/road_layer_import.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <unordered_map>

#include "siaga/routing/dijkstra.h"
#include "test_support.h"

namespace siaga::geodata::road_layer_import_test {
namespace {

const std::filesystem::path roads_dir = test::source_dir / "tests/data/roads";

int64_t place_key(LatLon point) {
  return std::llround(point.lat * 1e7) * 4'000'000'000LL + std::llround(point.lon * 1e7);
}

TEST(RoadLayer, KotaAmbonGeoJsonImportsToItsPbfTwin) {
  const auto geojson =
      test::shared_data("ambon/kota-ambon-osm/kota-ambon-roads-2025-09-17.geojson");
  const auto pbf = test::shared_data("ambon/kota-ambon-osm/kota-ambon-2025-09-17.osm.pbf");
  if (!geojson || !pbf) GTEST_SKIP() << "no ../shared/data/ambon/kota-ambon-osm";
  const ImportResult from_layer = import_road_layer(*geojson);
  const ImportResult from_osm = import_osm(*pbf);
  const RoadNetwork& a = from_layer.network;
  const RoadNetwork& b = from_osm.network;
  ASSERT_EQ(a.node_count(), b.node_count());
  ASSERT_EQ(a.arc_count(), b.arc_count());
  EXPECT_EQ(from_layer.report.km_by_class, from_osm.report.km_by_class);
  // Nodes matched by place; route costs between 1,000 random pairs equal.
  std::unordered_map<int64_t, uint32_t> node_of_place;
  for (uint32_t v = 0; v < a.node_count(); ++v) node_of_place[place_key(a.node_position[v])] = v;
  routing::Dijkstra on_layer(a), on_osm(b);
  std::mt19937_64 random(51);
  for (int i = 0; i < test::scaled(1000); ++i) {
    const uint32_t s = random() % b.node_count(), t = random() % b.node_count();
    const auto s_layer = node_of_place.find(place_key(b.node_position[s]));
    const auto t_layer = node_of_place.find(place_key(b.node_position[t]));
    ASSERT_NE(s_layer, node_of_place.end());
    ASSERT_NE(t_layer, node_of_place.end());
    const routing::Seed from_b[] = {{s, 0}}, to_b[] = {{t, 0}};
    const routing::Seed from_a[] = {{s_layer->second, 0}}, to_a[] = {{t_layer->second, 0}};
    ASSERT_EQ(on_layer.shortest_path(from_a, to_a, a.arc_time_ms).cost_ms,
              on_osm.shortest_path(from_b, to_b, b.arc_time_ms).cost_ms);
  }
}

// Every kind of bad feature (a longitude gone wrong too) is skipped with its reason, the roads join
// where they share a point (a MultiLineString's parts too, a repeated point once, a line closing on
// itself as a loop), and nothing else enters the graph.
TEST(RoadLayer, BadFeaturesAreSkippedAndCountedByReason) {
  const ImportResult result = import_road_layer(roads_dir / "mixed.geojson");
  const auto& excluded = result.report.ways_excluded;
  EXPECT_EQ(result.report.osm_ways, 5u) << "A, B, C's two parts and the loop";
  EXPECT_EQ(excluded.at("not a line (Point)"), 1u);
  EXPECT_EQ(excluded.at("not a line (Polygon)"), 1u);
  EXPECT_EQ(excluded.at("no road class (no `highway` value)"), 1u);
  EXPECT_EQ(excluded.at("fewer than two distinct points"), 1u);
  EXPECT_EQ(excluded.at("no geometry"), 1u);
  EXPECT_EQ(excluded.at("a piece longer than 50 km (coordinates wrong?)"), 1u);
  // Points: A 3, B 2 more (its repeated point once), C's two parts 2 more, the loop 2 more.
  EXPECT_EQ(result.network.node_count(), 9u);
  std::set<std::string> names(result.network.way_name.begin(), result.network.way_name.end());
  EXPECT_EQ(names, (std::set<std::string>{"Jl. A", "Jl. B", "Jl. C", "Jl. Putar"}));
  EXPECT_TRUE(std::find(result.network.way_osm_id.begin(), result.network.way_osm_id.end(), 103) !=
              result.network.way_osm_id.end());
}

// The same two streets in UTM zone 52 S import to the WGS 84 file's graph, point for point; a
// layer with no CRS at all is refused, naming the file.
TEST(RoadLayer, AnotherCrsIsReprojectedAndNoneIsRefused) {
  const ImportResult utm = import_road_layer(roads_dir / "utm.geojson");
  const RoadNetwork& network = utm.network;
  ASSERT_EQ(network.node_count(), 5u);
  std::vector<LatLon> expected = {{-3.700, 128.100},
                                  {-3.700, 128.101},
                                  {-3.700, 128.102},
                                  {-3.701, 128.101},
                                  {-3.702, 128.101}};
  for (const LatLon& place : expected) {
    EXPECT_TRUE(std::any_of(network.node_position.begin(), network.node_position.end(),
                            [&](LatLon p) {
                              return std::abs(p.lat - place.lat) < 1e-7 &&
                                     std::abs(p.lon - place.lon) < 1e-7;
                            }))
        << place.lat << "," << place.lon;
  }
  try {
    import_road_layer(roads_dir / "no-crs.csv");
    FAIL() << "a layer with no CRS was accepted";
  } catch (const MapDataError& error) {
    EXPECT_NE(std::string(error.what()).find("no-crs.csv"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("coordinate reference system"), std::string::npos);
  }
  EXPECT_THROW(import_road_layer(roads_dir / "missing.geojson"), IoError);
}

// An inventory's own schema through a mapping: FUNGSI gives the class, NAMA the name, ARAH one
// way; a function the mapping does not list, or none, is no road.
TEST(RoadLayer, AnInventorySchemaMapsOntoRoadClassesNamesAndOneWays) {
  RoadLayerOptions options;
  options.mapping = load_road_mapping(roads_dir / "inventory-mapping.json");
  options.import.keep_largest_component_only = false;
  const ImportResult result = import_road_layer(roads_dir / "inventory.geojson", options);
  EXPECT_EQ(result.report.ways_excluded.at("no road class (no `highway` value)"), 2u);
  const RoadNetwork& network = result.network;
  std::map<std::string, RoadClass> class_of;
  uint32_t pala_arcs = 0;
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    const std::string& name = network.way_name[network.arc_way[arc]];
    class_of[name] = network.arc_class[arc];
    pala_arcs += name == "Jl. Pala";
  }
  EXPECT_EQ(class_of.at("Jl. Jend. Sudirman"), RoadClass::primary);
  EXPECT_EQ(class_of.at("Jl. Rumah Tiga"), RoadClass::secondary);
  EXPECT_EQ(class_of.at("Jl. Pala"), RoadClass::residential);
  EXPECT_EQ(pala_arcs, 3u) << "one way: three pieces, one arc each";
  EXPECT_THROW(parse_road_mapping(R"({"tags": {"name": {"field": "NAMA"}}})"), MapDataError);
  EXPECT_THROW(parse_road_mapping("not json"), MapDataError);
}

// Two streets whose ends miss each other by about half a metre: apart without a tolerance,
// one junction with a 1 m one.
TEST(RoadLayer, AToleranceInMetresJoinsEndsThatAlmostMeet) {
  const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                     ("siaga-near-miss-" + std::to_string(::getpid()) + ".geojson");
  std::ofstream(file) << R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"highway": "residential"},
     "geometry": {"type": "LineString", "coordinates": [[128.100, -3.700], [128.101, -3.700]]}},
    {"type": "Feature", "properties": {"highway": "residential"},
     "geometry": {"type": "LineString", "coordinates": [[128.101004, -3.700], [128.102, -3.700]]}}]})";
  RoadLayerOptions options;
  options.import.keep_largest_component_only = false;
  EXPECT_EQ(import_road_layer(file, options).network.node_count(), 4u);
  options.join_tolerance_m = 1;
  EXPECT_EQ(import_road_layer(file, options).network.node_count(), 3u);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace siaga::geodata::road_layer_import_test
