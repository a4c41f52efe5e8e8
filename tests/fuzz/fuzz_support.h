// What the fuzz targets share: the schematic island and its sample fleet, loaded once per fuzzer
// process, and the fuzzer's bytes as text.
#pragma once

#include <cpl_error.h>

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "siaga/geodata/osm_import.h"
#include "siaga/tracking/fleet.h"
#include "siaga/tracking/store.h"

namespace siaga::fuzz {

inline const std::filesystem::path source_dir = SIAGA_SOURCE_DIR;

inline std::string_view text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline const geodata::RoadNetwork& ambon() {
  static const geodata::ImportResult island =
      geodata::import_osm(source_dir / "geodata/ambon/ambon-schematic.osm.pbf");
  return island.network;
}

inline const tracking::Fleet& sample_fleet() {
  static const tracking::Fleet fleet =
      tracking::load_fleet(source_dir / "geodata/ambon/fleet-sample.json");
  return fleet;
}

// An in-memory store (no journal): what the engine does with a report once it decodes.
inline tracking::TrackingStore& store() {
  static tracking::TrackingStore store(sample_fleet(), ambon());
  return store;
}

// GDAL's complaints about broken input are expected by the thousand: keep stderr readable.
inline void quiet_gdal() {
  CPLSetErrorHandler(CPLQuietErrorHandler);
}

}  // namespace siaga::fuzz
