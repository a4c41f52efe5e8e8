#include "siaga/server/polyline.h"

#include <cmath>
#include <cstdlib>

#include "siaga/dispatch/geojson.h"

namespace siaga::server {

std::string encode_polyline(std::span<const geodata::LatLon> points, int precision) {
  const double scale = std::pow(10.0, precision);
  std::string out;
  out.reserve(points.size() * 8);  // two deltas of up to four characters: a few metres apart
  int64_t last_lat = 0, last_lon = 0;
  auto put = [&out](int64_t delta) {
    uint64_t value =
        delta < 0 ? ~(static_cast<uint64_t>(delta) << 1) : static_cast<uint64_t>(delta) << 1;
    while (value >= 0x20) {
      out.push_back(static_cast<char>((0x20 | (value & 0x1f)) + 63));
      value >>= 5;
    }
    out.push_back(static_cast<char>(value + 63));
  };
  for (const geodata::LatLon& point : points) {
    const int64_t lat = dispatch::rounded_integer(point.lat * scale);
    const int64_t lon = dispatch::rounded_integer(point.lon * scale);
    put(lat - last_lat);
    put(lon - last_lon);
    last_lat = lat;
    last_lon = lon;
  }
  return out;
}

std::optional<std::vector<geodata::LatLon>> decode_polyline(std::string_view text, int precision) {
  const double scale = std::pow(10.0, precision);
  std::vector<geodata::LatLon> points;
  size_t at = 0;
  auto next = [&]() -> std::optional<int64_t> {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 5) {
      if (at >= text.size()) return std::nullopt;
      const int chunk = static_cast<unsigned char>(text[at++]) - 63;
      if (chunk < 0 || chunk > 63) return std::nullopt;
      value |= static_cast<uint64_t>(chunk & 0x1f) << shift;
      if (chunk < 0x20) {
        return (value & 1) ? ~static_cast<int64_t>(value >> 1) : static_cast<int64_t>(value >> 1);
      }
    }
    return std::nullopt;
  };
  int64_t lat = 0, lon = 0;
  while (at < text.size()) {
    const auto dlat = next();
    const auto dlon = next();
    // Deltas beyond the globe would only overflow the sums: refuse them.
    constexpr int64_t limit = int64_t{1} << 40;
    if (!dlat || !dlon || std::abs(*dlat) > limit || std::abs(*dlon) > limit) return std::nullopt;
    lat += *dlat;
    lon += *dlon;
    points.push_back({lat / scale, lon / scale});
  }
  return points;
}

}  // namespace siaga::server
