// Which administrative area a point lies in (Boost.Geometry). Reading the boundaries from OSM
// (GDAL) is admin_area_reading.cpp's, in another library: the server never loads GDAL.
#include "siaga/geodata/areas.h"

#include <boost/geometry.hpp>

namespace siaga::geodata {

namespace bg = boost::geometry;
using BgPoint = bg::model::d2::point_xy<double>;  // lon, lat
using BgPolygon = bg::model::polygon<BgPoint>;
using BgBox = bg::model::box<BgPoint>;

namespace {

BgPolygon bg_polygon(const PolygonRings& rings) {
  BgPolygon polygon;
  for (const LatLon& p : rings.outer) bg::append(polygon.outer(), BgPoint(p.lon, p.lat));
  for (const Ring& hole : rings.holes) {
    polygon.inners().emplace_back();
    for (const LatLon& p : hole) bg::append(polygon.inners().back(), BgPoint(p.lon, p.lat));
  }
  bg::correct(polygon);
  return polygon;
}

}  // namespace

std::vector<uint32_t> locate_areas(std::span<const AdminArea> areas,
                                   std::span<const LatLon> points) {
  std::vector<std::pair<BgBox, std::pair<uint32_t, BgPolygon>>> polygons;
  for (uint32_t a = 0; a < areas.size(); ++a) {
    for (const PolygonRings& rings : areas[a].polygons) {
      BgPolygon polygon = bg_polygon(rings);
      polygons.push_back({bg::return_envelope<BgBox>(polygon), {a, std::move(polygon)}});
    }
  }
  std::vector<uint32_t> found(points.size(), invalid_id);
  for (size_t i = 0; i < points.size(); ++i) {
    const BgPoint point(points[i].lon, points[i].lat);
    for (const auto& [box, area] : polygons) {
      if (!bg::within(point, box) || !bg::within(point, area.second)) continue;
      found[i] = area.first;
      break;
    }
  }
  return found;
}

}  // namespace siaga::geodata
