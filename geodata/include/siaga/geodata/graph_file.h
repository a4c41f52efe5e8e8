// The versioned binary graph file: magic, version, source checksum, payload checksum, arrays.
#pragma once

#include <cstdint>
#include <filesystem>

#include "siaga/geodata/road_network.h"

namespace siaga::geodata {

inline constexpr uint32_t graph_file_version = 2;  // 2: turn restrictions' junction copies

void save_graph(const RoadNetwork& network, const std::filesystem::path& file);

// Throws IoError for a missing or unreadable file, MapDataError naming the problem for wrong
// magic, wrong version, truncation, a checksum mismatch or inconsistent arrays.
RoadNetwork load_graph(const std::filesystem::path& file);

// Source checksum stored in a graph file's header, without loading the rest (nullopt-like 0 on
// any problem).
uint64_t read_graph_source_checksum(const std::filesystem::path& file);

// FNV-1a 64 over a file's bytes. Throws IoError when the file cannot be read.
uint64_t file_checksum(const std::filesystem::path& file);

}  // namespace siaga::geodata
