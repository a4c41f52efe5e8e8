#include "siaga/dispatch/incident_classes.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "siaga/text_file.h"

namespace siaga::dispatch {

using Json = nlohmann::json;
using routing::profile_index;
using routing::VehicleProfile;

bool IncidentClass::answered_by(std::string_view unit_type) const {
  return std::find(unit_types.begin(), unit_types.end(), unit_type) != unit_types.end();
}

namespace {

std::string text_field(const Json& item, const char* field, const std::string& where) {
  if (!item.contains(field) || !item[field].is_string() || item[field].get<std::string>().empty())
    throw IncidentClassesError(where + ": \"" + field + "\" must be a non-empty string");
  return item[field].get<std::string>();
}

IncidentClass parse_class(const Json& item, const std::string& where,
                          std::span<const VehicleProfile> profiles) {
  if (!item.is_object()) throw IncidentClassesError(where + " must be an object");
  IncidentClass incident;
  incident.name = text_field(item, "name", where);
  incident.description = item.value("description", "");
  const std::string named = where + " (" + incident.name + ")";
  if (!item.contains("unit_types") || !item["unit_types"].is_array() ||
      item["unit_types"].empty()) {
    throw IncidentClassesError(named + ": \"unit_types\" must be a non-empty list");
  }
  for (const Json& type : item["unit_types"]) {
    if (!type.is_string()) throw IncidentClassesError(named + ": unit types are strings");
    try {
      profile_index(profiles, type.get<std::string>());
    } catch (const routing::UnknownVehicle& error) {  // the file's fault, not a caller's
      throw IncidentClassesError(named + ": " + error.what());
    }
    if (incident.answered_by(type.get<std::string>()))
      throw IncidentClassesError(named + ": unit type " + type.get<std::string>() +
                                 " listed twice");
    incident.unit_types.push_back(type.get<std::string>());
  }
  return incident;
}

}  // namespace

std::vector<IncidentClass> parse_incident_classes(const std::string& json_text,
                                                  std::span<const VehicleProfile> profiles) {
  const Json root = Json::parse(json_text, nullptr, false);
  if (root.is_discarded()) throw IncidentClassesError("incident types: not valid JSON");
  if (!root.contains("incident_types") || !root["incident_types"].is_array())
    throw IncidentClassesError("incident types: expected {\"incident_types\": [...]}");
  std::vector<IncidentClass> classes;
  for (size_t i = 0; i < root["incident_types"].size(); ++i) {
    IncidentClass incident =
        parse_class(root["incident_types"][i], "incident type #" + std::to_string(i + 1), profiles);
    for (const IncidentClass& known : classes) {
      if (known.name == incident.name)
        throw IncidentClassesError("incident type " + known.name + " listed twice");
    }
    classes.push_back(std::move(incident));
  }
  if (classes.empty()) throw IncidentClassesError("incident types: the list is empty");
  return classes;
}

std::vector<IncidentClass> load_incident_classes(const std::filesystem::path& file,
                                                 std::span<const VehicleProfile> profiles) {
  return parse_incident_classes(read_text_file(file, "incident types"), profiles);
}

const IncidentClass& incident_class(std::span<const IncidentClass> classes, std::string_view name) {
  std::string known;
  for (const IncidentClass& incident : classes) {
    if (incident.name == name) return incident;
    known += (known.empty() ? "" : ", ") + incident.name;
  }
  throw UnknownIncidentClass("unknown incident type \"" + std::string(name) +
                             "\" (known: " + known + ")");
}

}  // namespace siaga::dispatch
