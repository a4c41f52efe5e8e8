// UtmProjection builds WGS 84 / UTM zones from a PROJ pipeline string, not from PROJ's database.
// The oracle is PROJ's own EPSG:4326 → EPSG:326zz/327zz transformation, resolved from the
// database here in the test: both must give the same doubles, forward and back.
#include "siaga/geodata/projection.h"

#include <gtest/gtest.h>
#include <proj.h>

#include <cstring>
#include <random>
#include <string>

namespace siaga::geodata {
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

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

void expect_same_as_database(int epsg, LatLon centre, int points) {
  const UtmProjection projection(epsg);
  const DatabaseTransform oracle(epsg);
  ASSERT_NE(oracle.transform, nullptr) << epsg;
  std::mt19937 random(epsg);
  std::uniform_real_distribution<double> lat(centre.lat - 2, centre.lat + 2);
  std::uniform_real_distribution<double> lon(centre.lon - 3, centre.lon + 3);
  int differ = 0;
  for (int i = 0; i < points; ++i) {
    const LatLon p{lat(random), lon(random)};
    const Xy ours = projection.forward(p);
    const Xy theirs = oracle.forward(p);
    const LatLon back = projection.inverse(ours);
    const LatLon theirs_back = oracle.inverse(ours);
    differ += !same_bits(ours.x, theirs.x) || !same_bits(ours.y, theirs.y) ||
              !same_bits(back.lat, theirs_back.lat) || !same_bits(back.lon, theirs_back.lon);
  }
  EXPECT_EQ(differ, 0) << "EPSG:" << epsg;
}

TEST(Projection, UtmZonesMatchPROJsDatabaseBitForBit) {
  expect_same_as_database(ambon_utm_epsg, {-3.65, 128.2}, 20'000);  // Ambon, zone 52 south
  expect_same_as_database(32751, {-8.6, 125.6}, 5'000);             // zone 51 south
  expect_same_as_database(32647, {3.6, 98.7}, 5'000);               // Medan, zone 47 north
  expect_same_as_database(32601, {60.0, -177.0}, 2'000);            // the first zone
  expect_same_as_database(32760, {-45.0, 177.0}, 2'000);            // the last one
  EXPECT_EQ(utm_epsg_for({-3.65, 128.2}), ambon_utm_epsg);
}

TEST(Projection, OtherCodesComeFromTheDatabaseAndUnknownOnesAreRefused) {
  const UtmProjection mercator(3857);  // not UTM: resolved by PROJ's database as before
  const DatabaseTransform oracle(3857);
  const LatLon ambon{-3.6954, 128.1814};
  EXPECT_TRUE(same_bits(mercator.forward(ambon).x, oracle.forward(ambon).x));
  EXPECT_TRUE(same_bits(mercator.forward(ambon).y, oracle.forward(ambon).y));
  EXPECT_EQ(mercator.epsg(), 3857);
  EXPECT_THROW(UtmProjection(999999), siaga::DataError);
}

}  // namespace
}  // namespace siaga::geodata
