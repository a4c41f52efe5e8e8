// The incident classes of Ambon's Call Center 112 and the unit types that answer each, in order of
// preference: data (tools/dispatch/incident-types.json), each unit type a vehicle profile.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "siaga/routing/profile.h"

namespace siaga::dispatch {

// An incident-classes file that cannot be used: names the class and the problem.
struct IncidentClassesError : DataError {
  using DataError::DataError;
};

// An incident class name that the table does not have.
struct UnknownIncidentClass : InputError {
  using InputError::InputError;
};

struct IncidentClass {
  std::string name;  // medical, fire, security, disaster, rescue
  std::string description;
  std::vector<std::string> unit_types;  // in order of preference, each a vehicle profile name

  bool answered_by(std::string_view unit_type) const;
};

// Throws IncidentClassesError naming the problem (missing field, duplicate class, a unit type that
// is not a profile in `profiles`).
std::vector<IncidentClass> parse_incident_classes(
    const std::string& json_text, std::span<const routing::VehicleProfile> profiles);
std::vector<IncidentClass> load_incident_classes(const std::filesystem::path& file,
                                                 std::span<const routing::VehicleProfile> profiles);

// The named class; throws UnknownIncidentClass listing the known names.
const IncidentClass& incident_class(std::span<const IncidentClass> classes, std::string_view name);

}  // namespace siaga::dispatch
