// UtmProjection computes WGS 84 / UTM with Boost.Geometry's projections; siaga links no PROJ.
// The oracle is PROJ's own EPSG:4326 → EPSG:326zz/327zz transformation, resolved from its
// database here in the test. Same algorithm, other code: they agree to the last few bits
// (nanometres), where a wrong zone, hemisphere or ellipsoid (GRS80's flattening) is off by far
// more.
#include "siaga/geodata/projection.h"

#include <gtest/gtest.h>
#include <proj.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace siaga::geodata::projection_test {
namespace {

struct DatabaseTransform {
  PJ_CONTEXT* context = proj_context_create();
  PJ* transform = nullptr;
  explicit DatabaseTransform(int epsg) {
    const std::string target = "EPSG:" + std::to_string(epsg);
    PJ* raw = proj_create_crs_to_crs(context, "EPSG:4326", target.c_str(), nullptr);
    if (raw != nullptr) transform = proj_normalize_for_visualization(context, raw);
    proj_destroy(raw);
  }
  ~DatabaseTransform() {
    proj_destroy(transform);
    proj_context_destroy(context);
  }
  Xy forward(LatLon p) const {
    const PJ_COORD out = proj_trans(transform, PJ_FWD, proj_coord(p.lon, p.lat, 0, 0));
    return {out.xy.x, out.xy.y};
  }
  LatLon inverse(Xy xy) const {
    const PJ_COORD out = proj_trans(transform, PJ_INV, proj_coord(xy.x, xy.y, 0, 0));
    return {out.lp.phi, out.lp.lam};
  }
};

void expect_close_to_database(int epsg, LatLon centre, int points) {
  const UtmProjection projection(epsg);
  const DatabaseTransform oracle(epsg);
  ASSERT_NE(oracle.transform, nullptr) << epsg;
  std::mt19937 random(epsg);
  std::uniform_real_distribution<double> lat(centre.lat - 2, centre.lat + 2);
  std::uniform_real_distribution<double> lon(centre.lon - 3, centre.lon + 3);
  double worst_m = 0, worst_degrees = 0;
  for (int i = 0; i < points; ++i) {
    const LatLon p{lat(random), lon(random)};
    const Xy ours = projection.forward(p);
    const Xy theirs = oracle.forward(p);
    worst_m = std::max({worst_m, std::abs(ours.x - theirs.x), std::abs(ours.y - theirs.y)});
    const LatLon back = projection.inverse(theirs);
    const LatLon theirs_back = oracle.inverse(theirs);
    worst_degrees = std::max({worst_degrees, std::abs(back.lat - theirs_back.lat),
                              std::abs(back.lon - theirs_back.lon)});
  }
  EXPECT_LT(worst_m, 1e-8) << "EPSG:" << epsg;         // 10 nm
  EXPECT_LT(worst_degrees, 1e-12) << "EPSG:" << epsg;  // 0.1 µm
}

TEST(Projection, UtmZonesAgreeWithPROJsDatabaseToNanometres) {
  expect_close_to_database(ambon_utm_epsg, {-3.65, 128.2}, 20'000);  // Ambon, zone 52 south
  expect_close_to_database(32751, {-8.6, 125.6}, 5'000);             // zone 51 south
  expect_close_to_database(32647, {3.6, 98.7}, 5'000);               // Medan, zone 47 north
  expect_close_to_database(32601, {60.0, -177.0}, 2'000);            // the first zone
  expect_close_to_database(32760, {-45.0, 177.0}, 2'000);            // the last one
  EXPECT_EQ(utm_epsg_for({-3.65, 128.2}), ambon_utm_epsg);
}

TEST(Projection, ARoundTripComesBackAndOtherCodesAreRefused) {
  const UtmProjection ambon;
  const LatLon monument{-3.6954, 128.1814};
  const LatLon back = ambon.inverse(ambon.forward(monument));
  EXPECT_NEAR(back.lat, monument.lat, 1e-12);
  EXPECT_NEAR(back.lon, monument.lon, 1e-12);
  std::vector<LatLon> many(1000, monument);
  std::vector<Xy> projected(many.size());
  ambon.forward(many, projected);
  EXPECT_EQ(projected.back().x, ambon.forward(monument).x);
  EXPECT_THROW(ambon.forward(many, std::span<Xy>(projected).first(3)), ContractViolation);
  EXPECT_THROW(UtmProjection(3857), siaga::DataError);  // web Mercator: not a UTM zone
  EXPECT_THROW(UtmProjection(32661), siaga::DataError);
  EXPECT_THROW(UtmProjection(999999), siaga::DataError);
}

}  // namespace
}  // namespace siaga::geodata::projection_test
