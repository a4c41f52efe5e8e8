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

#include "siaga/server/api.h"

namespace siaga::server {

Reply osrm_route(Api& api, std::string_view profile, std::string_view coordinates,
                 const Params& params);
Reply osrm_table(Api& api, std::string_view profile, std::string_view coordinates,
                 const Params& params);
Reply osrm_nearest(Api& api, std::string_view profile, std::string_view coordinates,
                   const Params& params);

}  // namespace siaga::server
