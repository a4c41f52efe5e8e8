// CCTV near an incident: the public and private cameras the 112 room may look through (Pemkot's
// street cameras, minimarkets, petrol stations), from a GeoJSON file of points. Siaga decodes no
// video: it finds the cameras within a radius of a place or along a unit's route, and hands the
// dispatcher their stream or snapshot links.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "siaga/geodata/projection.h"
#include "siaga/geodata/road_network.h"

namespace siaga::dispatch {

// A cameras file that cannot be used; the message names the file, the feature and the field.
struct CameraFileError : DataError {
  using DataError::DataError;
};

struct Camera {
  std::string id;
  std::string name;
  std::string owner;                // who runs it: Pemkot, a minimarket, an SPBU, …
  std::string url;                  // http(s) or rtsp
  std::string url_kind = "stream";  // stream or snapshot
  geodata::LatLon position;
  std::optional<double> view_deg;  // the way it looks, degrees clockwise from north
};

struct CameraFile {
  std::filesystem::path file;
  bool sample = false;  // invented cameras for demonstration ("sample": true in the file)
  std::string about;
  std::vector<Camera> cameras;
};

// Reads a FeatureCollection of Point features with properties id, name, owner, url and optional
// url_kind and view_deg. Throws CameraFileError for anything else, and for duplicate ids.
CameraFile load_cameras(const std::filesystem::path& file);

struct CameraHit {
  const Camera* camera = nullptr;
  double distance_m = 0;  // to the place, or to the nearest point of the route
};

// Cameras in metres on a UTM grid. A file holds tens to hundreds of cameras, so each question
// looks at every one: no spatial index needed.
class CameraIndex {
 public:
  explicit CameraIndex(CameraFile file);

  const CameraFile& file() const { return file_; }
  // Within radius_m of `place`, nearest first.
  std::vector<CameraHit> near(geodata::LatLon place, double radius_m) const;
  // Within radius_m of the line (a route's geometry), nearest first.
  std::vector<CameraHit> along(std::span<const geodata::LatLon> line, double radius_m) const;

 private:
  CameraFile file_;
  geodata::UtmProjection projection_;
  std::vector<geodata::Xy> xy_;
};

}  // namespace siaga::dispatch
