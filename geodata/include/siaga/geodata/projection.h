// WGS84 ↔ UTM (Boost.Geometry's projections, the algorithm of PROJ's +proj=utm): zone 52S
// (EPSG:32752) for Ambon, the matching zone for data from elsewhere (tests use real OSM from
// Europe). Other codes are refused with DataError. The calls are const and lock-free: one object
// may be shared between threads.
#pragma once

#include <memory>
#include <span>

#include "siaga/geodata/road_network.h"

namespace siaga::geodata {

inline constexpr int ambon_utm_epsg = 32752;

// EPSG code of the WGS84 UTM zone containing `position` (326xx north, 327xx south).
int utm_epsg_for(LatLon position);

class UtmProjection {
 public:
  explicit UtmProjection(int epsg = ambon_utm_epsg);
  ~UtmProjection();
  UtmProjection(UtmProjection&&) noexcept;
  UtmProjection& operator=(UtmProjection&&) noexcept;

  Xy forward(LatLon position) const;
  LatLon inverse(Xy xy) const;
  void forward(std::span<const LatLon> positions, std::span<Xy> out) const;
  int epsg() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace siaga::geodata
