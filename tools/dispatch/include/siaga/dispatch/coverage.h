// Coverage for planners: from every station holding a unit type, the travel time to the middle of
// every street under the scenario's hazards (one multi-source PHAST sweep per target), and the
// share of the demand within each target, island-wide and per area (kecamatan).
//
// Terms: a *segment* is one street between two graph nodes, counted once however many directions
// it can be driven in (routing/segments.h); its *demand* is its length in km times the scenario's
// weight for its road class; a *target* is a unit type and a number of minutes (a distance target:
// a unit type and kilometres in a straight line).
#pragma once

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "siaga/dispatch/dataset.h"
#include "siaga/dispatch/place_labels.h"
#include "siaga/dispatch/scenario.h"
#include "siaga/geodata/areas.h"
#include "siaga/routing/segments.h"

namespace siaga::dispatch {

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
  routing::Segments segments;
  std::vector<double> demand_km;  // per segment
  PlaceLabels places;             // per segment: its street, or "near" the nearest named one
  double total_demand_km = 0;
  std::vector<TargetCoverage> targets;
};

// The streets, their demand and place names from a scenario, without any field: what static and
// live coverage are measured on. Its `targets` stay empty. The streets are `streets` when given
// (a snapper's, shared), else the network's road_segments.
Coverage coverage_ground(const geodata::RoadNetwork& network, const Scenario& scenario,
                         routing::Segments streets = {});

// Stations of a unit type, as sources: travel time to every segment under the scenario's hazards
// (`setup`'s active zones, which the caller sets from the scenario).
Coverage compute_coverage(const RoutingSetup& setup, const Scenario& scenario);

// OSM boundaries of the scenario's admin level in the OSM file, else the seats file, else none.
void assign_areas(Coverage& coverage, const geodata::RoadNetwork& network, const Scenario& scenario,
                  const std::filesystem::path& osm_file);

// A scenario as a planner runs it: the island's graph with the scenario's hazard layers (its zones
// switched on), and its coverage with areas assigned.
struct ScenarioCoverage {
  Scenario scenario;
  std::unique_ptr<RoutingSetup> setup;
  Coverage coverage;
};
// Messages about repaired or rejected hazard features go to `log`. Throws what loading throws.
ScenarioCoverage run_scenario(const DataPaths& paths, const std::filesystem::path& scenario_file,
                              std::ostream& log);

// Demand, and demand within each target, per area.
struct AreaTally {
  std::vector<double> demand;                // per area
  std::vector<std::vector<double>> covered;  // per target, per area
  double outside = 0;                        // demand in no area
};
AreaTally tally_areas(const Coverage& coverage);

// part / whole rounded to three decimals, 0 when there is no whole: the shares reports show.
double share_of(double part, double whole);

}  // namespace siaga::dispatch
