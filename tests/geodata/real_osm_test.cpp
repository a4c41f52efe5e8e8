// Import and routing on real OpenStreetMap data from elsewhere (../shared/data/osm), skipped with
// a message when that folder is not beside the repository.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "siaga/geodata/snapper.h"
#include "siaga/routing/route.h"
#include "test_support.h"

namespace siaga::real_osm_test {
namespace {

class RealOsm : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto file = test::shared_data("osm/liechtenstein-2013-08-03.osm.pbf");
    if (!file) GTEST_SKIP() << "../shared/data/osm is not present: real-OSM tests skipped";
    if (!result_) result_ = std::make_unique<geodata::ImportResult>(geodata::import_osm(*file));
  }
  static std::unique_ptr<geodata::ImportResult> result_;
};
std::unique_ptr<geodata::ImportResult> RealOsm::result_;

TEST_F(RealOsm, ImportCountsArePlausible) {
  const auto& network = result_->network;
  const auto& report = result_->report;
  EXPECT_EQ(network.dataset, "liechtenstein-2013-08-03");
  EXPECT_FALSE(network.schematic);
  EXPECT_EQ(network.utm_epsg, 32632);  // UTM 32N for Liechtenstein
  EXPECT_GT(network.node_count(), 10000u);
  EXPECT_LT(network.node_count(), report.osm_nodes);
  EXPECT_GT(network.arc_count(), network.node_count());
  EXPECT_GT(report.components, 1u);  // real data has islands of private roads and errors
  EXPECT_LT(report.nodes_dropped, report.nodes_before / 5);
  EXPECT_GT(report.km_by_class.at("residential"), 50);
  EXPECT_GT(report.ways_excluded.at("highway=footway"), 0u);
}

TEST_F(RealOsm, ThousandRandomRoutesAreFoundAndNeverShorterThanTheStraightLine) {
  const auto& network = result_->network;
  const geodata::Snapper snapper(network);
  routing::Dijkstra engine(network);
  std::mt19937_64 random(20251123);
  int found = 0;
  for (int i = 0; i < 1000; ++i) {
    const uint32_t a = static_cast<uint32_t>(random() % network.node_count());
    const uint32_t b = static_cast<uint32_t>(random() % network.node_count());
    const geodata::Snap from = snapper.snap(network.node_position[a]);
    const geodata::Snap to = snapper.snap(network.node_position[b]);
    const routing::Route route =
        routing::route_between(network, network.arc_time_ms, from, to, engine);
    ASSERT_TRUE(route.found) << "pair " << a << " → " << b << ": " << route.reason;
    ++found;
    const double straight = std::hypot(to.xy.x - from.xy.x, to.xy.y - from.xy.y);
    EXPECT_GE(route.distance_m, straight * (1 - 1e-6) - 0.01) << "pair " << a << " → " << b;
  }
  EXPECT_EQ(found, 1000);
}

}  // namespace
}  // namespace siaga::real_osm_test
