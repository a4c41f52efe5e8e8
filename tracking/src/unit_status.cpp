#include "siaga/tracking/unit_status.h"

#include <array>

namespace siaga::tracking {

namespace {
constexpr std::array<std::string_view, unit_status_count> names = {
    "available",    "dispatched", "en_route",       "on_scene",
    "transporting", "returning",  "out_of_service", "relocating"};
}

std::string_view unit_status_name(UnitStatus status) {
  return names.at(static_cast<size_t>(status));
}

std::optional<UnitStatus> parse_unit_status(std::string_view name) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<UnitStatus>(i);
  }
  return std::nullopt;
}

std::string transition_error(UnitStatus from, UnitStatus to) {
  using enum UnitStatus;
  if (from == to) return {};
  // Any unit can be taken out of service (breakdown, crew), and comes back as available.
  if (to == out_of_service) return {};
  if (from == out_of_service) {
    return to == available ? std::string{} : "an out_of_service unit must first become available";
  }
  // A dispatch can be cancelled at any point before the unit is on scene.
  if (to == available && (from == dispatched || from == en_route || from == returning)) return {};
  // A move-up: to a post and, once there (or called off), available again; sent from the way.
  if (from == relocating) {
    return to == available || to == dispatched
               ? std::string{}
               : "a relocating unit becomes available or is dispatched, not " +
                     std::string(unit_status_name(to));
  }
  const bool allowed = (from == available && (to == dispatched || to == relocating)) ||
                       (from == dispatched && to == en_route) ||
                       (from == en_route && to == on_scene) ||
                       (from == on_scene && (to == transporting || to == returning)) ||
                       (from == transporting && to == returning) ||
                       (from == returning && to == dispatched);  // re-tasked on the way back
  if (allowed) return {};
  return "a unit cannot go from " + std::string(unit_status_name(from)) + " to " +
         std::string(unit_status_name(to));
}

}  // namespace siaga::tracking
