#include "siaga/dispatch/incident_classes.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace siaga::dispatch {

using geodata::Error;
using Json = nlohmann::json;
using routing::profile_index;
using routing::VehicleProfile;

bool IncidentClass::answered_by(std::string_view unit_type) const {
  return std::find(unit_types.begin(), unit_types.end(), unit_type) != unit_types.end();
}

namespace {

std::string text_field(const Json& item, const char* field, const std::string& where) {
  if (!item.contains(field) || !item[field].is_string() || item[field].get<std::string>().empty())
    throw Error(where + ": \"" + field + "\" must be a non-empty string");
  return item[field].get<std::string>();
}

IncidentClass parse_class(const Json& item, const std::string& where,
                          std::span<const VehicleProfile> profiles) {
  if (!item.is_object()) throw Error(where + " must be an object");
  IncidentClass incident;
  incident.name = text_field(item, "name", where);
  incident.description = item.value("description", "");
  const std::string named = where + " (" + incident.name + ")";
  if (!item.contains("unit_types") || !item["unit_types"].is_array() ||
      item["unit_types"].empty()) {
    throw Error(named + ": \"unit_types\" must be a non-empty list");
  }
  for (const Json& type : item["unit_types"]) {
    if (!type.is_string()) throw Error(named + ": unit types are strings");
    profile_index(profiles, type.get<std::string>());  // throws for a type with no profile
    if (incident.answered_by(type.get<std::string>()))
      throw Error(named + ": unit type " + type.get<std::string>() + " listed twice");
    incident.unit_types.push_back(type.get<std::string>());
  }
  return incident;
}

}  // namespace

std::vector<IncidentClass> parse_incident_classes(const std::string& json_text,
                                                  std::span<const VehicleProfile> profiles) {
  const Json root = Json::parse(json_text, nullptr, false);
  if (root.is_discarded()) throw Error("incident types: not valid JSON");
  if (!root.contains("incident_types") || !root["incident_types"].is_array())
    throw Error("incident types: expected {\"incident_types\": [...]}");
  std::vector<IncidentClass> classes;
  for (size_t i = 0; i < root["incident_types"].size(); ++i) {
    IncidentClass incident =
        parse_class(root["incident_types"][i], "incident type #" + std::to_string(i + 1), profiles);
    for (const IncidentClass& known : classes) {
      if (known.name == incident.name) throw Error("incident type " + known.name + " listed twice");
    }
    classes.push_back(std::move(incident));
  }
  if (classes.empty()) throw Error("incident types: the list is empty");
  return classes;
}

std::vector<IncidentClass> load_incident_classes(const std::filesystem::path& file,
                                                 std::span<const VehicleProfile> profiles) {
  std::ifstream in(file);
  if (!in) throw Error("cannot read incident types " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse_incident_classes(text.str(), profiles);
}

const IncidentClass& incident_class(std::span<const IncidentClass> classes, std::string_view name) {
  std::string known;
  for (const IncidentClass& incident : classes) {
    if (incident.name == name) return incident;
    known += (known.empty() ? "" : ", ") + incident.name;
  }
  throw Error("unknown incident type \"" + std::string(name) + "\" (known: " + known + ")");
}

}  // namespace siaga::dispatch
