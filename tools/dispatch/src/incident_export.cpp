#include "siaga/dispatch/incident_export.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace siaga::dispatch {

namespace {

// A CSV field: quoted, inner quotes doubled.
std::string field(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string unit_list(const tracking::Incident& incident) {
  std::string units;
  for (const tracking::UnitAssignment& unit : incident.units)
    units += (units.empty() ? "" : ";") + unit.unit_id;
  return units;
}

// Seconds from the call to its first unit on scene, or a negative number when none arrived.
double response_s(const tracking::Incident& incident) {
  int64_t first = 0;
  for (const tracking::UnitAssignment& unit : incident.units) {
    if (unit.on_scene_ms && (!first || unit.on_scene_ms < first)) first = unit.on_scene_ms;
  }
  return first ? static_cast<double>(first - incident.created_ms) / 1000 : -1;
}

}  // namespace

std::string incidents_csv(std::span<const tracking::Incident> incidents) {
  std::string csv =
      "id,created_ms,class,subtype,call_type,priority,status,source,lat,lon,road,kecamatan,desa,"
      "units,response_s,closed_ms\n";
  for (const tracking::Incident& incident : incidents) {
    const tracking::Location& at = incident.location;
    char numbers[160];
    std::snprintf(numbers, sizeof numbers, "%.6f,%.6f", at.lat, at.lon);
    const double response = response_s(incident);
    csv += incident.id + "," + std::to_string(incident.created_ms) + "," +
           field(incident.incident_class) + "," + field(incident.subtype) + "," +
           std::string(tracking::call_type_name(incident.call_type)) + "," +
           std::to_string(incident.priority) + "," +
           std::string(tracking::incident_status_name(incident.status)) + "," +
           field(incident.source) + "," + numbers + "," + field(at.road) + "," +
           field(at.kecamatan) + "," + field(at.desa) + "," + field(unit_list(incident)) + "," +
           (response < 0 ? std::string() : std::to_string(std::lround(response))) + "," +
           (incident.closed_ms ? std::to_string(incident.closed_ms) : std::string()) + "\n";
  }
  return csv;
}

Json incidents_geojson(std::span<const tracking::Incident> incidents) {
  Json features = Json::array();
  for (const tracking::Incident& incident : incidents) {
    const double response = response_s(incident);
    features.push_back(
        {{"type", "Feature"},
         {"geometry",
          {{"type", "Point"}, {"coordinates", {incident.location.lon, incident.location.lat}}}},
         {"properties",
          {{"id", incident.id},
           {"created_ms", incident.created_ms},
           {"class", incident.incident_class},
           {"subtype", incident.subtype},
           {"call_type", tracking::call_type_name(incident.call_type)},
           {"priority", incident.priority},
           {"status", tracking::incident_status_name(incident.status)},
           {"road", incident.location.road},
           {"kecamatan", incident.location.kecamatan},
           {"units", unit_list(incident)},
           {"response_s", response < 0 ? Json(nullptr) : Json(std::round(response))}}}});
  }
  return {{"type", "FeatureCollection"}, {"features", features}};
}

}  // namespace siaga::dispatch
