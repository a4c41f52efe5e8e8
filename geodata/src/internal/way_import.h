// Ways built elsewhere (a GIS layer's lines, as osmium ways with located node refs and OSM-style
// tags) imported under exactly the rules of an OSM file: one road graph whatever the source.
#pragma once

#include <filesystem>
#include <osmium/memory/buffer.hpp>
#include <string>

#include "siaga/geodata/osm_import.h"

namespace siaga::geodata::internal {

// `report` carries what the caller already counted (features read, features skipped by reason).
ImportResult import_way_buffer(const osmium::memory::Buffer& ways, ImportReport report,
                               const std::filesystem::path& source, const std::string& generator,
                               const ImportOptions& options);

}  // namespace siaga::geodata::internal
