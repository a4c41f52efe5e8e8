#include "siaga/tracking/incident.h"

#include <algorithm>
#include <chrono>

namespace siaga::tracking {

namespace {

constexpr std::array<std::string_view, incident_status_count> status_names = {
    "new", "dispatched", "on_scene", "closed", "cancelled"};
constexpr std::array<std::string_view, call_type_count> call_type_names = {
    "emergency", "information", "prank", "ghost", "duplicate"};

template <typename Enum, size_t n>
std::optional<Enum> parse_name(const std::array<std::string_view, n>& names,
                               std::string_view name) {
  for (size_t i = 0; i < n; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view incident_status_name(IncidentStatus status) {
  return status_names.at(static_cast<size_t>(status));
}

std::optional<IncidentStatus> parse_incident_status(std::string_view name) {
  return parse_name<IncidentStatus>(status_names, name);
}

bool is_open(IncidentStatus status) {
  return status == IncidentStatus::new_call || status == IncidentStatus::dispatched ||
         status == IncidentStatus::on_scene;
}

std::string_view call_type_name(CallType type) {
  return call_type_names.at(static_cast<size_t>(type));
}

std::optional<CallType> parse_call_type(std::string_view name) {
  return parse_name<CallType>(call_type_names, name);
}

bool known_incident_class(std::string_view name) {
  return std::find(incident_class_names.begin(), incident_class_names.end(), name) !=
         incident_class_names.end();
}

const UnitAssignment* Incident::unit(std::string_view unit_id) const {
  for (const UnitAssignment& assignment : units) {
    if (assignment.unit_id == unit_id) return &assignment;
  }
  return nullptr;
}

std::string incident_transition_error(IncidentStatus from, IncidentStatus to) {
  using enum IncidentStatus;
  if (!is_open(from)) {
    return "the incident is " + std::string(incident_status_name(from)) + " and cannot change";
  }
  if (from == to) return {};
  // A call can be closed or cancelled at any open step; it only moves forward otherwise.
  const bool allowed = to == closed || to == cancelled ||
                       (from == new_call && (to == dispatched || to == on_scene)) ||
                       (from == dispatched && to == on_scene);
  if (allowed) return {};
  return "an incident cannot go from " + std::string(incident_status_name(from)) + " to " +
         std::string(incident_status_name(to));
}

int wit_year(int64_t time_ms) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(time_ms) + hours(9)));
  return static_cast<int>(year_month_day(day).year());
}

}  // namespace siaga::tracking
