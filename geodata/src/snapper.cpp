#include "siaga/geodata/snapper.h"

#include <algorithm>
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

namespace siaga::geodata {
namespace {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using Point = bg::model::point<double, 2, bg::cs::cartesian>;
using Segment = bg::model::segment<Point>;

// The tree holds segment numbers only and reads their ends from the network when it needs them:
// 4 bytes a value instead of 40 (two points and the number), ~1.3 MB less on the island.
struct SegmentOf {
  using result_type = Segment;
  const RoadSegment* segments;
  const Xy* node_xy;
  Segment operator()(uint32_t s) const {
    const Xy a = node_xy[segments[s].tail];
    const Xy b = node_xy[segments[s].head];
    return {Point(a.x, a.y), Point(b.x, b.y)};
  }
};
using SegmentTree = bgi::rtree<uint32_t, bgi::dynamic_rstar, SegmentOf>;

std::string format_point(LatLon point) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.6f,%.6f", point.lat, point.lon);
  return text;
}

}  // namespace

struct Snapper::Impl {
  const RoadNetwork* network;
  UtmProjection projection;
  std::shared_ptr<const std::vector<RoadSegment>> segments;
  SegmentTree index;
  LatLon min_corner{90, 180};
  LatLon max_corner{-90, -180};

  explicit Impl(const RoadNetwork& net)
      : network(&net),
        projection(net.utm_epsg),
        segments(std::make_shared<const std::vector<RoadSegment>>(road_segments(net))),
        index(numbered(segments->size()), bgi::dynamic_rstar(16),
              SegmentOf{segments->data(), net.node_xy.data()}) {  // bulk-loaded (packed)
    for (const LatLon& p : net.node_position) {
      min_corner = {std::min(min_corner.lat, p.lat), std::min(min_corner.lon, p.lon)};
      max_corner = {std::max(max_corner.lat, p.lat), std::max(max_corner.lon, p.lon)};
    }
  }

  static std::vector<uint32_t> numbered(size_t count) {
    std::vector<uint32_t> numbers(count);
    std::iota(numbers.begin(), numbers.end(), 0u);
    return numbers;
  }

  void check_bounds(LatLon point, double margin_m) const {
    const double margin_lat = margin_m / 111320.0;
    const double margin_lon = margin_m / (111320.0 * std::cos(point.lat * M_PI / 180.0));
    if (point.lat < min_corner.lat - margin_lat || point.lat > max_corner.lat + margin_lat ||
        point.lon < min_corner.lon - margin_lon || point.lon > max_corner.lon + margin_lon) {
      throw SnapError("point " + format_point(point) + " is outside the road network of " +
                      network->dataset + " (" + format_point(min_corner) + " to " +
                      format_point(max_corner) + ")");
    }
  }
};

Snapper::Snapper(const RoadNetwork& network) : impl_(std::make_unique<Impl>(network)) {
  if (impl_->segments->empty()) throw SnapError("cannot snap: the road network has no roads");
}
Snapper::~Snapper() = default;
Snapper::Snapper(Snapper&&) noexcept = default;
Snapper& Snapper::operator=(Snapper&&) noexcept = default;

const UtmProjection& Snapper::projection() const {
  return impl_->projection;
}

const std::shared_ptr<const std::vector<RoadSegment>>& Snapper::segments() const {
  return impl_->segments;
}

Snap Snapper::snap(LatLon point, const SnapOptions& options) const {
  if (!std::isfinite(point.lat) || !std::isfinite(point.lon)) {
    throw SnapError("coordinates must be finite numbers");
  }
  if (std::abs(point.lat) > 90 || std::abs(point.lon) > 180) {
    throw SnapError("point " + format_point(point) + " is not a valid WGS84 latitude,longitude");
  }
  impl_->check_bounds(point, options.max_distance_m);

  const Xy xy = impl_->projection.forward(point);
  uint32_t nearest = 0;
  impl_->index.query(bgi::nearest(Point(xy.x, xy.y), 1), &nearest);
  const RoadSegment& segment = (*impl_->segments)[nearest];

  const Xy a = impl_->network->node_xy[segment.tail];
  const Xy b = impl_->network->node_xy[segment.head];
  const double dx = b.x - a.x;
  const double dy = b.y - a.y;
  const double length_squared = dx * dx + dy * dy;
  double fraction =
      length_squared > 0 ? ((xy.x - a.x) * dx + (xy.y - a.y) * dy) / length_squared : 0.0;
  fraction = std::clamp(fraction, 0.0, 1.0);
  const Xy foot{a.x + fraction * dx, a.y + fraction * dy};
  const double distance = std::hypot(xy.x - foot.x, xy.y - foot.y);
  if (distance > options.max_distance_m) {
    throw SnapError("point " + format_point(point) + " is " +
                    std::to_string(std::lround(distance)) + " m from the nearest road (limit " +
                    std::to_string(std::lround(options.max_distance_m)) + " m)");
  }
  Snap snap;
  snap.tail = segment.tail;
  snap.head = segment.head;
  snap.forward_arc = segment.forward_arc;
  snap.backward_arc = segment.backward_arc;
  snap.fraction = fraction;
  snap.distance_m = distance;
  snap.xy = foot;
  snap.position = impl_->projection.inverse(foot);
  return snap;
}

LatLon parse_lat_lon(std::string_view text) {
  const std::string original(text);
  const size_t comma = text.find(',');
  if (comma == std::string_view::npos) {
    throw CoordinateError("malformed coordinates '" + original +
                          "': expected LAT,LON (e.g. -3.6954,128.1814)");
  }
  auto parse_number = [&](std::string_view part, const char* what) {
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    double value = 0;
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (error != std::errc() || end != part.data() + part.size() || part.empty() ||
        !std::isfinite(value)) {
      throw CoordinateError("malformed coordinates '" + original + "': " + what +
                            " is not a number");
    }
    return value;
  };
  const LatLon point{parse_number(text.substr(0, comma), "latitude"),
                     parse_number(text.substr(comma + 1), "longitude")};
  if (std::abs(point.lat) > 90)
    throw CoordinateError("latitude out of range in '" + original + "'");
  if (std::abs(point.lon) > 180)
    throw CoordinateError("longitude out of range in '" + original + "'");
  return point;
}

}  // namespace siaga::geodata
