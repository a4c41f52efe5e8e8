#include "siaga/dispatch/coverage.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>

#include "siaga/geodata/areas.h"
#include "siaga/geodata/vector_output.h"
#include "siaga/routing/route.h"

namespace siaga::dispatch {

namespace fs = std::filesystem;
using geodata::Error;

namespace {

std::string need_text(const Json& item, const char* field, const std::string& where) {
  if (!item.contains(field) || !item[field].is_string() || item[field].get<std::string>().empty())
    throw Error(where + ": \"" + field + "\" must be a non-empty string");
  return item[field].get<std::string>();
}

double need_number(const Json& item, const char* field, const std::string& where) {
  if (!item.contains(field) || !item[field].is_number())
    throw Error(where + ": \"" + field + "\" must be a number");
  return item[field].get<double>();
}

std::vector<std::string> unit_types_of(const Json& item, const std::string& where) {
  if (!item.contains("unit_types") || !item["unit_types"].is_array() || item["unit_types"].empty())
    throw Error(where + ": \"unit_types\" must be a non-empty list");
  std::vector<std::string> types;
  for (const Json& type : item["unit_types"]) {
    if (!type.is_string()) throw Error(where + ": unit types are strings");
    types.push_back(type.get<std::string>());
  }
  return types;
}

// {"facilities": "fire_station", "unit_types": [...]} → every facility of that kind;
// {"name": ..., "lat": ..., "lon": ..., "unit_types": [...]} → one station.
void add_stations(const Json& item, const std::string& where, const geodata::RoadNetwork& network,
                  std::vector<Station>& stations) {
  const std::vector<std::string> types = unit_types_of(item, where);
  if (item.contains("facilities")) {
    const std::string kind = need_text(item, "facilities", where);
    size_t found = 0;
    for (const geodata::Facility& facility : network.facilities) {
      if (geodata::facility_kind_name(facility.kind) != kind) continue;
      stations.push_back({facility.name, facility.position, types});
      ++found;
    }
    if (found == 0) throw Error(where + ": the map has no facility of kind \"" + kind + "\"");
    return;
  }
  const double lat = need_number(item, "lat", where), lon = need_number(item, "lon", where);
  if (!std::isfinite(lat) || !std::isfinite(lon)) throw Error(where + ": lat/lon not finite");
  stations.push_back({need_text(item, "name", where), {lat, lon}, types});
}

void parse_demand(const Json& root, Scenario& scenario) {
  const Json demand = root.value("demand", Json::object());
  scenario.demand_note = demand.value("note", "");
  const Json weights = demand.value("road_class_weights", Json::object());
  if (!weights.is_object() || weights.empty())
    throw Error(scenario.file.string() + ": demand.road_class_weights must name road classes");
  for (const auto& [name, value] : weights.items()) {
    bool known = false;
    for (int c = 0; c < geodata::road_class_count; ++c) {
      if (geodata::road_class_name(static_cast<geodata::RoadClass>(c)) != name) continue;
      if (!value.is_number() || value.get<double>() < 0)
        throw Error(scenario.file.string() + ": demand weight of " + name + " must be >= 0");
      scenario.demand_weight[c] = value.get<double>();
      known = true;
    }
    if (!known) throw Error(scenario.file.string() + ": unknown road class \"" + name + "\"");
  }
}

double minutes_of(uint32_t ms) {
  return std::round(ms / 6000.0) / 10;
}
double share(double part, double whole) {
  return whole > 0 ? std::round(1000 * part / whole) / 1000 : 0;
}

std::string segment_name(const geodata::RoadNetwork& network, const routing::Segment& segment) {
  return network.way_name[network.arc_way[segment.forward_arc]];
}

// A label for every segment that a planner can find on a map: its street name, or for the many
// unnamed village streets "near" the named street fewest hops away (breadth-first over the graph
// from every node on a named street).
std::vector<uint32_t> nearest_named_way(const geodata::RoadNetwork& network) {
  const std::vector<uint32_t> tails = geodata::arc_tails(network);
  std::vector<uint32_t> named_way(network.node_count(), geodata::invalid_id);
  std::vector<uint32_t> queue;
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    const uint32_t way = network.arc_way[arc];
    if (network.way_name[way].empty()) continue;
    for (uint32_t node : {tails[arc], network.arc_head[arc]}) {
      if (named_way[node] != geodata::invalid_id) continue;
      named_way[node] = way;
      queue.push_back(node);
    }
  }
  for (size_t next = 0; next < queue.size(); ++next) {  // arcs both ways: streets are streets
    const uint32_t node = queue[next];
    for (uint32_t arc = network.first_out[node]; arc < network.first_out[node + 1]; ++arc) {
      const uint32_t head = network.arc_head[arc];
      if (named_way[head] == geodata::invalid_id) {
        named_way[head] = named_way[node];
        queue.push_back(head);
      }
    }
  }
  return named_way;
}

std::string node_label(const geodata::RoadNetwork& network, std::span<const uint32_t> named_way,
                       uint32_t node) {
  const uint32_t way = named_way[node];
  return way == geodata::invalid_id ? "(unnamed streets)" : "near " + network.way_name[way];
}

std::vector<std::string> place_labels(const geodata::RoadNetwork& network,
                                      std::span<const routing::Segment> segments) {
  const std::vector<uint32_t> named_way = nearest_named_way(network);
  std::vector<std::string> labels;
  for (const routing::Segment& segment : segments) {
    std::string name = segment_name(network, segment);
    labels.push_back(name.empty() ? node_label(network, named_way, segment.tail) : name);
  }
  return labels;
}

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
    const routing::SnapSeeds snap =
        routing::source_seeds(snapper.snap(station.position, {5000}), metric.arc_weight);
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

}  // namespace

