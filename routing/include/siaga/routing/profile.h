// Vehicle profiles, read from a data file (routing/vehicle-profiles.json): how fast each vehicle
// drives on each road class, and what each kind of hazard does to it.
#pragma once

#include <array>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "siaga/geodata/hazards.h"
#include "siaga/geodata/road_network.h"

namespace siaga::routing {

// A vehicle profile file that cannot be used: the message names the profile and the problem.
struct ProfileError : DataError {
  using DataError::DataError;
};

// A vehicle (profile) name that is not in the profiles.
struct UnknownVehicle : InputError {
  using InputError::InputError;
};

struct HazardBand {
  double up_to = std::numeric_limits<double>::infinity();  // intensity bound, inclusive
  bool closed = false;
  double speed_factor = 1;
};

struct VehicleProfile {
  std::string name;
  std::string description;
  std::array<double, geodata::road_class_count> speed_factor;
  bool use_ferry = true;
  std::array<std::vector<HazardBand>, geodata::hazard_kind_count> hazard_bands;

  // The band a zone of this kind and intensity falls in; unaffected when none is listed.
  HazardBand effect(geodata::HazardKind kind, double intensity) const;
};

// Throws ProfileError naming the problem (unknown road class or hazard, bad numbers, …);
// load_profiles throws IoError when the file cannot be read.
std::vector<VehicleProfile> parse_profiles(const std::string& json_text);
std::vector<VehicleProfile> load_profiles(const std::filesystem::path& file);

// Index of the named profile; throws UnknownVehicle listing the known names.
uint32_t profile_index(std::span<const VehicleProfile> profiles, std::string_view name);

// Travel time per arc for this vehicle with the zones where active[zone] != 0: closed arcs get
// `blocked`; the part of an arc inside a slowing zone is driven at the zone's speed factor.
std::vector<uint32_t> profile_weights(const geodata::RoadNetwork& network,
                                      const VehicleProfile& profile,
                                      const geodata::HazardIndex& hazards,
                                      std::span<const uint8_t> active);
// The same for one arc: what a hazard toggle recomputes for the arcs its zone touches.
uint32_t profile_weight(const geodata::RoadNetwork& network, const VehicleProfile& profile,
                        const geodata::HazardIndex& hazards, std::span<const uint8_t> active,
                        uint32_t arc);

}  // namespace siaga::routing
