#include "siaga/geodata/osm_import.h"

#include <gtest/gtest.h>

#include <cmath>

#include "test_support.h"

namespace siaga::geodata::osm_import_test {
namespace {

class FixtureImport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    result_ = new ImportResult(import_osm(test::test_data("fixture.osm")));
  }
  static void TearDownTestSuite() { delete result_; }

  const RoadNetwork& network() const { return result_->network; }
  const ImportReport& report() const { return result_->report; }

  uint32_t node(int64_t osm_id) const {
    const auto& ids = network().node_osm_id;
    const auto it = std::find(ids.begin(), ids.end(), osm_id);
    return it == ids.end() ? invalid_id : static_cast<uint32_t>(it - ids.begin());
  }
  uint32_t arc(int64_t from, int64_t to) const { return find_arc(network(), node(from), node(to)); }
  double length(int64_t from, int64_t to) const {
    const Xy a = network().node_xy[node(from)];
    const Xy b = network().node_xy[node(to)];
    return std::hypot(b.x - a.x, b.y - a.y);
  }

  static ImportResult* result_;
};
ImportResult* FixtureImport::result_ = nullptr;

TEST_F(FixtureImport, CountsNodesArcsAndDroppedComponent) {
  EXPECT_EQ(report().nodes_before, 14u);
  EXPECT_EQ(report().arcs_before, 24u);
  EXPECT_EQ(report().components, 2u);
  EXPECT_EQ(report().nodes_dropped, 2u);
  EXPECT_EQ(report().arcs_dropped, 2u);
  EXPECT_EQ(network().node_count(), 12u);
  EXPECT_EQ(network().arc_count(), 22u);
  EXPECT_EQ(node(30), invalid_id);
  EXPECT_EQ(node(31), invalid_id);
  EXPECT_EQ(network().utm_epsg, 32752);
}

TEST_F(FixtureImport, ExcludesAccessNoTracksAndBrokenWays) {
  EXPECT_EQ(report().ways_excluded.at("access=no"), 1u);
  EXPECT_EQ(report().ways_excluded.at("highway=track"), 1u);
  EXPECT_EQ(report().ways_excluded.at("missing node locations (broken OSM)"), 1u);
  EXPECT_EQ(report().ways_excluded.size(), 3u);
  EXPECT_EQ(node(20), invalid_id);
  EXPECT_EQ(node(21), invalid_id);
}

TEST_F(FixtureImport, OnewayForwardAndReverse) {
  EXPECT_NE(arc(4, 5), invalid_id);
  EXPECT_EQ(arc(5, 4), invalid_id);
  EXPECT_NE(arc(5, 6), invalid_id);  // way 6→5 tagged oneway=-1
  EXPECT_EQ(arc(6, 5), invalid_id);
  EXPECT_NE(arc(1, 2), invalid_id);
  EXPECT_NE(arc(2, 1), invalid_id);
}

TEST_F(FixtureImport, RoundaboutIsImpliedOneway) {
  EXPECT_NE(arc(7, 8), invalid_id);
  EXPECT_NE(arc(8, 9), invalid_id);
  EXPECT_NE(arc(9, 7), invalid_id);
  EXPECT_EQ(arc(8, 7), invalid_id);
  EXPECT_EQ(arc(9, 8), invalid_id);
  EXPECT_TRUE(network().arc_flags[arc(7, 8)] & arc_roundabout);
}

TEST_F(FixtureImport, MotorwayIsImpliedOneway) {
  ASSERT_NE(arc(23, 24), invalid_id);
  EXPECT_EQ(network().arc_class[arc(23, 24)], RoadClass::motorway);
  EXPECT_EQ(network().arc_class[arc(24, 23)], RoadClass::residential);  // the way back
}

