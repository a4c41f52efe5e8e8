// The incident history for other tools: CSV (one row per call, for a spreadsheet) and GeoJSON
// (one point per call, for QGIS), each with its class, call type, status, place, units and
// response time.
#pragma once

#include <span>
#include <string>

#include "siaga/dispatch/geojson.h"
#include "siaga/tracking/incident.h"

namespace siaga::dispatch {

std::string incidents_csv(std::span<const tracking::Incident> incidents);
Json incidents_geojson(std::span<const tracking::Incident> incidents);

}  // namespace siaga::dispatch
