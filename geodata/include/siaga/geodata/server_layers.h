// The GIS layers the server reads at start: hazard zones and the kecamatan and desa boundaries.
// `siaga serve` reads them with GDAL and hands them over as JSON to `siaga-server`, the process
// that serves, so that the server never loads GDAL and the ~30 MB of libraries it maps.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "siaga/geodata/areas.h"
#include "siaga/geodata/hazards.h"

namespace siaga::geodata {

struct ServerLayers {
  HazardLayer hazards;               // with its load report: the server logs the messages
  std::vector<AdminArea> kecamatan;  // admin_level 6; empty without OSM boundaries
  std::vector<AdminArea> desa;       // admin_level 7
};

// Reads the hazard files, and the boundaries of the OSM file when it exists (GDAL: in
// server_layers_reading.cpp, which the server binary does not link).
ServerLayers read_server_layers(std::span<const std::filesystem::path> hazard_files,
                                const std::filesystem::path& osm_file);

// The hand-over: one JSON document, GeoJSON FeatureCollections inside. Coordinates keep every
// bit (JSON numbers written to round-trip). Reading a document that is not one throws
// MapDataError.
std::string server_layers_json(const ServerLayers& layers);
ServerLayers parse_server_layers(std::string_view json_text);

}  // namespace siaga::geodata
