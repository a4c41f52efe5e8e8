// Snaps a WGS84 point onto the nearest drivable segment (its perpendicular foot, not the nearest
// node) using a Boost.Geometry rtree over the segments in UTM metres.
#pragma once

#include <memory>

#include "siaga/geodata/projection.h"
#include "siaga/geodata/road_network.h"

namespace siaga::geodata {

// A place that is not on the roads: not finite, outside the network, or too far from any road.
struct SnapError : InputError {
  using InputError::InputError;
};

// Text that is not a "lat,lon" position.
struct CoordinateError : InputError {
  using InputError::InputError;
};

struct SnapOptions {
  double max_distance_m = 1000;
};

// A point on the segment tail→head of the network. The segment can be driven tail→head through
// forward_arc and head→tail through backward_arc; one of them may be invalid_id (one-way).
struct Snap {
  uint32_t tail = invalid_id;
  uint32_t head = invalid_id;
  uint32_t forward_arc = invalid_id;
  uint32_t backward_arc = invalid_id;
  double fraction = 0;  // 0 at tail, 1 at head
  double distance_m = 0;
  LatLon position;  // the snapped point
  Xy xy;
};

// Keeps a pointer to `network`, which must outlive it (and stay unchanged).
class Snapper {
 public:
  explicit Snapper(const RoadNetwork& network);
  ~Snapper();
  Snapper(Snapper&&) noexcept;
  Snapper& operator=(Snapper&&) noexcept;

  // Throws SnapError for non-finite coordinates, points outside the network's bounds, and points
  // farther than options.max_distance_m from every road.
  Snap snap(LatLon point, const SnapOptions& options = {}) const;

  const UtmProjection& projection() const;
  // Every street once (road_segments), as the snapper indexes them: shared, so that the server's
  // coverage reads the same copy.
  const std::shared_ptr<const std::vector<RoadSegment>>& segments() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "lat,lon" → LatLon; throws CoordinateError with a one-line message on anything else.
LatLon parse_lat_lon(std::string_view text);

}  // namespace siaga::geodata
