#include "siaga/dispatch/scenario.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "siaga/text_file.h"

namespace siaga::dispatch {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

std::string need_text(const Json& item, const char* field, const std::string& where) {
  if (!item.contains(field) || !item[field].is_string() || item[field].get<std::string>().empty())
    throw ScenarioError(where + ": \"" + field + "\" must be a non-empty string");
  return item[field].get<std::string>();
}

double need_number(const Json& item, const char* field, const std::string& where) {
  if (!item.contains(field) || !item[field].is_number())
    throw ScenarioError(where + ": \"" + field + "\" must be a number");
  return item[field].get<double>();
}

std::vector<std::string> unit_types_of(const Json& item, const std::string& where) {
  if (!item.contains("unit_types") || !item["unit_types"].is_array() || item["unit_types"].empty())
    throw ScenarioError(where + ": \"unit_types\" must be a non-empty list");
  std::vector<std::string> types;
  for (const Json& type : item["unit_types"]) {
    if (!type.is_string()) throw ScenarioError(where + ": unit types are strings");
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
    if (found == 0)
      throw ScenarioError(where + ": the map has no facility of kind \"" + kind + "\"");
    return;
  }
  const double lat = need_number(item, "lat", where), lon = need_number(item, "lon", where);
  if (!std::isfinite(lat) || !std::isfinite(lon))
    throw ScenarioError(where + ": lat/lon not finite");
  stations.push_back({need_text(item, "name", where), {lat, lon}, types});
}

void parse_demand(const Json& root, Scenario& scenario) {
  const Json demand = root.value("demand", Json::object());
  scenario.demand_note = demand.value("note", "");
  const Json weights = demand.value("road_class_weights", Json::object());
  if (!weights.is_object() || weights.empty())
    throw ScenarioError(scenario.file.string() +
                        ": demand.road_class_weights must name road classes");
  for (const auto& [name, value] : weights.items()) {
    bool known = false;
    for (int c = 0; c < geodata::road_class_count; ++c) {
      if (geodata::road_class_name(static_cast<geodata::RoadClass>(c)) != name) continue;
      if (!value.is_number() || value.get<double>() < 0)
        throw ScenarioError(scenario.file.string() + ": demand weight of " + name +
                            " must be >= 0");
      scenario.demand_weight[c] = value.get<double>();
      known = true;
    }
    if (!known)
      throw ScenarioError(scenario.file.string() + ": unknown road class \"" + name + "\"");
  }
}

std::vector<CoverageTarget> parse_targets(const Json& root, const fs::path& file) {
  const Json targets = root.value("targets", Json::array());
  if (!targets.is_array() || targets.empty()) throw ScenarioError(file.string() + ": no targets");
  std::vector<CoverageTarget> parsed;
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string where = file.string() + ": target #" + std::to_string(i + 1);
    CoverageTarget target{
        need_text(targets[i], "name", where), need_text(targets[i], "unit_type", where),
        need_number(targets[i], "minutes", where), targets[i].value("source", "")};
    if (!(target.minutes > 0 && target.minutes <= 240))
      throw ScenarioError(where + ": minutes must be in (0, 240]");
    parsed.push_back(target);
  }
  return parsed;
}

Json read_root(const fs::path& file) {
  Json root = Json::parse(read_text_file(file, "scenario"), nullptr, false);
  if (root.is_discarded() || !root.is_object())
    throw ScenarioError(file.string() + ": not a JSON object");
  return root;
}

}  // namespace

Scenario load_scenario(const fs::path& file, const geodata::RoadNetwork& network) {
  const Json root = read_root(file);
  Scenario scenario;
  scenario.file = file;
  scenario.name = root.value("name", file.stem().string());
  const Json stations = root.value("stations", Json::array());
  if (!stations.is_array() || stations.empty())
    throw ScenarioError(file.string() + ": no stations");
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
  scenario.targets = parse_targets(root, file);
  for (const Json& item : root.value("distance_targets", Json::array())) {
    const std::string where = file.string() + ": distance target";
    DistanceTarget target{need_text(item, "name", where), need_text(item, "unit_type", where),
                          need_number(item, "max_km", where), item.value("source", "")};
    if (!(target.max_km > 0 && target.max_km <= 100))
      throw ScenarioError(where + ": max_km must be in (0, 100]");
    scenario.distance_targets.push_back(target);
  }
  parse_demand(root, scenario);
  const Json areas = root.value("areas", Json::object());
  scenario.areas_admin_level = areas.value("admin_level", "6");
  if (areas.contains("seats")) {
    scenario.area_seats_file = file.parent_path() / areas["seats"].get<std::string>();
    scenario.area_seats = load_area_seats(scenario.area_seats_file);
  }
  return scenario;
}

std::vector<AreaSeat> load_area_seats(const fs::path& file) {
  const Json root = Json::parse(read_text_file(file, "the area seats file"), nullptr, false);
  if (root.is_discarded() || !root.contains("seats") || !root["seats"].is_array())
    throw ScenarioError(file.string() + ": expected {\"seats\": [...]}");
  std::vector<AreaSeat> seats;
  for (const Json& seat : root["seats"]) {
    seats.push_back(
        {need_text(seat, "name", file.string()),
         {need_number(seat, "lat", file.string()), need_number(seat, "lon", file.string())}});
  }
  return seats;
}

std::vector<CoverageTarget> load_scenario_targets(const fs::path& file) {
  return parse_targets(read_root(file), file);
}

size_t target_index(std::span<const CoverageTarget> targets, std::string_view name) {
  if (name.empty()) return 0;
  for (size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].name == name) return i;
  }
  throw InputError("no target \"" + std::string(name) + "\" in the scenario");
}

size_t target_index(const Scenario& scenario, std::string_view name) {
  return target_index(scenario.targets, name);
}

}  // namespace siaga::dispatch