TEST_F(FixtureImport, MaxspeedSetsTravelTime) {
  const auto expected_ms = [](double metres, double kmh) {
    return static_cast<uint32_t>(std::lround(metres / (kmh / 3.6) * 1000));
  };
  EXPECT_EQ(network().arc_time_ms[arc(1, 2)], expected_ms(length(1, 2), 20));
  EXPECT_EQ(network().arc_time_ms[arc(1, 7)], expected_ms(length(1, 7), 10 * 1.609344));
  EXPECT_EQ(network().arc_time_ms[arc(3, 6)], expected_ms(length(3, 6), 25));  // default
  EXPECT_NEAR(network().arc_length_m[arc(1, 2)], length(1, 2), 1e-3);
  EXPECT_NEAR(length(1, 2), 111.2, 1.0);  // 0.001° of longitude at 3.7° S
}

TEST_F(FixtureImport, FerryUsesItsDuration) {
  ASSERT_NE(arc(4, 22), invalid_id);
  ASSERT_NE(arc(22, 4), invalid_id);
  EXPECT_EQ(network().arc_time_ms[arc(4, 22)], 15u * 60 * 1000);
  EXPECT_EQ(network().arc_class[arc(4, 22)], RoadClass::ferry);
  EXPECT_TRUE(network().arc_flags[arc(4, 22)] & arc_ferry);
}

TEST_F(FixtureImport, FindsFacilitiesOnNodesAndWays) {
  ASSERT_EQ(network().facilities.size(), 2u);
  const Facility& hospital = network().facilities[0];
  EXPECT_EQ(hospital.kind, FacilityKind::hospital);
  EXPECT_EQ(hospital.name, "RS Test");
  EXPECT_EQ(hospital.osm_type, 'n');
  const Facility& fire = network().facilities[1];
  EXPECT_EQ(fire.kind, FacilityKind::fire_station);
  EXPECT_EQ(fire.osm_type, 'w');
  EXPECT_NEAR(fire.position.lat, (-3.7060 * 3 - 3.7062) / 4, 1e-7);  // mean of the ring's nodes
}

TEST_F(FixtureImport, NamesWaysAndIsNotSchematic) {
  EXPECT_EQ(network().way_name[network().arc_way[arc(1, 2)]], "Jalan Dua Arah");
  EXPECT_FALSE(network().schematic);
  EXPECT_EQ(network().dataset, "fixture");
}

TEST(OsmTags, ParsesMaxspeed) {
  EXPECT_EQ(parse_maxspeed_kmh("50"), 50);
  EXPECT_EQ(parse_maxspeed_kmh(" 40 "), 40);
  EXPECT_EQ(parse_maxspeed_kmh("60 km/h"), 60);
  EXPECT_NEAR(*parse_maxspeed_kmh("30 mph"), 48.28, 0.01);
  EXPECT_EQ(parse_maxspeed_kmh("ID:urban"), 50);
  EXPECT_EQ(parse_maxspeed_kmh("ID:rural"), 80);
  EXPECT_EQ(parse_maxspeed_kmh("DE:motorway"), 100);
  EXPECT_EQ(parse_maxspeed_kmh("walk"), 5);
  EXPECT_FALSE(parse_maxspeed_kmh("none"));
  EXPECT_FALSE(parse_maxspeed_kmh("fast"));
  EXPECT_FALSE(parse_maxspeed_kmh("-5"));
  EXPECT_FALSE(parse_maxspeed_kmh(""));
  EXPECT_FALSE(parse_maxspeed_kmh("50 furlongs"));
}

TEST(OsmTags, ParsesDuration) {
  EXPECT_EQ(parse_duration_s("00:15"), 900);
  EXPECT_EQ(parse_duration_s("1:30"), 5400);
  EXPECT_EQ(parse_duration_s("0:10:30"), 630);
  EXPECT_EQ(parse_duration_s("20"), 1200);
  EXPECT_EQ(parse_duration_s("PT1H30M"), 5400);
  EXPECT_EQ(parse_duration_s("PT45S"), 45);
  EXPECT_FALSE(parse_duration_s("soon"));
  EXPECT_FALSE(parse_duration_s("PT"));
  EXPECT_FALSE(parse_duration_s("1:2:3:4"));
}

}  // namespace
}  // namespace siaga::geodata::osm_import_test
