// The snapper against a second implementation: the nearest segment by looking at every one.
#include "siaga/geodata/snapper.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "siaga/dispatch/coverage.h"
#include "siaga/dispatch/scenario.h"
#include "test_support.h"

namespace siaga::geodata::snapper_test {
namespace {

double distance_to_segment(Xy p, Xy a, Xy b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double length_squared = dx * dx + dy * dy;
  const double t =
      length_squared > 0
          ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / length_squared, 0.0, 1.0)
          : 0.0;
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

TEST(Snapper, NearestSegmentEqualsLookingAtEveryOne) {
  const RoadNetwork& network = test::ambon().network;
  const Snapper snapper(network);
  const std::vector<RoadSegment> all = road_segments(network);
  ASSERT_EQ(snapper.segments()->size(), all.size());
  std::mt19937 random(7);
  std::uniform_int_distribution<size_t> node(0, network.node_count() - 1);
  std::uniform_real_distribution<double> offset(-0.004, 0.004);  // up to ~450 m off a node
  int snapped = 0;
  for (int i = 0; i < 2000; ++i) {
    const LatLon near_node = network.node_position[node(random)];
    const LatLon point{near_node.lat + offset(random), near_node.lon + offset(random)};
    const Xy xy = snapper.projection().forward(point);
    double best = INFINITY;
    for (const RoadSegment& s : all)
      best =
          std::min(best, distance_to_segment(xy, network.node_xy[s.tail], network.node_xy[s.head]));
    if (best > 1000) continue;  // the snapper refuses those
    const Snap snap = snapper.snap(point);
    ++snapped;
    // Equal distance (two segments may tie, e.g. at a shared node): the same nearest road.
    EXPECT_NEAR(snap.distance_m, best, 1e-9) << point.lat << "," << point.lon;
    EXPECT_NEAR(distance_to_segment(xy, network.node_xy[snap.tail], network.node_xy[snap.head]),
                best, 1e-9);
  }
  EXPECT_GT(snapped, 1900);
}

TEST(Snapper, TheServersCoverageReadsTheSnappersStreets) {
  const RoadNetwork& network = test::ambon().network;
  const Snapper snapper(network);
  const auto scenario =
      dispatch::load_scenario(test::source_dir / "geodata/ambon/scenarios/baseline.json", network);
  const dispatch::Coverage shared =
      dispatch::coverage_ground(network, scenario, routing::Segments(snapper.segments()));
  const dispatch::Coverage own = dispatch::coverage_ground(network, scenario);
  EXPECT_EQ(shared.segments.span().data(), snapper.segments()->data());  // no second copy
  ASSERT_EQ(shared.segments.size(), own.segments.size());
  for (size_t s = 0; s < own.segments.size(); ++s) {
    EXPECT_EQ(shared.segments[s].tail, own.segments[s].tail);
    EXPECT_EQ(shared.segments[s].forward_arc, own.segments[s].forward_arc);
  }
  EXPECT_EQ(shared.demand_km, own.demand_km);
}

}  // namespace
}  // namespace siaga::geodata::snapper_test
