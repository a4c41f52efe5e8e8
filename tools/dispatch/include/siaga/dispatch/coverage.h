// Planners' scenarios: stations, active hazards, response-time targets and the demand to cover
// (a JSON file, see geodata/ambon/scenarios/); the share of demand each target reaches, what a
// hazard takes away, and where new stations would add the most.
#pragma once

#include <array>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "siaga/dispatch/dataset.h"
#include "siaga/dispatch/geojson.h"
#include "siaga/routing/segments.h"

namespace siaga::dispatch {

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
// (Kepmen PU 11/KPTS/2000: a fire post within 2.5 km of built-up areas).
struct DistanceTarget {
  std::string name;
  std::string unit_type;
  double max_km = 0;
  std::string source;
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
};

// Throws geodata::Error naming the file and the problem. Hazard files are relative to the
// scenario's folder; stations may be all facilities of a kind of the network.
Scenario load_scenario(const std::filesystem::path& file, const geodata::RoadNetwork& network);

struct TargetCoverage {
  CoverageTarget target;
  size_t stations = 0;
  std::vector<uint32_t> arrival_ms;  // per segment, from the nearest station with the unit type
  double covered_km = 0;             // demand-weighted km within the target
  double unreachable_km = 0;         // demand no open road reaches
};

// The area each segment belongs to, and how that was decided.
struct AreaAssignment {
  std::string method;  // "OSM boundaries admin_level 6", "nearest kecamatan seat (approximate)"
  std::vector<std::string> names;
  std::vector<uint32_t> of_segment;  // index into names, invalid_id outside all
  std::vector<std::vector<geodata::PolygonRings>> polygons;  // per area, from OSM boundaries
  std::vector<geodata::LatLon> seats;                        // per area, from a seats file
};

struct DistanceCoverage {
  DistanceTarget target;
  size_t stations = 0;
  double covered_km = 0;  // demand-weighted km within max_km of a station
};

struct Coverage {
  AreaAssignment areas;  // empty names: no areas known
  std::vector<DistanceCoverage> distance_targets;
  std::vector<routing::Segment> segments;
  std::vector<double> demand_km;    // per segment
  std::vector<std::string> places;  // per segment: its street, or "near" the nearest named one
  double total_demand_km = 0;
  std::vector<TargetCoverage> targets;
};

// Stations of a unit type, as sources: travel time to every segment under the scenario's hazards.
Coverage compute_coverage(const RoutingSetup& setup, const Scenario& scenario);

// OSM boundaries of the scenario's admin level in the OSM file, else the seats file, else none.
void assign_areas(Coverage& coverage, const geodata::RoadNetwork& network, const Scenario& scenario,
                  const std::filesystem::path& osm_file);

Json coverage_json(const RoutingSetup& setup, const Scenario& scenario, const Coverage& coverage);
// Baseline against another scenario (e.g. with a flood): coverage lost per target, places losing
// it.
Json compare_json(const RoutingSetup& setup, const Scenario& base, const Coverage& base_coverage,
                  const Scenario& other, const Coverage& other_coverage);

// Every segment with its demand and minutes per target (GeoJSON or GeoPackage, for QGIS).
void write_segments(const std::filesystem::path& file, const RoutingSetup& setup,
                    const Coverage& coverage);
// Every area (its boundary, or its seat point) with its demand and share per target.
void write_areas(const std::filesystem::path& file, const Coverage& coverage);

struct SiteSuggestion {
  geodata::LatLon position;
  std::string near;        // the street's name, when it has one
  double gain_km = 0;      // demand newly within the target
  double share_after = 0;  // of all demand, with this and the earlier suggestions
};

// Greedy maximal covering: K sites among candidate points on the graph (nodes of the main roads),
// each adding the most demand not yet within the target. `progress` gets (done, total).
std::vector<SiteSuggestion> plan_stations(const RoutingSetup& setup, const Coverage& coverage,
                                          size_t target_index, size_t k,
                                          const std::function<void(size_t, size_t)>& progress);

}  // namespace siaga::dispatch
