#include "siaga/dispatch/coverage_report.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "siaga/geodata/vector_output.h"

namespace siaga::dispatch {

namespace fs = std::filesystem;
using geodata::FieldSpec;
using geodata::VectorOutput;

namespace {

double minutes_of(uint32_t ms) {
  return std::round(ms / 6000.0) / 10;
}

// The named streets with the most demand beyond the target, with their worst arrival.
Json worst_places(const Coverage& coverage, const TargetCoverage& target, size_t count) {
  const uint32_t limit = target.target.limit_ms();
  std::map<std::string, std::pair<double, uint32_t>> uncovered;  // place → (km, worst ms)
  for (size_t s = 0; s < coverage.segments.size(); ++s) {
    if (coverage.demand_km[s] == 0 || target.arrival_ms[s] <= limit) continue;
    auto& [demand, worst] = uncovered[coverage.places[s]];
    demand += coverage.demand_km[s];
    worst = std::max(worst, target.arrival_ms[s]);
  }
  std::vector<std::pair<std::string, std::pair<double, uint32_t>>> places(uncovered.begin(),
                                                                          uncovered.end());
  std::sort(places.begin(), places.end(),
            [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  Json list = Json::array();
  for (size_t i = 0; i < std::min(count, places.size()); ++i) {
    const auto& [name, value] = places[i];
    list.push_back(
        {{"place", name},
         {"demand_km_beyond_target", std::round(value.first * 100) / 100},
         {"worst_minutes",
          value.second == routing::unreachable ? Json(nullptr) : Json(minutes_of(value.second))}});
  }
  return list;
}

Json areas_json(const Coverage& coverage) {
  const AreaAssignment& areas = coverage.areas;
  if (areas.names.empty()) return {{"method", "none: no boundaries in the data and no seats file"}};
  const AreaTally tally = tally_areas(coverage);
  Json list = Json::array();
  for (size_t a = 0; a < areas.names.size(); ++a) {
    Json shares = Json::object();
    for (size_t t = 0; t < coverage.targets.size(); ++t)
      shares[coverage.targets[t].target.name] = share_of(tally.covered[t][a], tally.demand[a]);
    list.push_back({{"name", areas.names[a]},
                    {"demand_km", std::round(tally.demand[a] * 100) / 100},
                    {"share", shares}});
  }
  return {{"method", areas.method},
          {"outside_km", std::round(tally.outside * 100) / 100},
          {"list", list}};
}

const char* driver_for(const fs::path& file) {
  const std::string extension = file.extension().string();
  const char* driver = extension == ".gpkg"      ? "GPKG"
                       : extension == ".geojson" ? "GeoJSON"
                                                 : nullptr;
  if (!driver) throw InputError("--out must end in .gpkg or .geojson");
  return driver;
}

Json active_zones(const RoutingSetup& setup) {
  Json active = Json::array();
  const auto set = setup.live->current();
  for (uint32_t zone = 0; zone < set->active.size(); ++zone) {
    if (set->active[zone]) active.push_back(setup.live->hazards().zones[zone].id);
  }
  return active;
}

}  // namespace

Json coverage_json(const RoutingSetup& setup, const Scenario& scenario, const Coverage& coverage) {
  Json out = dataset_label(setup.network);
  out["scenario"] = scenario.name;
  out["stations"] = scenario.stations.size();
  out["hazards_active"] = active_zones(setup);
  out["demand"] = {{"proxy", "road length weighted by class (km)"},
                   {"note", scenario.demand_note},
                   {"total_km", std::round(coverage.total_demand_km * 100) / 100}};
  Json targets = Json::array();
  for (const TargetCoverage& target : coverage.targets) {
    targets.push_back({{"name", target.target.name},
                       {"unit_type", target.target.unit_type},
                       {"minutes", target.target.minutes},
                       {"source", target.target.source},
                       {"stations", target.stations},
                       {"covered_km", std::round(target.covered_km * 100) / 100},
                       {"share", share_of(target.covered_km, coverage.total_demand_km)},
                       {"unreachable_km", std::round(target.unreachable_km * 100) / 100},
                       {"worst_served", worst_places(coverage, target, 10)}});
  }
  out["targets"] = targets;
  Json distance = Json::array();
  for (const DistanceCoverage& target : coverage.distance_targets) {
    distance.push_back({{"name", target.target.name},
                        {"unit_type", target.target.unit_type},
                        {"max_km", target.target.max_km},
                        {"source", target.target.source},
                        {"stations", target.stations},
                        {"covered_km", std::round(target.covered_km * 100) / 100},
                        {"share", share_of(target.covered_km, coverage.total_demand_km)}});
  }
  out["distance_targets"] = distance;
  out["areas"] = areas_json(coverage);
  return out;
}

Json compare_json(const RoutingSetup& setup, const Scenario& base, const Coverage& base_coverage,
                  const Scenario& other, const Coverage& other_coverage) {
  Json out = dataset_label(setup.network);
  out["baseline"] = coverage_json(setup, base, base_coverage);
  out["scenario"] = other.name;
  Json changes = Json::array();
  for (size_t t = 0; t < base_coverage.targets.size(); ++t) {
    const TargetCoverage& before = base_coverage.targets[t];
    const auto after = std::find_if(other_coverage.targets.begin(), other_coverage.targets.end(),
                                    [&](const TargetCoverage& candidate) {
                                      return candidate.target.name == before.target.name;
                                    });
    if (after == other_coverage.targets.end()) continue;
    const uint32_t limit = before.target.limit_ms();
    std::map<std::string, double> lost;  // place → demand km that drops out of the target
    for (size_t s = 0; s < base_coverage.segments.size(); ++s) {
      if (base_coverage.demand_km[s] > 0 && before.arrival_ms[s] <= limit &&
          after->arrival_ms[s] > limit)
        lost[base_coverage.places[s]] += base_coverage.demand_km[s];
    }
    std::vector<std::pair<std::string, double>> places(lost.begin(), lost.end());
    std::sort(places.begin(), places.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    Json losing = Json::array();
    for (size_t i = 0; i < std::min<size_t>(10, places.size()); ++i) {
      losing.push_back({{"place", places[i].first},
                        {"demand_km_lost", std::round(places[i].second * 100) / 100}});
    }
    const double share_before = share_of(before.covered_km, base_coverage.total_demand_km);
    const double share_after = share_of(after->covered_km, other_coverage.total_demand_km);
    changes.push_back({{"name", before.target.name},
                       {"minutes", before.target.minutes},
                       {"share_baseline", share_before},
                       {"share_scenario", share_after},
                       {"share_lost", std::round(1000 * (share_before - share_after)) / 1000},
                       {"places_losing_coverage", losing}});
  }
  out["hazards_active_in_scenario"] = other.active_hazards;
  out["changes"] = changes;
  return out;
}

void write_segments(const fs::path& file, const RoutingSetup& setup, const Coverage& coverage) {
  std::vector<geodata::FieldSpec> fields = {{"place", OFTString}, {"demand_km", OFTReal}};
  for (const TargetCoverage& target : coverage.targets)
    fields.push_back({"minutes_" + target.target.name, OFTReal});
  geodata::VectorOutput output(file, driver_for(file), "coverage", wkbLineString, fields, 6);
  for (size_t s = 0; s < coverage.segments.size(); ++s) {
    const routing::Segment& segment = coverage.segments[s];
    OGRFeature feature(output.definition());
    feature.SetField("place", coverage.places[s].c_str());
    feature.SetField("demand_km", coverage.demand_km[s]);
    for (const TargetCoverage& target : coverage.targets) {
      const std::string field = "minutes_" + target.target.name;
      if (target.arrival_ms[s] == routing::unreachable) {
        feature.SetFieldNull(feature.GetFieldIndex(field.c_str()));
      } else {
        feature.SetField(field.c_str(), target.arrival_ms[s] / 60000.0);
      }
    }
    OGRLineString line;
    for (uint32_t node : {segment.tail, segment.head}) {
      line.addPoint(setup.network.node_position[node].lon, setup.network.node_position[node].lat);
    }
    feature.SetGeometry(&line);
    output.add(feature, "segment " + std::to_string(s));
  }
  output.commit();
}

void write_areas(const fs::path& file, const Coverage& coverage) {
  const AreaAssignment& areas = coverage.areas;
  std::vector<geodata::FieldSpec> fields = {
      {"name", OFTString}, {"method", OFTString}, {"demand_km", OFTReal}};
  for (const TargetCoverage& target : coverage.targets)
    fields.push_back({"share_" + target.target.name, OFTReal});
  geodata::VectorOutput output(file, driver_for(file), "areas", wkbUnknown, fields, 6);
  const AreaTally tally = tally_areas(coverage);
  for (size_t a = 0; a < areas.names.size(); ++a) {
    OGRFeature feature(output.definition());
    feature.SetField("name", areas.names[a].c_str());
    feature.SetField("method", areas.method.c_str());
    feature.SetField("demand_km", tally.demand[a]);
    for (size_t t = 0; t < coverage.targets.size(); ++t) {
      feature.SetField(("share_" + coverage.targets[t].target.name).c_str(),
                       share_of(tally.covered[t][a], tally.demand[a]));
    }
    if (a < areas.polygons.size()) {
      OGRMultiPolygon multi;
      for (const geodata::PolygonRings& rings : areas.polygons[a]) {
        OGRPolygon polygon;
        auto add_ring = [&polygon](const geodata::Ring& ring) {
          OGRLinearRing linear;
          for (const geodata::LatLon& p : ring) linear.addPoint(p.lon, p.lat);
          polygon.addRing(&linear);
        };
        add_ring(rings.outer);
        for (const geodata::Ring& hole : rings.holes) add_ring(hole);
        multi.addGeometry(&polygon);
      }
      feature.SetGeometry(&multi);
    } else if (a < areas.seats.size()) {
      OGRPoint point(areas.seats[a].lon, areas.seats[a].lat);
      feature.SetGeometry(&point);
    }
    output.add(feature, "area " + areas.names[a]);
  }
  output.commit();
}

}  // namespace siaga::dispatch
