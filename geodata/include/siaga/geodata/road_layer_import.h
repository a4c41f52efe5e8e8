// Road graphs from GIS line layers (any OGR format: a Dinas PU inventory as Shapefile, BIG's RBI
// roads, an overpass-turbo GeoJSON export), imported under the same rules as an OSM file. Each
// line's attributes become OSM-style tags: as they are by default, or through a mapping file for
// other schemas. Lines join where they share a point, within a tolerance in metres.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "siaga/geodata/osm_import.h"

namespace siaga::geodata {

// One OSM tag taken from a layer's field: its value as it is, or translated by `values` (a value
// not listed leaves the tag out).
struct TagFromField {
  std::string field;
  std::map<std::string, std::string> values;
};

struct RoadLayerMapping {
  // tag → where it comes from; empty: every field is a tag of the same name.
  std::map<std::string, TagFromField> tags;
};

// {"tags": {"highway": {"field": "FUNGSI", "values": {"arteri": "primary", …}},
//           "name": {"field": "NAMA"}}}; throws MapDataError naming the problem.
RoadLayerMapping parse_road_mapping(const std::string& json_text);
RoadLayerMapping load_road_mapping(const std::filesystem::path& file);

struct RoadLayerOptions {
  RoadLayerMapping mapping;
  double join_tolerance_m = 0;  // 0: points join when equal to 1e-7° (about 1 cm)
  ImportOptions import;
};

// The first layer of `file`, reprojected to WGS 84 from its own CRS (refused when it has none).
// Points, polygons, lines with fewer than two distinct points and lines the rules do not make a
// road are skipped and counted by reason in report.ways_excluded; throws IoError / MapDataError.
ImportResult import_road_layer(const std::filesystem::path& file,
                               const RoadLayerOptions& options = {});

}  // namespace siaga::geodata
