// Administrative areas (kecamatan, desa/kelurahan) from OSM boundary relations, read with GDAL's
// OSM driver, and which area each point lies in: the planners' per-area coverage.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "siaga/geodata/hazards.h"

namespace siaga::geodata {

struct AdminArea {
  std::string name;
  std::vector<PolygonRings> polygons;  // WGS84
};

// boundary=administrative multipolygons with this admin_level (Indonesia: 6 kecamatan, 7 desa or
// kelurahan); empty when the file has none. Throws MapDataError when GDAL cannot read the file.
std::vector<AdminArea> load_admin_areas(const std::filesystem::path& osm_file,
                                        std::string_view admin_level);

// Index of the first area containing each point, invalid_id outside them all.
std::vector<uint32_t> locate_areas(std::span<const AdminArea> areas,
                                   std::span<const LatLon> points);

}  // namespace siaga::geodata
