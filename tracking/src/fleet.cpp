#include "siaga/tracking/fleet.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "siaga/text_file.h"

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
  for (const Json& tracker : json.value("trackers", Json::array())) {
    if (!tracker.is_object()) throw FleetError("a tracker is {\"id\", \"secret\"}");
    Tracker parsed{text_field(tracker, "id", true), text_field(tracker, "secret", false)};
    if (parsed.id.empty() || parsed.id.size() > 64)
      throw FleetError("a tracker's id is 1 to 64 characters");
    if (!parsed.secret.empty() && parsed.secret.size() < 16)
      throw FleetError("tracker " + parsed.id + ": the secret is shorter than 16 characters");
    unit.trackers.push_back(std::move(parsed));
  }
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

std::optional<std::pair<const Unit*, const Tracker*>> Fleet::find_tracker(
    std::string_view id) const {
  for (const Unit& unit : units) {
    for (const Tracker& tracker : unit.trackers) {
      if (tracker.id == id) return std::pair{&unit, &tracker};
    }
  }
  return std::nullopt;
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
      for (const Tracker& tracker : unit.trackers) {
        if (!devices.insert("tracker:" + tracker.id).second)
          throw FleetError("tracker \"" + tracker.id + "\" is given twice");
      }
      fleet.units.push_back(std::move(unit));
    } catch (const std::exception& error) {
      throw FleetError(source_name + ": unit " + std::to_string(i + 1) + ": " + error.what());
    }
  }
  for (const Json& forwarder : json.value("forwarders", Json::array())) {
    Forwarder parsed{text_field(forwarder, "name", true), text_field(forwarder, "secret", true)};
    if (parsed.secret.size() < 16)
      throw FleetError(source_name + ": forwarder " + parsed.name +
                       ": the secret is shorter than 16 characters");
    fleet.forwarders.push_back(std::move(parsed));
  }
  return fleet;
}

Fleet load_fleet(const std::filesystem::path& file) {
  return parse_fleet(read_text_file(file, "the fleet file"), file.string());
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
    for (const Tracker& tracker : unit.trackers)
      json["trackers"].push_back({{"id", tracker.id}, {"secret", tracker.secret}});
    units.push_back(std::move(json));
  }
  Json out = {{"sample", fleet.sample}, {"note", fleet.note}, {"units", units}};
  for (const Forwarder& forwarder : fleet.forwarders)
    out["forwarders"].push_back({{"name", forwarder.name}, {"secret", forwarder.secret}});
  return out.dump(2) + "\n";
}

}  // namespace siaga::tracking
