// The scale curve's networks written as OSM PBF files, for `siaga`'s own import to read.
#pragma once

#include <cstdint>
#include <filesystem>

namespace siaga::bench {

// k × k copies of the roads of `base` (an OSM file), joined by main roads at every tile edge.
void write_tiled_osm(const std::filesystem::path& base, uint32_t k,
                     const std::filesystem::path& out);

// A side × side grid of residential streets.
void write_grid_osm(uint32_t side, const std::filesystem::path& out);

}  // namespace siaga::bench
