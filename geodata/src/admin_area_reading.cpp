// Administrative boundaries read from an OSM file through GDAL's OSM driver, which assembles the
// multipolygons. In siaga_geodata_gis: the server process gets them from `siaga serve`.
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "siaga/geodata/areas.h"

namespace siaga::geodata {

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

}  // namespace siaga::geodata
