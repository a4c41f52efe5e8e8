// The CCTV register: the sample file loads and says it is a sample, its cameras stand by the
// schematic island's roads, bad files are refused naming the feature and the field, and the
// cameras near a place or along a line are those a haversine scan finds (camera_oracle.h).
#include "siaga/dispatch/cameras.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "camera_oracle.h"
#include "siaga/geodata/snapper.h"
#include "test_support.h"

namespace siaga::dispatch::cameras_test {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const fs::path sample_file = test::source_dir / "geodata/ambon/cameras-SAMPLE.geojson";

geodata::LatLon random_place(std::mt19937& random) {
  // Kota Ambon and its neighbours, where the sample's cameras are.
  std::uniform_real_distribution<double> lat(-3.76, -3.58), lon(128.07, 128.34);
  return {lat(random), lon(random)};
}

std::map<std::string, bool> inside(std::span<const CameraHit> hits) {
  std::map<std::string, bool> out;
  for (const CameraHit& hit : hits) out[hit.camera->id] = true;
  return out;
}

// The index's answer against the oracle's, camera by camera, and each distance within the
// sphere's error.
void expect_same_cameras(std::span<const CameraHit> hits, std::span<const Camera> cameras,
                         std::span<const geodata::LatLon> line, double radius_m) {
  const auto found = inside(hits);
  for (const auto& [id, in] : test::cameras_clearly_in_or_out(cameras, line, radius_m))
    EXPECT_EQ(found.count(id) == 1, in) << id << " within " << radius_m << " m";
  const auto oracle = test::camera_distances(cameras, line);
  for (size_t i = 0; i < hits.size(); ++i) {
    EXPECT_NEAR(hits[i].distance_m, oracle.at(hits[i].camera->id),
                1 + test::sphere_tolerance * hits[i].distance_m);
    if (i > 0) {
      EXPECT_LE(hits[i - 1].distance_m, hits[i].distance_m) << "nearest first";
    }
  }
}

TEST(Cameras, TheSampleSaysSoAndItsCamerasStandByTheIslandsRoads) {
  const CameraFile file = load_cameras(sample_file);
  EXPECT_TRUE(file.sample);
  EXPECT_NE(file.about.find("SAMPLE"), std::string::npos);
  ASSERT_GE(file.cameras.size(), 10u);
  const geodata::Snapper snapper(test::ambon().network);
  for (const Camera& camera : file.cameras) {
    EXPECT_NO_THROW(snapper.snap(camera.position, {150})) << camera.id << " is off the roads";
    EXPECT_NE(camera.url.find(".invalid/"), std::string::npos) << camera.id;
  }
}

TEST(Cameras, NearAPlaceAreThoseAHaversineScanFinds) {
  const CameraIndex index(load_cameras(sample_file));
  const auto& cameras = index.file().cameras;
  std::mt19937 random(112);
  std::uniform_real_distribution<double> radius(50, 5000);
  size_t found = 0;
  for (int i = 0; i < test::scaled(300); ++i) {
    const geodata::LatLon place = random_place(random);
    const double radius_m = radius(random);
    const auto hits = index.near(place, radius_m);
    found += hits.size();
    const geodata::LatLon line[] = {place};
    expect_same_cameras(hits, cameras, line, radius_m);
  }
  EXPECT_GT(found, 0u) << "the random places never came near a camera";
  // At a camera's own place: that camera first, at 0 m.
  const auto at = index.near(cameras[3].position, 10);
  ASSERT_FALSE(at.empty());
  EXPECT_EQ(at[0].camera->id, cameras[3].id);
  EXPECT_LT(at[0].distance_m, 0.01);
}

TEST(Cameras, AlongALineAreThoseAHaversineScanFinds) {
  const CameraIndex index(load_cameras(sample_file));
  const auto& cameras = index.file().cameras;
  std::mt19937 random(7);
  std::uniform_int_distribution<int> points(2, 30);
  std::uniform_real_distribution<double> radius(50, 2000);
  size_t found = 0;
  for (int i = 0; i < test::scaled(100); ++i) {
    // Like a route: its pieces short (under a kilometre), where a straight line in degrees and
    // one on the UTM grid are the same to the millimetre.
    std::vector<geodata::LatLon> line = {random_place(random)};
    std::uniform_real_distribution<double> step(-0.007, 0.007);
    for (int p = points(random); p > 1; --p)
      line.push_back({line.back().lat + step(random), line.back().lon + step(random)});
    const double radius_m = radius(random);
    const auto hits = index.along(line, radius_m);
    found += hits.size();
    expect_same_cameras(hits, cameras, line, radius_m);
  }
  EXPECT_GT(found, 0u);
  EXPECT_TRUE(index.along({}, 100).empty());
}

// A FeatureCollection of one camera feature, its properties changed by `edit`.
fs::path camera_file_with(const std::string& name, const std::function<void(Json&)>& edit) {
  Json feature = {{"type", "Feature"},
                  {"geometry", {{"type", "Point"}, {"coordinates", {128.18, -3.69}}}},
                  {"properties",
                   {{"id", "C-1"},
                    {"name", "Simpang"},
                    {"owner", "Pemkot"},
                    {"url", "https://cctv.contoh.invalid/c-1"}}}};
  Json file = {{"type", "FeatureCollection"}, {"features", {feature}}};
  edit(file);
  const fs::path path = fs::temp_directory_path() / ("siaga-cameras-" + name + ".geojson");
  std::ofstream(path) << file.dump();
  return path;
}

void expect_refused(const fs::path& file, const std::string& says) {
  try {
    load_cameras(file);
    ADD_FAILURE() << file << " was accepted";
  } catch (const CameraFileError& error) {
    EXPECT_NE(std::string(error.what()).find(says), std::string::npos) << error.what();
  }
  fs::remove(file);
}

TEST(Cameras, BadFilesAreRefusedNamingTheFeatureAndTheField) {
  auto properties = [](Json& file) -> Json& { return file["features"][0]["properties"]; };
  const CameraFile good = load_cameras(camera_file_with("good", [](Json&) {}));
  ASSERT_EQ(good.cameras.size(), 1u);
  EXPECT_FALSE(good.sample);
  EXPECT_EQ(good.cameras[0].url_kind, "stream");
  fs::remove(fs::temp_directory_path() / "siaga-cameras-good.geojson");

  expect_refused(camera_file_with("not-a-collection", [](Json& f) { f["type"] = "Feature"; }),
                 "FeatureCollection");
  expect_refused(camera_file_with("no-url", [&](Json& f) { properties(f).erase("url"); }),
                 "feature 0: \"url\" is missing");
  expect_refused(camera_file_with("bad-scheme",
                                  [&](Json& f) { properties(f)["url"] = "javascript:alert(1)"; }),
                 "feature 0: \"url\" must start with");
  expect_refused(camera_file_with("bad-kind", [&](Json& f) { properties(f)["url_kind"] = "vcr"; }),
                 "\"url_kind\"");
  expect_refused(camera_file_with("bad-view", [&](Json& f) { properties(f)["view_deg"] = 400; }),
                 "\"view_deg\"");
  expect_refused(camera_file_with("line",
                                  [](Json& f) {
                                    f["features"][0]["geometry"] = {
                                        {"type", "LineString"},
                                        {"coordinates", {{128.1, -3.6}, {128.2, -3.7}}}};
                                  }),
                 "feature 0: geometry must be a Point");
  expect_refused(camera_file_with("off-earth",
                                  [](Json& f) {
                                    f["features"][0]["geometry"]["coordinates"] = {128.1, -95};
                                  }),
                 "not a place on Earth");
  expect_refused(
      camera_file_with("twice", [](Json& f) { f["features"].push_back(f["features"][0]); }),
      "feature 1: id \"C-1\" is used twice");
  const fs::path not_json = fs::temp_directory_path() / "siaga-cameras-not-json.geojson";
  std::ofstream(not_json) << "{ not json";
  expect_refused(not_json, "is not JSON");
  EXPECT_THROW(load_cameras("/nonexistent/cameras.geojson"), IoError);
}

}  // namespace
}  // namespace siaga::dispatch::cameras_test
