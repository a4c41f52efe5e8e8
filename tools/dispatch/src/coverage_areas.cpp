// A scenario's coverage from its files (graph, hazard layers through GDAL, OSM boundaries), and
// which area each street is in. Apart from coverage.cpp, whose coverage_ground the server uses:
// the server binary does not link GDAL.
#include <cmath>

#include "siaga/dispatch/coverage.h"
#include "siaga/dispatch/scenario.h"
#include "siaga/geodata/areas.h"
#include "siaga/geodata/hazards.h"

namespace siaga::dispatch {

namespace fs = std::filesystem;

namespace {

std::vector<geodata::LatLon> segment_middles(const geodata::RoadNetwork& network,
                                             std::span<const routing::Segment> segments) {
  std::vector<geodata::LatLon> middles;
  for (const routing::Segment& segment : segments)
    middles.push_back(routing::segment_middle(network, segment));
  return middles;
}

AreaAssignment nearest_seat(const Scenario& scenario, std::span<const geodata::LatLon> points) {
  AreaAssignment areas;
  areas.method =
      "nearest kecamatan seat (approximate; " + scenario.area_seats_file.filename().string() + ")";
  std::vector<geodata::LatLon> seats;
  for (const AreaSeat& seat : scenario.area_seats) {
    areas.names.push_back(seat.name);
    seats.push_back(seat.position);
  }
  areas.seats = seats;
  for (const geodata::LatLon& point : points) {
    uint32_t best = geodata::invalid_id;
    double best_m = 0;
    for (uint32_t i = 0; i < seats.size(); ++i) {
      const double m = geodata::haversine_m(point, seats[i]);
      if (best == geodata::invalid_id || m < best_m) best = i, best_m = m;
    }
    areas.of_segment.push_back(best);
  }
  return areas;
}

}  // namespace

ScenarioCoverage run_scenario(const DataPaths& paths, const fs::path& scenario_file,
                              std::ostream& log) {
  ScenarioCoverage run;
  geodata::RoadNetwork network = load_or_import(paths, log);
  run.scenario = load_scenario(scenario_file, network);
  run.setup = build_routing(std::move(network), geodata::load_hazards(run.scenario.hazard_files),
                            default_profiles_file(), log);
  run.setup->live->set_active(run.scenario.active_hazards);
  run.coverage = compute_coverage(*run.setup, run.scenario);
  assign_areas(run.coverage, run.setup->network, run.scenario, paths.osm);
  return run;
}

void assign_areas(Coverage& coverage, const geodata::RoadNetwork& network, const Scenario& scenario,
                  const fs::path& osm_file) {
  const std::vector<geodata::LatLon> middles = segment_middles(network, coverage.segments);
  std::vector<geodata::AdminArea> boundaries;
  if (fs::exists(osm_file))
    boundaries = geodata::load_admin_areas(osm_file, scenario.areas_admin_level);
  if (!boundaries.empty()) {
    coverage.areas.method = "OSM boundaries, admin_level " + scenario.areas_admin_level;
    for (const auto& area : boundaries) {
      coverage.areas.names.push_back(area.name);
      coverage.areas.polygons.push_back(area.polygons);
    }
    coverage.areas.of_segment = geodata::locate_areas(boundaries, middles);
  } else if (!scenario.area_seats.empty()) {
    coverage.areas = nearest_seat(scenario, middles);
  }
}

}  // namespace siaga::dispatch