namespace {

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

Scenario load_scenario(const fs::path& file, const geodata::RoadNetwork& network) {
  std::ifstream in(file);
  if (!in) throw Error("cannot read scenario " + file.string());
  const Json root = Json::parse(in, nullptr, false);
  if (root.is_discarded() || !root.is_object()) throw Error(file.string() + ": not a JSON object");
  Scenario scenario;
  scenario.file = file;
  scenario.name = root.value("name", file.stem().string());
  const Json stations = root.value("stations", Json::array());
  if (!stations.is_array() || stations.empty()) throw Error(file.string() + ": no stations");
  for (size_t i = 0; i < stations.size(); ++i) {
    add_stations(stations[i], file.string() + ": station #" + std::to_string(i + 1), network,
                 scenario.stations);
  }
  const Json hazards = root.value("hazards", Json::object());
  for (const Json& name : hazards.value("files", Json::array())) {
    scenario.hazard_files.push_back(file.parent_path() / name.get<std::string>());
  }
  for (const Json& id : hazards.value("active", Json::array()))
    scenario.active_hazards.push_back(id.get<std::string>());
  const Json targets = root.value("targets", Json::array());
  if (!targets.is_array() || targets.empty()) throw Error(file.string() + ": no targets");
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string where = file.string() + ": target #" + std::to_string(i + 1);
    CoverageTarget target{
        need_text(targets[i], "name", where), need_text(targets[i], "unit_type", where),
        need_number(targets[i], "minutes", where), targets[i].value("source", "")};
    if (!(target.minutes > 0 && target.minutes <= 240))
      throw Error(where + ": minutes must be in (0, 240]");
    scenario.targets.push_back(target);
  }
  for (const Json& item : root.value("distance_targets", Json::array())) {
    const std::string where = file.string() + ": distance target";
    DistanceTarget target{need_text(item, "name", where), need_text(item, "unit_type", where),
                          need_number(item, "max_km", where), item.value("source", "")};
    if (!(target.max_km > 0 && target.max_km <= 100))
      throw Error(where + ": max_km must be in (0, 100]");
    scenario.distance_targets.push_back(target);
  }
  parse_demand(root, scenario);
  const Json areas = root.value("areas", Json::object());
  scenario.areas_admin_level = areas.value("admin_level", "6");
  if (areas.contains("seats"))
    scenario.area_seats_file = file.parent_path() / areas["seats"].get<std::string>();
  return scenario;
}

