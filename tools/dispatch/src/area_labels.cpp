#include "siaga/dispatch/area_labels.h"

namespace siaga::dispatch {

namespace {

std::string located(const std::vector<geodata::AdminArea>& areas, geodata::LatLon place) {
  if (areas.empty()) return {};
  const uint32_t area = geodata::locate_areas(areas, {&place, 1})[0];
  return area == geodata::invalid_id ? std::string() : areas[area].name;
}

}  // namespace

AreaLabels::AreaLabels(std::vector<geodata::AdminArea> kecamatan,
                       std::vector<geodata::AdminArea> desa,
                       const std::filesystem::path& seats_file)
    : kecamatan_(std::move(kecamatan)), desa_(std::move(desa)) {
  if (kecamatan_.empty() && !seats_file.empty() && std::filesystem::exists(seats_file))
    seats_ = load_area_seats(seats_file);
}

std::string AreaLabels::kecamatan(geodata::LatLon place) const {
  if (!kecamatan_.empty()) return located(kecamatan_, place);
  const AreaSeat* nearest = nullptr;
  double nearest_m = 0;
  for (const AreaSeat& seat : seats_) {
    const double m = geodata::haversine_m(place, seat.position);
    if (!nearest || m < nearest_m) nearest = &seat, nearest_m = m;
  }
  return nearest ? nearest->name : std::string();
}

std::string AreaLabels::desa(geodata::LatLon place) const {
  return located(desa_, place);
}

std::string AreaLabels::method() const {
  if (!kecamatan_.empty()) return "OSM boundaries (admin_level 6 and 7)";
  if (!seats_.empty()) return "nearest kecamatan seat (approximate), no desa";
  return "none";
}

}  // namespace siaga::dispatch
