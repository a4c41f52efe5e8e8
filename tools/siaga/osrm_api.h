// The OSRM v5 HTTP API for /route, /table and /nearest: the same URLs, options, response shapes
// and error codes, so that existing OSRM clients (Leaflet Routing Machine, OSRM's own libraries)
// work against Siaga with its hazard-aware vehicle profiles. Profiles: `driving` and `car` are
// the car profile; `ambulance`, `fire_truck`, `rescue`, `police` are the emergency vehicles.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine.h"

namespace siaga::tools {

Reply osrm_route(Engine& engine, std::string_view profile, std::string_view coordinates,
                 const Params& params);
Reply osrm_table(Engine& engine, std::string_view profile, std::string_view coordinates,
                 const Params& params);
Reply osrm_nearest(Engine& engine, std::string_view profile, std::string_view coordinates,
                   const Params& params);

// Google's encoded polyline format, as OSRM uses it (precision 5, or 6 for polyline6).
std::string encode_polyline(std::span<const geodata::LatLon> points, int precision);
std::optional<std::vector<geodata::LatLon>> decode_polyline(std::string_view text, int precision);

}  // namespace siaga::tools
