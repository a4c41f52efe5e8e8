#include "siaga/geodata/vector_output.h"

#include <ogr_spatialref.h>

#include "siaga/geodata/road_network.h"

namespace siaga::geodata {

VectorOutput::VectorOutput(const std::filesystem::path& file, const char* driver_name,
                           const char* layer_name, OGRwkbGeometryType geometry_type,
                           std::span<const FieldSpec> fields, int geojson_precision)
    : file_(file) {
  GDALAllRegister();
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name);
  if (driver == nullptr) {
    throw ContractViolation(std::string("GDAL has no ") + driver_name + " driver");
  }
  std::filesystem::remove(file);
  dataset_.reset(driver->Create(file.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!dataset_) throw IoError("cannot create " + file.string());
  OGRSpatialReference wgs84;
  wgs84.importFromEPSG(4326);
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  char** options = nullptr;
  if (geojson_precision > 0 && std::string(driver_name) == "GeoJSON") {
    options =
        CSLSetNameValue(options, "COORDINATE_PRECISION", std::to_string(geojson_precision).c_str());
  }
  layer_ = dataset_->CreateLayer(layer_name, &wgs84, geometry_type, options);
  CSLDestroy(options);
  if (layer_ == nullptr) throw IoError("cannot create a layer in " + file.string());
  for (const auto& [name, type] : fields) {
    OGRFieldDefn field(name.c_str(), type);
    if (layer_->CreateField(&field) != OGRERR_NONE) {
      throw IoError("cannot add field " + name + " to " + file.string());
    }
  }
  // Not every driver has transactions (GeoJSON has none): a failure to start one is harmless.
  in_transaction_ = layer_->StartTransaction() == OGRERR_NONE;
}

void VectorOutput::add(OGRFeature& feature, const std::string& what) {
  if (layer_->CreateFeature(&feature) != OGRERR_NONE) {
    throw IoError("cannot write " + what + " to " + file_.string());
  }
}

void VectorOutput::commit() {
  if (in_transaction_ && layer_->CommitTransaction() != OGRERR_NONE) {
    throw IoError("cannot commit " + file_.string());
  }
  in_transaction_ = false;
}

}  // namespace siaga::geodata
