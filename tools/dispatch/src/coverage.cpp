#include "siaga/dispatch/coverage.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "siaga/dispatch/place_labels.h"
#include "siaga/dispatch/scenario.h"
#include "siaga/routing/route.h"

namespace siaga::dispatch {

namespace fs = std::filesystem;

namespace {

// Node costs of a multi-source search from the stations that hold the unit type.
std::vector<uint32_t> station_field(const RoutingSetup& setup, const geodata::Snapper& snapper,
                                    const std::vector<Station>& stations,
                                    const std::string& unit_type, const routing::CchMetric& metric,
                                    routing::CchQuery& query, size_t& used) {
  std::vector<routing::Seed> seeds;
  used = 0;
  for (const Station& station : stations) {
    if (std::find(station.unit_types.begin(), station.unit_types.end(), unit_type) ==
        station.unit_types.end())
      continue;
    const routing::SnapSeeds snap = routing::source_seeds(
        setup.network, snapper.snap(station.position, {5000}), metric.arc_weight);
    seeds.insert(seeds.end(), snap.seeds.begin(), snap.seeds.end());
    ++used;
  }
  if (seeds.empty()) return std::vector<uint32_t>(setup.network.node_count(), routing::unreachable);
  return query.all_costs(metric, seeds);
}

void tally(const Coverage& coverage, TargetCoverage& result) {
  const uint32_t limit = result.target.limit_ms();
  for (size_t s = 0; s < coverage.segments.size(); ++s) {
    if (result.arrival_ms[s] == routing::unreachable) {
      result.unreachable_km += coverage.demand_km[s];
    } else if (result.arrival_ms[s] <= limit) {
      result.covered_km += coverage.demand_km[s];
    }
  }
}

// Demand whose street middle lies within max_km (great-circle) of a station with the unit type.
DistanceCoverage distance_coverage(const geodata::RoadNetwork& network, const Scenario& scenario,
                                   const Coverage& coverage, const DistanceTarget& target) {
  DistanceCoverage result{target, 0, 0};
  std::vector<geodata::LatLon> stations;
  for (const Station& station : scenario.stations) {
    if (std::find(station.unit_types.begin(), station.unit_types.end(), target.unit_type) !=
        station.unit_types.end())
      stations.push_back(station.position);
  }
  result.stations = stations.size();
  for (size_t s = 0; s < coverage.segments.size(); ++s) {
    if (coverage.demand_km[s] == 0) continue;
    const auto a = network.node_position[coverage.segments[s].tail];
    const auto b = network.node_position[coverage.segments[s].head];
    const geodata::LatLon middle{(a.lat + b.lat) / 2, (a.lon + b.lon) / 2};
    for (const geodata::LatLon& station : stations) {
      if (geodata::haversine_m(middle, station) <= target.max_km * 1000) {
        result.covered_km += coverage.demand_km[s];
        break;
      }
    }
  }
  return result;
}

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
  std::vector<std::string> hazard_files;
  for (const auto& path : run.scenario.hazard_files) hazard_files.push_back(path.string());
  run.setup = build_routing(std::move(network), hazard_files, default_profiles_file(), log);
  run.setup->live->set_active(run.scenario.active_hazards);
  run.coverage = compute_coverage(*run.setup, run.scenario);
  assign_areas(run.coverage, run.setup->network, run.scenario, paths.osm);
  return run;
}

double share_of(double part, double whole) {
  return whole > 0 ? std::round(1000 * part / whole) / 1000 : 0;
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

Coverage coverage_ground(const geodata::RoadNetwork& network, const Scenario& scenario) {
  Coverage coverage;
  coverage.segments = routing::road_segments(network);
  for (const routing::Segment& segment : coverage.segments) {
    const uint32_t arc = segment.forward_arc;
    const double weight = scenario.demand_weight[static_cast<size_t>(network.arc_class[arc])];
    coverage.demand_km.push_back(weight * network.arc_length_m[arc] / 1000);
  }
  coverage.total_demand_km =
      std::accumulate(coverage.demand_km.begin(), coverage.demand_km.end(), 0.0);
  coverage.places = place_labels(network, coverage.segments);
  return coverage;
}

Coverage compute_coverage(const RoutingSetup& setup, const Scenario& scenario) {
  Coverage coverage = coverage_ground(setup.network, scenario);
  const geodata::Snapper snapper(setup.network);
  routing::CchQuery query(*setup.cch);
  const auto set = setup.live->current();
  for (const CoverageTarget& target : scenario.targets) {
    const uint32_t profile = routing::profile_index(setup.live->profiles(), target.unit_type);
    const routing::CchMetric& metric = set->metrics[profile];
    TargetCoverage result{target, 0, {}, 0, 0};
    const std::vector<uint32_t> field = station_field(
        setup, snapper, scenario.stations, target.unit_type, metric, query, result.stations);
    result.arrival_ms =
        routing::segment_arrivals(setup.network, coverage.segments, metric.arc_weight, field);
    tally(coverage, result);
    coverage.targets.push_back(std::move(result));
  }
  for (const DistanceTarget& target : scenario.distance_targets) {
    coverage.distance_targets.push_back(
        distance_coverage(setup.network, scenario, coverage, target));
  }
  return coverage;
}

AreaTally tally_areas(const Coverage& coverage) {
  const size_t n = coverage.areas.names.size();
  AreaTally tally{
      std::vector<double>(n, 0),
      std::vector<std::vector<double>>(coverage.targets.size(), std::vector<double>(n, 0)), 0};
  for (size_t s = 0; s < coverage.segments.size(); ++s) {
    const uint32_t area = coverage.areas.of_segment[s];
    if (area == geodata::invalid_id) {
      tally.outside += coverage.demand_km[s];
      continue;
    }
    tally.demand[area] += coverage.demand_km[s];
    for (size_t t = 0; t < coverage.targets.size(); ++t) {
      const TargetCoverage& target = coverage.targets[t];
      if (target.arrival_ms[s] <= target.target.limit_ms())
        tally.covered[t][area] += coverage.demand_km[s];
    }
  }
  return tally;
}

}  // namespace siaga::dispatch
