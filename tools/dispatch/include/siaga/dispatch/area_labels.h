// The kecamatan and desa/kelurahan of a place, for an incident's label: OSM boundaries
// (admin_level 6 and 7) when the data has them, else the nearest of the approximate kecamatan
// seats (geodata/ambon/kecamatan-seats.json), and no desa.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "siaga/dispatch/scenario.h"
#include "siaga/geodata/areas.h"

namespace siaga::dispatch {

class AreaLabels {
 public:
  // The boundaries as read from OSM (geodata::load_admin_areas, levels 6 and 7), either empty
  // when the data has none; the seats file may be missing, and is read only without kecamatan.
  AreaLabels(std::vector<geodata::AdminArea> kecamatan, std::vector<geodata::AdminArea> desa,
             const std::filesystem::path& seats_file);

  std::string kecamatan(geodata::LatLon place) const;  // empty when unknown
  std::string desa(geodata::LatLon place) const;
  std::string method() const;  // how kecamatan are found, for /health and the docs

 private:
  std::vector<geodata::AdminArea> kecamatan_;
  std::vector<geodata::AdminArea> desa_;
  std::vector<AreaSeat> seats_;
};

}  // namespace siaga::dispatch