namespace {

std::vector<geodata::LatLon> segment_middles(const geodata::RoadNetwork& network,
                                             std::span<const routing::Segment> segments) {
  std::vector<geodata::LatLon> middles;
  for (const routing::Segment& segment : segments) {
    const auto a = network.node_position[segment.tail], b = network.node_position[segment.head];
    middles.push_back({(a.lat + b.lat) / 2, (a.lon + b.lon) / 2});
  }
  return middles;
}

AreaAssignment nearest_seat(const fs::path& file, std::span<const geodata::LatLon> points) {
  std::ifstream in(file);
  const Json root = Json::parse(in, nullptr, false);
  if (!in || root.is_discarded() || !root.contains("seats") || !root["seats"].is_array())
    throw Error("cannot read the area seats file " + file.string());
  AreaAssignment areas;
  areas.method = "nearest kecamatan seat (approximate; " + file.filename().string() + ")";
  std::vector<geodata::LatLon> seats;
  for (const Json& seat : root["seats"]) {
    areas.names.push_back(need_text(seat, "name", file.string()));
    seats.push_back(
        {need_number(seat, "lat", file.string()), need_number(seat, "lon", file.string())});
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
  } else if (!scenario.area_seats_file.empty()) {
    coverage.areas = nearest_seat(scenario.area_seats_file, middles);
  }
}

Coverage compute_coverage(const RoutingSetup& setup, const Scenario& scenario) {
  Coverage coverage;
  coverage.segments = routing::road_segments(setup.network);
  for (const routing::Segment& segment : coverage.segments) {
    const uint32_t arc = segment.forward_arc;
    const double weight = scenario.demand_weight[static_cast<size_t>(setup.network.arc_class[arc])];
    coverage.demand_km.push_back(weight * setup.network.arc_length_m[arc] / 1000);
  }
  coverage.total_demand_km =
      std::accumulate(coverage.demand_km.begin(), coverage.demand_km.end(), 0.0);
  coverage.places = place_labels(setup.network, coverage.segments);
  const geodata::Snapper snapper(setup.network);
  routing::CchQuery query(*setup.cch);
  const auto set = setup.live->current();
  for (const CoverageTarget& target : scenario.targets) {
    const uint32_t profile = routing::profile_index(setup.live->profiles(), target.unit_type);
    const routing::CchMetric& metric = set->metrics[profile];
    TargetCoverage result{target, 0, {}, 0, 0};
    const std::vector<uint32_t> field = station_field(
        setup, snapper, scenario.stations, target.unit_type, metric, query, result.stations);
    result.arrival_ms = routing::segment_arrivals(coverage.segments, metric.arc_weight, field);
    tally(coverage, result);
    coverage.targets.push_back(std::move(result));
  }
  for (const DistanceTarget& target : scenario.distance_targets) {
    coverage.distance_targets.push_back(
        distance_coverage(setup.network, scenario, coverage, target));
  }
  return coverage;
}

namespace {

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

// Demand, and demand within each target, per area.
struct AreaTally {
  std::vector<double> demand;                // per area
  std::vector<std::vector<double>> covered;  // per target, per area
  double outside = 0;
};

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

Json areas_json(const Coverage& coverage) {
  const AreaAssignment& areas = coverage.areas;
  if (areas.names.empty()) return {{"method", "none: no boundaries in the data and no seats file"}};
  const AreaTally tally = tally_areas(coverage);
  Json list = Json::array();
  for (size_t a = 0; a < areas.names.size(); ++a) {
    Json shares = Json::object();
    for (size_t t = 0; t < coverage.targets.size(); ++t)
      shares[coverage.targets[t].target.name] = share(tally.covered[t][a], tally.demand[a]);
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
  if (!driver) throw Error("--out must end in .gpkg or .geojson");
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
                       {"share", share(target.covered_km, coverage.total_demand_km)},
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
                        {"share", share(target.covered_km, coverage.total_demand_km)}});
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
    const double share_before = share(before.covered_km, base_coverage.total_demand_km);
    const double share_after = share(after->covered_km, other_coverage.total_demand_km);
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
                       share(tally.covered[t][a], tally.demand[a]));
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

std::vector<SiteSuggestion> plan_stations(const RoutingSetup& setup, const Coverage& coverage,
                                          size_t target_index, size_t k,
                                          const std::function<void(size_t, size_t)>& progress) {
  const TargetCoverage& target = coverage.targets.at(target_index);
  const uint32_t limit = target.target.limit_ms();
  const uint32_t profile = routing::profile_index(setup.live->profiles(), target.target.unit_type);
  const auto set = setup.live->current();
  const routing::CchMetric& metric = set->metrics[profile];
  // Candidate sites: nodes on the main roads, where a station can be reached and can leave.
  std::vector<uint32_t> candidates;
  const std::vector<uint32_t> tails = geodata::arc_tails(setup.network);
  std::vector<uint8_t> seen(setup.network.node_count(), 0);
  for (uint32_t arc = 0; arc < setup.network.arc_count(); ++arc) {
    if (setup.network.arc_class[arc] > geodata::RoadClass::tertiary || seen[tails[arc]]) continue;
    seen[tails[arc]] = 1;
    candidates.push_back(tails[arc]);
  }
  // Each candidate's newly covered segments: the demand beyond the target today that it reaches.
  std::vector<std::vector<uint32_t>> gains(candidates.size());
  std::vector<uint8_t> covered(coverage.segments.size());
  for (size_t s = 0; s < coverage.segments.size(); ++s) covered[s] = target.arrival_ms[s] <= limit;
  routing::CchQuery query(*setup.cch);
  std::vector<uint32_t> field, arrivals;  // reused: eleven thousand sweeps
  for (size_t c = 0; c < candidates.size(); ++c) {
    const routing::Seed seed[] = {{candidates[c], 0}};
    query.all_costs(metric, seed, field);
    routing::segment_arrivals(coverage.segments, metric.arc_weight, field, arrivals);
    for (size_t s = 0; s < arrivals.size(); ++s) {
      if (!covered[s] && coverage.demand_km[s] > 0 && arrivals[s] <= limit)
        gains[c].push_back(static_cast<uint32_t>(s));
    }
    if (progress && (c % 64 == 0 || c + 1 == candidates.size())) progress(c + 1, candidates.size());
  }
  std::vector<SiteSuggestion> suggestions;
  const std::vector<uint32_t> named_way = nearest_named_way(setup.network);
  double covered_km = target.covered_km;
  for (size_t round = 0; round < k; ++round) {
    size_t best = candidates.size();
    double best_gain = 0;
    for (size_t c = 0; c < candidates.size(); ++c) {
      double gain = 0;
      for (uint32_t s : gains[c]) gain += covered[s] ? 0 : coverage.demand_km[s];
      if (gain > best_gain) best_gain = gain, best = c;
    }
    if (best == candidates.size()) break;  // nothing left to gain
    for (uint32_t s : gains[best]) covered[s] = 1;
    covered_km += best_gain;
    const uint32_t node = candidates[best];
    suggestions.push_back(
        {setup.network.node_position[node], node_label(setup.network, named_way, node),
         std::round(best_gain * 100) / 100, share(covered_km, coverage.total_demand_km)});
  }
  return suggestions;
}

}  // namespace siaga::dispatch
