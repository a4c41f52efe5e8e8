// Google's encoded polyline format, as OSRM uses it for route geometry and for coordinates in
// URLs: each coordinate a signed delta from the previous one, in base-64 chunks of five bits.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "siaga/geodata/road_network.h"

namespace siaga::server {

// Precision 5 (polyline), or 6 (polyline6). Decoding gives nullopt for malformed text.
std::string encode_polyline(std::span<const geodata::LatLon> points, int precision);
std::optional<std::vector<geodata::LatLon>> decode_polyline(std::string_view text, int precision);

}  // namespace siaga::server
