// A unit's status lifecycle: available → dispatched → en_route → on_scene → (transporting) →
// returning → available, plus out_of_service. Transitions not listed here are refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace siaga::tracking {

enum class UnitStatus : uint8_t {
  available,
  dispatched,
  en_route,
  on_scene,
  transporting,
  returning,
  out_of_service,
};
inline constexpr int unit_status_count = 7;

std::string_view unit_status_name(UnitStatus status);
std::optional<UnitStatus> parse_unit_status(std::string_view name);

// Empty when `from → to` is allowed, otherwise the reason it is not.
std::string transition_error(UnitStatus from, UnitStatus to);

}  // namespace siaga::tracking
