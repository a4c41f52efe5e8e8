// The land from natural=coastline ways: an island's pieces joined into one ring in OSM's order,
// a shore cut by the extract's edge and a way with a node outside it left out; files without a
// coastline (the schematic island's roads, real Kota Ambon's) give none.
#include "siaga/geodata/coastline.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace siaga::geodata::coastline_test {
namespace {

TEST(Coastline, AnIslandsPiecesCloseIntoOneRingInOsmsOrder) {
  const Coastline coastline = load_coastline(test::test_data("coastline-islands.osm"));
  EXPECT_EQ(coastline.ways, 4u);  // the way with a node outside the extract is not one of them
  EXPECT_EQ(coastline.open_pieces, 1u);
  ASSERT_EQ(coastline.rings.size(), 1u);
  // Nodes 1, 2, 3 (way 100), 4, 5 (way 102), 6, 1 (way 101): closed, the land on the left.
  const std::vector<LatLon> expected = {{-3.700, 128.100}, {-3.700, 128.110}, {-3.695, 128.115},
                                        {-3.690, 128.110}, {-3.690, 128.100}, {-3.695, 128.095},
                                        {-3.700, 128.100}};
  const auto& ring = coastline.rings[0];
  ASSERT_EQ(ring.size(), expected.size());
  for (size_t i = 0; i < ring.size(); ++i) {
    EXPECT_NEAR(ring[i].lat, expected[i].lat, 1e-7) << i;
    EXPECT_NEAR(ring[i].lon, expected[i].lon, 1e-7) << i;
  }
  double twice_area = 0;  // shoelace: positive for counter-clockwise
  for (size_t i = 0; i + 1 < ring.size(); ++i)
    twice_area += ring[i].lon * ring[i + 1].lat - ring[i + 1].lon * ring[i].lat;
  EXPECT_GT(twice_area, 0);
}

TEST(Coastline, FilesWithoutOneGiveNoLand) {
  EXPECT_TRUE(load_coastline(test::ambon_schematic_pbf()).rings.empty());
  EXPECT_THROW(load_coastline(test::test_data("no-such-file.osm")), MapDataError);
  const auto kota_ambon = test::shared_data("ambon/kota-ambon-osm/kota-ambon-2025-09-17.osm.pbf");
  if (!kota_ambon) GTEST_SKIP() << "../shared/data is not present";
  EXPECT_EQ(load_coastline(*kota_ambon).ways, 0u);  // roads only, as its SOURCES.md says
}

}  // namespace
}  // namespace siaga::geodata::coastline_test
