#include "siaga/routing/hazard_report.h"

#include <algorithm>
#include <map>
#include <set>

namespace siaga::routing {

namespace {

bool is_active(std::span<const uint8_t> active, uint32_t zone) {
  return zone < active.size() && active[zone] != 0;
}

// Active zones that close arc `arc` for this profile.
std::vector<uint32_t> closing_zones(const VehicleProfile& profile,
                                    const geodata::HazardIndex& hazards,
                                    std::span<const uint8_t> active, uint32_t arc) {
  std::vector<uint32_t> zones;
  if (arc == geodata::invalid_id) return zones;
  for (const geodata::ArcHazard& hazard : hazards.hazards_of(arc)) {
    if (!is_active(active, hazard.zone)) continue;
    const geodata::HazardZone& zone = hazards.zones[hazard.zone];
    if (profile.effect(zone.kind, zone.intensity()).closed) zones.push_back(hazard.zone);
  }
  return zones;
}

std::string describe(const geodata::HazardIndex& hazards, std::span<const uint32_t> zones) {
  std::string text;
  for (uint32_t zone : zones) {
    const geodata::HazardZone& z = hazards.zones[zone];
    if (!text.empty()) text += ", ";
    text += std::string(geodata::hazard_kind_name(z.kind)) + " zone '" + z.id + "'";
    if (!z.name.empty()) text += " (" + z.name + ")";
  }
  return text;
}

std::string end_closed(const char* which, const VehicleProfile& profile,
                       const geodata::HazardIndex& hazards, std::span<const uint8_t> active,
                       const geodata::Snap& snap) {
  std::vector<uint32_t> zones = closing_zones(profile, hazards, active, snap.forward_arc);
  for (uint32_t z : closing_zones(profile, hazards, active, snap.backward_arc)) {
    if (std::find(zones.begin(), zones.end(), z) == zones.end()) zones.push_back(z);
  }
  if (zones.empty()) return {};
  return std::string("the ") + which + "'s road is closed to " + profile.name + " by " +
         describe(hazards, zones);
}

}  // namespace

std::vector<ZoneOnRoute> zones_on_route(const Route& route, const VehicleProfile& profile,
                                        const geodata::HazardIndex& hazards,
                                        std::span<const uint8_t> active) {
  std::map<uint32_t, double> overlap;
  for (uint32_t arc : route.arcs) {
    for (const geodata::ArcHazard& hazard : hazards.hazards_of(arc)) {
      if (is_active(active, hazard.zone)) overlap[hazard.zone] += hazard.overlap_m;
    }
  }
  std::vector<ZoneOnRoute> zones;
  for (const auto& [zone, metres] : overlap) {
    const geodata::HazardZone& z = hazards.zones[zone];
    zones.push_back({zone, metres, profile.effect(z.kind, z.intensity()).speed_factor});
  }
  return zones;
}

std::vector<uint32_t> zones_near_route(const geodata::RoadNetwork& network, const Route& route,
                                       const geodata::HazardIndex& hazards,
                                       std::span<const uint8_t> active) {
  std::set<uint32_t> on_route, near;
  for (uint32_t arc : route.arcs) {
    for (const geodata::ArcHazard& hazard : hazards.hazards_of(arc)) on_route.insert(hazard.zone);
  }
  for (uint32_t arc : route.arcs) {
    const uint32_t node = network.arc_head[arc];
    for (uint32_t out = network.first_out[node]; out < network.first_out[node + 1]; ++out) {
      for (const geodata::ArcHazard& hazard : hazards.hazards_of(out)) {
        if (is_active(active, hazard.zone) && !on_route.contains(hazard.zone)) {
          near.insert(hazard.zone);
        }
      }
    }
  }
  return {near.begin(), near.end()};
}

std::string no_route_reason(const geodata::RoadNetwork& network, const VehicleProfile& profile,
                            const geodata::HazardIndex& hazards, std::span<const uint8_t> active,
                            const geodata::Snap& from, const geodata::Snap& to) {
  if (std::string start = end_closed("start", profile, hazards, active, from); !start.empty()) {
    return start;
  }
  if (std::string end = end_closed("destination", profile, hazards, active, to); !end.empty()) {
    return end;
  }
  // Would the vehicle get there with no hazard at all?
  const std::vector<uint8_t> none(active.size(), 0);
  const std::vector<uint32_t> clear = profile_weights(network, profile, hazards, none);
  Dijkstra engine(network);
  if (route_between(network, clear, from, to, engine).found) {
    std::vector<uint32_t> closing;
    for (uint32_t zone = 0; zone < hazards.zones.size(); ++zone) {
      const geodata::HazardZone& z = hazards.zones[zone];
      if (is_active(active, zone) && profile.effect(z.kind, z.intensity()).closed) {
        closing.push_back(zone);
      }
    }
    return "every way between the two points is closed to " + profile.name +
           " by the active hazards (" + describe(hazards, closing) + ")";
  }
  return "no road connects the two points for " + profile.name;
}

}  // namespace siaga::routing
