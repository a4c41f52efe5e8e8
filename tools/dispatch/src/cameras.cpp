#include "siaga/dispatch/cameras.h"

#include <algorithm>
#include <boost/geometry.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "siaga/text_file.h"

namespace siaga::dispatch {

namespace {

namespace bg = boost::geometry;
using Point = bg::model::d2::point_xy<double>;
using Line = bg::model::linestring<Point>;
using Json = nlohmann::json;

struct Reader {
  std::string file;

  [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
    throw CameraFileError(file + ": " + where + problem);
  }
  std::string text(const Json& properties, const std::string& where, const char* field,
                   bool required = true) const {
    if (!properties.contains(field)) {
      if (required) fail(where, "\"" + std::string(field) + "\" is missing");
      return {};
    }
    const Json& value = properties[field];
    if (!value.is_string() || value.get<std::string>().empty())
      fail(where, "\"" + std::string(field) + "\" must be a non-empty string");
    return value.get<std::string>();
  }
};

bool has_scheme(const std::string& url) {
  for (const char* scheme : {"http://", "https://", "rtsp://", "rtsps://"})
    if (url.rfind(scheme, 0) == 0 && url.size() > std::string_view(scheme).size()) return true;
  return false;
}

geodata::LatLon point_of(const Reader& reader, const Json& feature, const std::string& where) {
  const Json& geometry = feature.contains("geometry") ? feature["geometry"] : Json();
  if (!geometry.is_object() || geometry.value("type", "") != "Point")
    reader.fail(where, "geometry must be a Point");
  const Json& coordinates = geometry.contains("coordinates") ? geometry["coordinates"] : Json();
  if (!coordinates.is_array() || coordinates.size() < 2 || !coordinates[0].is_number() ||
      !coordinates[1].is_number())
    reader.fail(where, "coordinates must be [lon, lat]");
  const double lon = coordinates[0].get<double>(), lat = coordinates[1].get<double>();
  if (!std::isfinite(lat) || !std::isfinite(lon) || std::abs(lat) > 90 || std::abs(lon) > 180)
    reader.fail(where, "coordinates [" + coordinates[0].dump() + ", " + coordinates[1].dump() +
                           "] are not a place on Earth");
  return {lat, lon};
}

Camera camera_of(const Reader& reader, const Json& feature, const std::string& where) {
  if (!feature.is_object() || feature.value("type", "") != "Feature")
    reader.fail(where, "is not a GeoJSON Feature");
  const Json& properties = feature.contains("properties") ? feature["properties"] : Json();
  if (!properties.is_object()) reader.fail(where, "has no properties");
  Camera camera;
  camera.id = reader.text(properties, where, "id");
  camera.name = reader.text(properties, where, "name");
  camera.owner = reader.text(properties, where, "owner");
  camera.url = reader.text(properties, where, "url");
  if (!has_scheme(camera.url))
    reader.fail(where, "\"url\" must start with http://, https://, rtsp:// or rtsps://");
  if (properties.contains("url_kind")) {
    camera.url_kind = reader.text(properties, where, "url_kind");
    if (camera.url_kind != "stream" && camera.url_kind != "snapshot")
      reader.fail(where, "\"url_kind\" must be \"stream\" or \"snapshot\"");
  }
  if (properties.contains("view_deg")) {
    const Json& view = properties["view_deg"];
    if (!view.is_number() || !std::isfinite(view.get<double>()) || view.get<double>() < 0 ||
        view.get<double>() >= 360)
      reader.fail(where, "\"view_deg\" must be a number from 0 to below 360");
    camera.view_deg = view.get<double>();
  }
  camera.position = point_of(reader, feature, where);
  return camera;
}

std::vector<CameraHit> nearest_first(std::vector<CameraHit> hits) {
  std::sort(hits.begin(), hits.end(), [](const CameraHit& a, const CameraHit& b) {
    return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.camera->id < b.camera->id;
  });
  return hits;
}

}  // namespace

CameraFile load_cameras(const std::filesystem::path& file) {
  const std::string text = read_text_file(file, "the cameras file");
  const Reader reader{file.string()};
  const Json json = Json::parse(text, nullptr, false);
  if (json.is_discarded()) reader.fail("", "is not JSON");
  if (!json.is_object() || json.value("type", "") != "FeatureCollection" ||
      !json.contains("features") || !json["features"].is_array())
    reader.fail("", "must be a GeoJSON FeatureCollection");
  CameraFile cameras;
  cameras.file = file;
  cameras.sample = json.value("sample", false);
  cameras.about = json.contains("about") && json["about"].is_string() ? json["about"] : "";
  std::set<std::string> ids;
  for (size_t i = 0; i < json["features"].size(); ++i) {
    Camera camera = camera_of(reader, json["features"][i], "feature " + std::to_string(i) + ": ");
    if (!ids.insert(camera.id).second)
      reader.fail("feature " + std::to_string(i) + ": ", "id \"" + camera.id + "\" is used twice");
    cameras.cameras.push_back(std::move(camera));
  }
  return cameras;
}

CameraIndex::CameraIndex(CameraFile file)
    : file_(std::move(file)),
      projection_(file_.cameras.empty() ? geodata::ambon_utm_epsg
                                        : geodata::utm_epsg_for(file_.cameras[0].position)) {
  for (const Camera& camera : file_.cameras) xy_.push_back(projection_.forward(camera.position));
}

std::vector<CameraHit> CameraIndex::near(geodata::LatLon place, double radius_m) const {
  const geodata::Xy at = projection_.forward(place);
  std::vector<CameraHit> hits;
  for (size_t i = 0; i < xy_.size(); ++i) {
    const double m = std::hypot(xy_[i].x - at.x, xy_[i].y - at.y);
    if (m <= radius_m) hits.push_back({&file_.cameras[i], m});
  }
  return nearest_first(std::move(hits));
}

std::vector<CameraHit> CameraIndex::along(std::span<const geodata::LatLon> line,
                                          double radius_m) const {
  if (line.empty()) return {};
  if (line.size() == 1) return near(line[0], radius_m);
  Line projected;
  for (const geodata::LatLon& point : line) {
    const geodata::Xy xy = projection_.forward(point);
    projected.push_back({xy.x, xy.y});
  }
  std::vector<CameraHit> hits;
  for (size_t i = 0; i < xy_.size(); ++i) {
    const double m = bg::distance(Point(xy_[i].x, xy_[i].y), projected);
    if (m <= radius_m) hits.push_back({&file_.cameras[i], m});
  }
  return nearest_first(std::move(hits));
}

}  // namespace siaga::dispatch
