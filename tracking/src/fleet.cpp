#include "siaga/tracking/fleet.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace siaga::tracking {

namespace {

using Json = nlohmann::json;

// The same rule as mqtt::valid_unit_id (ids are topic levels); tracking may not depend on mqtt,
// so the fleet file is checked here, at load, and the topic parser checks what arrives.
bool valid_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::string text_field(const Json& unit, const char* name, bool required) {
  const auto it = unit.find(name);
  if (it == unit.end() || it->is_null()) {
    if (required) throw FleetError(std::string("missing \"") + name + "\"");
    return {};
  }
  if (!it->is_string()) throw FleetError(std::string("\"") + name + "\" must be a string");
  return it->get<std::string>();
}

Unit parse_unit(const Json& json) {
  if (!json.is_object()) throw FleetError("a unit must be an object");
  Unit unit;
  unit.id = text_field(json, "id", true);
  if (!valid_id(unit.id)) {
    throw FleetError("id \"" + unit.id + "\" must be 1-64 characters of A-Z a-z 0-9 _ -");
  }
  unit.call_sign = text_field(json, "call_sign", false);
  unit.type = text_field(json, "type", true);
  if (std::find(unit_types.begin(), unit_types.end(), unit.type) == unit_types.end()) {
    throw FleetError("type \"" + unit.type + "\" is not ambulance, fire_truck, rescue or police");
  }
  unit.agency = text_field(json, "agency", false);
  unit.home_station = text_field(json, "home_station", false);
  unit.owntracks = text_field(json, "owntracks", false);
  const auto home = json.find("home");
  if (home == json.end() || !home->is_object() || !home->contains("lat") ||
      !home->contains("lon") || !(*home)["lat"].is_number() || !(*home)["lon"].is_number()) {
    throw FleetError("\"home\" must be {\"lat\": number, \"lon\": number}");
  }
  unit.home = {(*home)["lat"].get<double>(), (*home)["lon"].get<double>()};
  if (!std::isfinite(unit.home.lat) || !std::isfinite(unit.home.lon) ||
      std::abs(unit.home.lat) > 90 || std::abs(unit.home.lon) > 180) {
    throw FleetError("\"home\" is not a WGS84 position");
  }
  return unit;
}

}  // namespace

const Unit* Fleet::find(std::string_view id) const {
  for (const Unit& unit : units) {
    if (unit.id == id) return &unit;
  }
  return nullptr;
}

const Unit* Fleet::find_owntracks(std::string_view user_device) const {
  for (const Unit& unit : units) {
    if (!unit.owntracks.empty() && unit.owntracks == user_device) return &unit;
  }
  return nullptr;
}

Fleet parse_fleet(std::string_view json_text, const std::string& source_name) {
  Json json;
  try {
    json = Json::parse(json_text);
  } catch (const Json::exception& error) {
    throw FleetError(source_name + ": not JSON: " + error.what());
  }
  if (!json.is_object() || !json.contains("units") || !json["units"].is_array()) {
    throw FleetError(source_name + ": expected {\"units\": [...]}");
  }
  Fleet fleet;
  fleet.sample = json.value("sample", false);
  fleet.note = json.value("note", "");
  std::set<std::string> ids, devices;
  for (size_t i = 0; i < json["units"].size(); ++i) {
    try {
      Unit unit = parse_unit(json["units"][i]);
      if (!ids.insert(unit.id).second) throw FleetError("duplicate id \"" + unit.id + "\"");
      if (!unit.owntracks.empty() && !devices.insert(unit.owntracks).second) {
        throw FleetError("OwnTracks device \"" + unit.owntracks + "\" is given twice");
      }
      fleet.units.push_back(std::move(unit));
    } catch (const std::exception& error) {
      throw FleetError(source_name + ": unit " + std::to_string(i + 1) + ": " + error.what());
    }
  }
  return fleet;
}

Fleet load_fleet(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot read the fleet file " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  return parse_fleet(text.str(), file.string());
}

std::string fleet_json(const Fleet& fleet) {
  Json units = Json::array();
  for (const Unit& unit : fleet.units) {
    Json json = {{"id", unit.id},
                 {"call_sign", unit.call_sign},
                 {"type", unit.type},
                 {"agency", unit.agency},
                 {"home_station", unit.home_station},
                 {"home", {{"lat", unit.home.lat}, {"lon", unit.home.lon}}}};
    if (!unit.owntracks.empty()) json["owntracks"] = unit.owntracks;
    units.push_back(std::move(json));
  }
  return Json{{"sample", fleet.sample}, {"note", fleet.note}, {"units", units}}.dump(2) + "\n";
}

}  // namespace siaga::tracking
