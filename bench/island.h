// The embedded schematic island every benchmark runs on, imported once per process.
#pragma once

#include <filesystem>

#include "siaga/geodata/osm_import.h"

namespace siaga::bench {

inline std::filesystem::path ambon_pbf() {
  return std::filesystem::path(SIAGA_SOURCE_DIR) / "geodata/ambon/ambon-schematic.osm.pbf";
}

inline const geodata::RoadNetwork& network() {
  static const geodata::RoadNetwork imported = geodata::import_osm(ambon_pbf()).network;
  return imported;
}

}  // namespace siaga::bench
