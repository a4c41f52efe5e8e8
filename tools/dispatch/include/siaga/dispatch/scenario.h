// A planner's scenario (a JSON file, see geodata/ambon/scenarios/README.md): the stations and the
// unit types based at each, the hazard zones in force, the response-time targets with their
// sources, and the demand to cover (road length weighted by class, a proxy for where people live).
#pragma once

#include <array>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "siaga/geodata/road_network.h"

namespace siaga::dispatch {

// A scenario file that cannot be used: names the file, the item and the problem.
struct ScenarioError : DataError {
  using DataError::DataError;
};

struct Station {
  std::string name;
  geodata::LatLon position;
  std::vector<std::string> unit_types;  // vehicle profiles based there
};

struct CoverageTarget {
  std::string name;       // e.g. "fire", "medical", "fire-nfpa-1710"
  std::string unit_type;  // the profile that must arrive
  double minutes = 0;
  std::string source;  // where the number comes from

  uint32_t limit_ms() const { return static_cast<uint32_t>(minutes * 60'000); }
};

// A straight-line criterion: demand within max_km of the nearest station with the unit type
// (the superseded Kepmen PU 11/KPTS/2000, kept as a heuristic: a fire post within 2.5 km of
// built-up areas).
struct DistanceTarget {
  std::string name;
  std::string unit_type;
  double max_km = 0;
  std::string source;
};

// One point per area (a kecamatan's seat), for data without boundaries.
struct AreaSeat {
  std::string name;
  geodata::LatLon position;
};

struct Scenario {
  std::string name;
  std::filesystem::path file;
  std::vector<Station> stations;
  std::vector<std::filesystem::path> hazard_files;
  std::vector<std::string> active_hazards;
  std::vector<CoverageTarget> targets;
  std::vector<DistanceTarget> distance_targets;
  std::array<double, geodata::road_class_count> demand_weight{};  // per metre of road, by class
  std::string demand_note;
  std::string areas_admin_level = "6";    // OSM boundaries to aggregate by (kecamatan)
  std::filesystem::path area_seats_file;  // fallback: the nearest of these named points
  std::vector<AreaSeat> area_seats;       // read from it
};

// Throws ScenarioError naming the file and the problem (IoError when it cannot be read). Hazard
// files are relative to the scenario's folder; stations may be all facilities of a kind of the
// network.
Scenario load_scenario(const std::filesystem::path& file, const geodata::RoadNetwork& network);

// {"seats": [{"name", "lat", "lon"}, ...]}: one point per area. Throws IoError, ScenarioError.
std::vector<AreaSeat> load_area_seats(const std::filesystem::path& file);

// The scenario's response-time targets alone, read without a network: a command checks the
// target it was given before it loads the island. Throws as load_scenario does for them.
std::vector<CoverageTarget> load_scenario_targets(const std::filesystem::path& file);

// The index of the target named `name`, the first when `name` is empty; throws InputError when the
// scenario has no such target.
size_t target_index(std::span<const CoverageTarget> targets, std::string_view name);
size_t target_index(const Scenario& scenario, std::string_view name);

}  // namespace siaga::dispatch
