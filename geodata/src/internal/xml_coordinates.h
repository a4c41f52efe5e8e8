// A guard before libosmium reads an OSM XML file: its coordinate parser multiplies by ten once per
// unit of exponent in a 64-bit integer, so a `lat="3e820"` overflows it (undefined behaviour,
// found by fuzz_roads). Real OSM XML never writes coordinates in exponent notation.
#pragma once

#include <filesystem>

namespace siaga::geodata::internal {

// Throws MapDataError naming the first lat or lon attribute in exponent notation. Other formats
// (PBF, OPL) pass untouched; compressed XML is read through libosmium's own decompressors.
void refuse_exponent_coordinates(const std::filesystem::path& file);

}  // namespace siaga::geodata::internal
