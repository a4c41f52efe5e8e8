#include "siaga/geodata/areas.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <boost/geometry.hpp>

namespace siaga::geodata {

namespace bg = boost::geometry;
using BgPoint = bg::model::d2::point_xy<double>;  // lon, lat
using BgPolygon = bg::model::polygon<BgPoint>;
using BgBox = bg::model::box<BgPoint>;

namespace {

Ring ring_of(const OGRLinearRing* ring) {
  Ring out;
  for (int i = 0; i < ring->getNumPoints(); ++i) out.push_back({ring->getY(i), ring->getX(i)});
  return out;
}

void add_polygons(const OGRGeometry* geometry, std::vector<PolygonRings>& out) {
  const OGRwkbGeometryType type = wkbFlatten(geometry->getGeometryType());
  if (type == wkbPolygon) {
    const OGRPolygon* polygon = geometry->toPolygon();
    if (polygon->getExteriorRing() == nullptr) return;
    PolygonRings rings{ring_of(polygon->getExteriorRing()), {}};
    for (int i = 0; i < polygon->getNumInteriorRings(); ++i)
      rings.holes.push_back(ring_of(polygon->getInteriorRing(i)));
    out.push_back(std::move(rings));
  } else if (type == wkbMultiPolygon || type == wkbGeometryCollection) {
    const OGRGeometryCollection* collection = geometry->toGeometryCollection();
    for (int i = 0; i < collection->getNumGeometries(); ++i)
      add_polygons(collection->getGeometryRef(i), out);
  }
}

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

std::vector<AdminArea> load_admin_areas(const std::filesystem::path& osm_file,
                                        std::string_view admin_level) {
  GDALAllRegister();
  const char* drivers[] = {"OSM", nullptr};
  GDALDatasetUniquePtr dataset(
      GDALDataset::Open(osm_file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers));
  if (!dataset) throw MapDataError("GDAL cannot read " + osm_file.string() + " as OSM");
  OGRLayer* layer = dataset->GetLayerByName("multipolygons");
  if (layer == nullptr) return {};
  const std::string filter =
      "boundary = 'administrative' AND admin_level = '" + std::string(admin_level) + "'";
  layer->SetAttributeFilter(filter.c_str());
  std::vector<AdminArea> areas;
  for (const auto& feature : *layer) {
    const OGRGeometry* geometry = feature->GetGeometryRef();
    const char* name = feature->GetFieldAsString("name");
    if (geometry == nullptr || name == nullptr || *name == '\0') continue;
    AdminArea area{name, {}};
    add_polygons(geometry, area.polygons);
    if (!area.polygons.empty()) areas.push_back(std::move(area));
  }
  return areas;
}

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
