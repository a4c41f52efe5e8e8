// The server's GIS layers read through GDAL. In `siaga` only: `siaga-server` gets them as JSON.
#include "siaga/geodata/server_layers.h"

namespace siaga::geodata {

ServerLayers read_server_layers(std::span<const std::filesystem::path> hazard_files,
                                const std::filesystem::path& osm_file) {
  ServerLayers layers;
  layers.hazards = load_hazards(hazard_files);
  if (!osm_file.empty() && std::filesystem::exists(osm_file)) {
    layers.kecamatan = load_admin_areas(osm_file, "6");
    layers.desa = load_admin_areas(osm_file, "7");
  }
  return layers;
}

}  // namespace siaga::geodata
