// Who answers an incident, and how fast each candidate gets there. The incident classes of Ambon's
// Call Center 112 and the unit types that answer each are data (routing/incident-types.json);
// drive times come from one many-to-one search per vehicle profile, not one route per unit.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "siaga/geodata/snapper.h"
#include "siaga/routing/cch.h"
#include "siaga/routing/live_metrics.h"

namespace siaga::routing {

struct IncidentClass {
  std::string name;  // medical, fire, security, disaster, rescue
  std::string description;
  std::vector<std::string> unit_types;  // in order of preference, each a vehicle profile name

  bool answered_by(std::string_view unit_type) const;
};

// Throws geodata::Error naming the problem (missing field, duplicate class, a unit type that is
// not a profile in `profiles`).
std::vector<IncidentClass> parse_incident_classes(const std::string& json_text,
                                                  std::span<const VehicleProfile> profiles);
std::vector<IncidentClass> load_incident_classes(const std::filesystem::path& file,
                                                 std::span<const VehicleProfile> profiles);

// The named class; throws geodata::Error listing the known names.
const IncidentClass& incident_class(std::span<const IncidentClass> classes, std::string_view name);

// A unit that could respond: its vehicle profile and where it is on the road graph.
struct Responder {
  uint32_t profile = 0;
  geodata::Snap position;
};

// Drive time in ms from each responder to the incident in its own profile's metric of `set`
// (`unreachable` where none): the same cost route_between reports for that pair.
std::vector<uint32_t> drive_times(const MetricSet& set, std::span<const Responder> responders,
                                  const geodata::Snap& incident, CchQuery& query);

}  // namespace siaga::routing
