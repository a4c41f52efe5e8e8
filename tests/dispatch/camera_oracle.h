// A second way to find the cameras near a line, for the tests: great-circle (haversine) distance
// to points every metre along it, no projection and no Boost.Geometry. The sphere is not the
// ellipsoid: near the equator its metres differ from UTM's by up to 0.6 % (north-south), so
// answers are compared within that.
#pragma once

#include <cmath>
#include <map>
#include <span>
#include <string>

#include "siaga/dispatch/cameras.h"

namespace siaga::test {

// Each camera's distance in metres to the line (a single point when it has one).
inline std::map<std::string, double> camera_distances(std::span<const dispatch::Camera> cameras,
                                                      std::span<const geodata::LatLon> line) {
  std::map<std::string, double> out;
  for (const dispatch::Camera& camera : cameras) {
    double best = geodata::haversine_m(camera.position, line[0]);
    for (size_t i = 1; i < line.size(); ++i) {
      const double length = geodata::haversine_m(line[i - 1], line[i]);
      const int steps = std::max(1, static_cast<int>(std::ceil(length)));
      for (int s = 1; s <= steps; ++s) {
        const double t = static_cast<double>(s) / steps;
        const geodata::LatLon point{line[i - 1].lat + t * (line[i].lat - line[i - 1].lat),
                                    line[i - 1].lon + t * (line[i].lon - line[i - 1].lon)};
        best = std::min(best, geodata::haversine_m(camera.position, point));
      }
    }
    out[camera.id] = best;
  }
  return out;
}

inline constexpr double sphere_tolerance = 0.006;

// The cameras the oracle puts within `radius_m` of the line, leaving out those so near the radius
// that the sphere and UTM may disagree: id → inside.
inline std::map<std::string, bool> cameras_clearly_in_or_out(
    std::span<const dispatch::Camera> cameras, std::span<const geodata::LatLon> line,
    double radius_m) {
  std::map<std::string, bool> out;
  for (const auto& [id, distance] : camera_distances(cameras, line))
    if (std::abs(distance - radius_m) > 2 + sphere_tolerance * radius_m)
      out[id] = distance < radius_m;
  return out;
}

}  // namespace siaga::test
