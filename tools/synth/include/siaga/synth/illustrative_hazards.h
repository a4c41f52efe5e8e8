// `siaga synth-hazards`: ILLUSTRATIVE hazard scenario layers for Ambon, derived from the map's own
// features (no official flood or landslide map can be had here): flood bands along the named
// rivers, landslide zones on hillside roads, and a closure of Jembatan Merah Putih.
#pragma once

#include <filesystem>
#include <vector>

#include "siaga/geodata/road_network.h"

namespace siaga::synth {

struct HazardSynthSummary {
  std::vector<std::filesystem::path> files;
  int flood_zones = 0;
  int landslide_zones = 0;
  int closures = 0;
};

// Writes <out_dir>/hazards-illustrative.geojson and .gpkg from the rivers of `osm_file` and the
// roads of `network`.
HazardSynthSummary write_illustrative_hazards(const std::filesystem::path& osm_file,
                                              const geodata::RoadNetwork& network,
                                              const std::filesystem::path& out_dir);

}  // namespace siaga::synth
