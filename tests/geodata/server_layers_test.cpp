// The GIS layers `siaga serve` hands to siaga-server as JSON: what GDAL read arrives bit for bit,
// report included; a document that is not one is refused with MapDataError.
#include "siaga/geodata/server_layers.h"

#include <gtest/gtest.h>

#include <cstring>

#include "test_support.h"

namespace siaga::server_layers_test {
namespace {

namespace fs = std::filesystem;

const fs::path illustrative = test::source_dir / "geodata/ambon/hazards-illustrative.geojson";

// Exact: the same bits, not merely close (a JSON writer that rounded would fail here).
bool same_bits(const geodata::Ring& a, const geodata::Ring& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(geodata::LatLon)) == 0);
}

void expect_same_polygons(const std::vector<geodata::PolygonRings>& a,
                          const std::vector<geodata::PolygonRings>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t p = 0; p < a.size(); ++p) {
    EXPECT_TRUE(same_bits(a[p].outer, b[p].outer)) << what << " polygon " << p;
    ASSERT_EQ(a[p].holes.size(), b[p].holes.size()) << what;
    for (size_t h = 0; h < a[p].holes.size(); ++h)
      EXPECT_TRUE(same_bits(a[p].holes[h], b[p].holes[h])) << what << " hole " << h;
  }
}

void expect_same_areas(const std::vector<geodata::AdminArea>& a,
                       const std::vector<geodata::AdminArea>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].name, b[i].name);
    expect_same_polygons(a[i].polygons, b[i].polygons, a[i].name);
  }
}

geodata::ServerLayers sample_layers() {
  const fs::path files[] = {illustrative};
  geodata::ServerLayers layers = geodata::read_server_layers(files, test::ambon_schematic_pbf());
  // Liechtenstein's Gemeinden (admin_level 8, real multipolygons) stand in for kecamatan; a
  // square with a hole for a desa, and a report message with quotes and non-ASCII text.
  if (const auto real = test::shared_data("osm/liechtenstein-2013-08-03.osm.pbf"))
    layers.kecamatan = geodata::load_admin_areas(*real, "8");
  layers.desa.push_back(
      {"Desa Hative Besar",
       {{{{-3.70, 128.10}, {-3.70, 128.11}, {-3.71, 128.11}, {-3.70, 128.10}},
         {{{-3.702, 128.102}, {-3.703, 128.103}, {-3.702, 128.103}, {-3.702, 128.102}}}}}});
  const std::string message = "zone 'x' of \"Banjir\" — ditolak";
  layers.hazards.report.messages.push_back(message);
  layers.hazards.report.rejected = 1;
  return layers;
}

TEST(ServerLayers, HandedOverBitForBit) {
  const geodata::ServerLayers sent = sample_layers();
  ASSERT_GE(sent.hazards.zones.size(), 3u);
  const geodata::ServerLayers got = geodata::parse_server_layers(geodata::server_layers_json(sent));
  ASSERT_EQ(got.hazards.zones.size(), sent.hazards.zones.size());
  for (size_t i = 0; i < sent.hazards.zones.size(); ++i) {
    const geodata::HazardZone& a = sent.hazards.zones[i];
    const geodata::HazardZone& b = got.hazards.zones[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(std::memcmp(&a.depth_cm, &b.depth_cm, sizeof(double)), 0) << a.id;
    EXPECT_EQ(std::memcmp(&a.severity, &b.severity, sizeof(double)), 0) << a.id;
    EXPECT_EQ(a.source, b.source);
    expect_same_polygons(a.polygons, b.polygons, a.id);
  }
  const geodata::HazardLoadReport& r = sent.hazards.report;
  EXPECT_EQ(got.hazards.report.features_read, r.features_read);
  EXPECT_EQ(got.hazards.report.zones_loaded, r.zones_loaded);
  EXPECT_EQ(got.hazards.report.repaired, r.repaired);
  EXPECT_EQ(got.hazards.report.rejected, r.rejected);
  EXPECT_EQ(got.hazards.report.messages, r.messages);
  expect_same_areas(sent.kecamatan, got.kecamatan);
  expect_same_areas(sent.desa, got.desa);
}

TEST(ServerLayers, TheSchematicIslandHasNoBoundaries) {
  const fs::path files[] = {illustrative};
  const auto layers = geodata::read_server_layers(files, test::ambon_schematic_pbf());
  EXPECT_TRUE(layers.kecamatan.empty());
  EXPECT_TRUE(layers.desa.empty());
  EXPECT_EQ(layers.hazards.zones.size(), geodata::load_hazards(illustrative).zones.size());
  // No OSM file (a graph given alone): no boundaries, and no error.
  EXPECT_TRUE(geodata::read_server_layers(files, {}).kecamatan.empty());
}

TEST(ServerLayers, WhatIsNotAHandOverIsRefused) {
  const std::string good = geodata::server_layers_json(sample_layers());
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  const std::string bad[] = {
      "",
      "not json",
      "[]",
      "{}",
      good.substr(0, good.size() / 2),
      replaced("\"siaga_server_layers\":1", "\"siaga_server_layers\":2"),
      replaced("\"MultiPolygon\"", "\"Polygon\""),
      replaced("\"hazard\":\"flood\"", "\"hazard\":\"lava\""),
      replaced("\"depth_cm\":", "\"depth\":"),
      replaced("\"desa\":{", "\"desa_\":{"),
      replaced("[[[[", "[[[[\"x\","),
  };
  for (const std::string& text : bad)
    EXPECT_THROW(geodata::parse_server_layers(text), geodata::MapDataError) << text.substr(0, 80);
}

}  // namespace
}  // namespace siaga::server_layers_test
