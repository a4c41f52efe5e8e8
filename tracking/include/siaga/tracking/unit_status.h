// A unit's status lifecycle: available → dispatched → en_route → on_scene → (transporting) →
// returning → available, plus out_of_service, and relocating (an available unit moving to a
// post to cover for busy ones: it can still be sent from where it is). Transitions not listed
// here are refused.
#pragma once

#include <cstdint>
#include <initializer_list>
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
  relocating,  // last: the journal and the store keep statuses by name, tests by index
};
inline constexpr int unit_status_count = 8;

std::string_view unit_status_name(UnitStatus status);
std::optional<UnitStatus> parse_unit_status(std::string_view name);

// Empty when `from → to` is allowed, otherwise the reason it is not.
std::string transition_error(UnitStatus from, UnitStatus to);

// A set of statuses, for a change that may only happen from some of them.
struct StatusSet {
  uint16_t bits = 0;
  constexpr StatusSet(UnitStatus status) : bits(uint16_t(1u << static_cast<int>(status))) {}
  constexpr StatusSet(std::initializer_list<UnitStatus> statuses) {
    for (UnitStatus status : statuses) bits |= uint16_t(1u << static_cast<int>(status));
  }
  constexpr bool has(UnitStatus status) const { return (bits >> static_cast<int>(status)) & 1u; }
};

// What a unit can be sent on a call from: available, or relocating to a post.
inline constexpr StatusSet dispatchable = {UnitStatus::available, UnitStatus::relocating};

}  // namespace siaga::tracking
