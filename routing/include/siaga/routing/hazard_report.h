// What the active hazards mean for one route: the zones it drives through, the ones it passes
// close by, and — when there is no route — why not.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "siaga/geodata/hazards.h"
#include "siaga/geodata/snapper.h"
#include "siaga/routing/profile.h"
#include "siaga/routing/route.h"

namespace siaga::routing {

struct ZoneOnRoute {
  uint32_t zone;
  double overlap_m;  // route length inside the zone
  double speed_factor;
};

// Active zones the route drives through, with the length inside each.
std::vector<ZoneOnRoute> zones_on_route(const Route& route, const VehicleProfile& profile,
                                        const geodata::HazardIndex& hazards,
                                        std::span<const uint8_t> active);

// Active zones on roads that leave the route (avoided or passed by), not on the route itself.
std::vector<uint32_t> zones_near_route(const geodata::RoadNetwork& network, const Route& route,
                                       const geodata::HazardIndex& hazards,
                                       std::span<const uint8_t> active);

// Why a vehicle has no route between two snapped points: the start's or destination's road
// closed by a named zone, or every way between them closed by the active hazards.
std::string no_route_reason(const geodata::RoadNetwork& network, const VehicleProfile& profile,
                            const geodata::HazardIndex& hazards, std::span<const uint8_t> active,
                            const geodata::Snap& from, const geodata::Snap& to);

}  // namespace siaga::routing
