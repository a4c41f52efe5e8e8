// JSON shapes shared by the commands (and later the server): GeoJSON geometry, dataset labels.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <span>

#include "siaga/geodata/osm_import.h"
#include "siaga/geodata/road_network.h"
#include "siaga/routing/isochrone.h"
#include "siaga/routing/live_metrics.h"
#include "siaga/routing/route.h"

namespace siaga::dispatch {

using Json = nlohmann::ordered_json;

// {"dataset": ..., "schematic": ...} first in every answer, so that no output built on the
// schematic island can be mistaken for real data.
Json dataset_label(const geodata::RoadNetwork& network);

// Rounded half away from zero as std::llround rounds, inline (llround is a library call, and a
// route's text rounds two numbers a point): the truncated value is exact below 2^52, and so is
// what is left of it. For |value| < 2^52.
inline int64_t rounded_integer(double value) {
  int64_t whole = static_cast<int64_t>(value);
  const double rest = value - static_cast<double>(whole);
  if (rest >= 0.5) ++whole;
  if (rest <= -0.5) --whole;
  return whole;
}

Json line_string(std::span<const geodata::LatLon> points);
// The same LineString written straight to JSON text, the same numbers (rounded to 6 decimals):
// for answers with thousands of points, where a Json tree costs two allocations a point.
std::string line_string_text(std::span<const geodata::LatLon> points);
Json route_json(const geodata::RoadNetwork& network, const routing::Route& route);
Json facilities_geojson(const geodata::RoadNetwork& network, std::string_view kind_filter);

// {"id", "name", "hazard", "depth_cm" | "severity"}
Json zone_json(const geodata::HazardZone& zone);
// The active zones, the ones the route drives through and the ones it avoids or passes by.
Json hazards_json(const routing::LiveMetrics& live, const routing::MetricSet& set,
                  const routing::VehicleProfile& profile, const routing::Route& route);

// A FeatureCollection of the banded arcs (routing::band_arcs), each a LineString with
// `band_minutes` (its band's limit), `arrival_minutes` and a `stroke` colour from green (first
// band) to red (fifth and later).
Json isochrone_geojson(const geodata::RoadNetwork& network,
                       std::span<const routing::BandedArc> arcs,
                       std::span<const double> bands_minutes);

// What `siaga import` prints: nodes, edges, km of road by class, what was excluded and dropped,
// facilities by kind, elapsed time.
Json import_summary_json(const geodata::ImportResult& result,
                         const std::filesystem::path& graph_file);

}  // namespace siaga::dispatch
