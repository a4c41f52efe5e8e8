// A new single-layer GDAL vector file in WGS84 (GeoJSON, GeoPackage, …), written inside one
// transaction where the driver has them. Shared by the commands that write GIS files.
#pragma once

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <span>
#include <string>
#include <utility>

namespace siaga::geodata {

using FieldSpec = std::pair<std::string, OGRFieldType>;

class VectorOutput {
 public:
  // Replaces `file`. geojson_precision > 0 rounds GeoJSON coordinates to that many decimals.
  // Throws IoError naming what failed.
  VectorOutput(const std::filesystem::path& file, const char* driver_name, const char* layer_name,
               OGRwkbGeometryType geometry_type, std::span<const FieldSpec> fields,
               int geojson_precision = 0);

  OGRFeatureDefn* definition() { return layer_->GetLayerDefn(); }
  void add(OGRFeature& feature, const std::string& what);
  void commit();

 private:
  std::filesystem::path file_;
  GDALDatasetUniquePtr dataset_;
  OGRLayer* layer_ = nullptr;
  bool in_transaction_ = false;
};

}  // namespace siaga::geodata
