// `siaga synth-ambon`: writes the SCHEMATIC Pulau Ambon road network as an OSM PBF file,
// deterministically from a seed (same seed, same bytes).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace siaga::synth {

inline constexpr uint64_t default_synth_seed = 112;  // Call Center 112
inline constexpr const char* synth_generator = "siaga synth-ambon (SCHEMATIC, not real OSM data)";

struct SynthSummary {
  uint64_t nodes = 0;
  uint64_t ways = 0;
  uint64_t routable_ways = 0;
};

SynthSummary write_schematic_ambon(const std::filesystem::path& out, uint64_t seed);

// The island's land as GeoJSON (one Polygon, the hand-drawn coastline), labelled schematic, for
// the console's map: what `synth-ambon` writes beside the PBF as land-schematic.geojson.
std::string schematic_land_geojson();

}  // namespace siaga::synth
