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

}  // namespace

double share_of(double part, double whole) {
  return whole > 0 ? std::round(1000 * part / whole) / 1000 : 0;
}

Coverage coverage_ground(const geodata::RoadNetwork& network, const Scenario& scenario,
                         routing::Segments streets) {
  Coverage coverage;
  coverage.segments =
      streets.empty() ? routing::Segments(routing::road_segments(network)) : std::move(streets);
  coverage.demand_km.reserve(coverage.segments.size());
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
