// Hazard layers read through GDAL/OGR (any vector format), repaired with MakeValid where
// possible. In siaga_geodata_gis: the server process gets the zones from `siaga serve`, which reads
// them here, and never loads GDAL itself.
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <map>
#include <memory>
#include <optional>

#include "siaga/geodata/hazards.h"
#include "siaga/geodata/projection.h"

namespace siaga::geodata {

namespace {

constexpr double line_buffer_m = 10;  // points and lines (a blocked road) become small areas

std::optional<HazardKind> parse_kind(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // English, plus the Indonesian words of BNPB/InaRISK exports.
  if (text == "flood" || text == "banjir") return HazardKind::flood;
  if (text == "landslide" || text == "longsor" || text == "tanah longsor") {
    return HazardKind::landslide;
  }
  if (text == "closure" || text == "closed" || text == "penutupan") return HazardKind::closure;
  if (text == "other" || text == "lainnya") return HazardKind::other;
  return std::nullopt;
}

std::unique_ptr<OGRSpatialReference> spatial_reference(int epsg) {
  auto srs = std::make_unique<OGRSpatialReference>();
  srs->importFromEPSG(epsg);
  srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);  // x = lon, y = lat
  return srs;
}

// A repaired, polygonal geometry in WGS84, or an error message.
struct PreparedGeometry {
  std::unique_ptr<OGRGeometry> geometry;
  std::string error;
  bool repaired = false;
};

void buffer_in_metres(std::unique_ptr<OGRGeometry>& geometry, const OGRSpatialReference& wgs84) {
  OGREnvelope envelope;
  geometry->getEnvelope(&envelope);
  const int epsg =
      utm_epsg_for({(envelope.MinY + envelope.MaxY) / 2, (envelope.MinX + envelope.MaxX) / 2});
  const auto utm = spatial_reference(epsg);
  std::unique_ptr<OGRCoordinateTransformation> to_utm(
      OGRCreateCoordinateTransformation(&wgs84, utm.get()));
  std::unique_ptr<OGRCoordinateTransformation> back(
      OGRCreateCoordinateTransformation(utm.get(), &wgs84));
  if (!to_utm || !back || geometry->transform(to_utm.get()) != OGRERR_NONE) return;
  geometry.reset(geometry->Buffer(line_buffer_m));
  if (geometry) geometry->transform(back.get());
}

PreparedGeometry prepare(const OGRGeometry* source, OGRCoordinateTransformation* to_wgs84,
                         const OGRSpatialReference& wgs84) {
  PreparedGeometry out;
  if (source == nullptr || source->IsEmpty()) {
    out.error = "has no geometry";
    return out;
  }
  out.geometry.reset(source->clone());
  if (to_wgs84 != nullptr && out.geometry->transform(to_wgs84) != OGRERR_NONE) {
    out.error = "cannot be transformed to WGS84";
    return out;
  }
  if (out.geometry->hasCurveGeometry()) out.geometry.reset(out.geometry->getLinearGeometry());
  if (!out.geometry->IsValid()) {
    std::unique_ptr<OGRGeometry> valid(out.geometry->MakeValid());
    if (!valid || !valid->IsValid() || valid->IsEmpty()) {
      out.error = "has an invalid geometry that cannot be repaired";
      return out;
    }
    out.geometry = std::move(valid);
    out.repaired = true;
  }
  const OGRwkbGeometryType type = wkbFlatten(out.geometry->getGeometryType());
  if (type != wkbPolygon && type != wkbMultiPolygon && type != wkbGeometryCollection) {
    buffer_in_metres(out.geometry, wgs84);
    if (!out.geometry) out.error = "cannot be buffered into an area";
  }
  return out;
}

Ring to_ring(const OGRLinearRing* ring) {
  Ring out;
  for (int i = 0; i < ring->getNumPoints(); ++i) out.push_back({ring->getY(i), ring->getX(i)});
  return out;
}

void collect_polygons(const OGRGeometry* geometry, std::vector<PolygonRings>& out) {
  switch (wkbFlatten(geometry->getGeometryType())) {
    case wkbPolygon: {
      const auto* polygon = geometry->toPolygon();
      if (polygon->getExteriorRing() == nullptr) return;
      PolygonRings rings{to_ring(polygon->getExteriorRing()), {}};
      for (int i = 0; i < polygon->getNumInteriorRings(); ++i) {
        rings.holes.push_back(to_ring(polygon->getInteriorRing(i)));
      }
      if (rings.outer.size() >= 4) out.push_back(std::move(rings));
      return;
    }
    case wkbMultiPolygon:
    case wkbGeometryCollection: {
      const auto* collection = geometry->toGeometryCollection();
      for (int i = 0; i < collection->getNumGeometries(); ++i) {
        collect_polygons(collection->getGeometryRef(i), out);
      }
      return;
    }
    default:
      return;  // lines and points left over after MakeValid carry no area
  }
}

std::string field_text(const OGRFeature& feature, const char* name) {
  const int index = feature.GetFieldIndex(name);
  if (index < 0 || !feature.IsFieldSetAndNotNull(index)) return {};
  return feature.GetFieldAsString(index);
}

std::optional<double> field_number(const OGRFeature& feature, const char* name) {
  const std::string text = field_text(feature, name);
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') return std::nan("");
  return value;
}

// Reads one feature into a zone; returns the error that rejects it, or empty.
std::string read_zone(const OGRFeature& feature, OGRCoordinateTransformation* to_wgs84,
                      const OGRSpatialReference& wgs84, HazardZone& zone, bool& repaired) {
  const std::string kind_text = field_text(feature, "hazard");
  const auto kind = parse_kind(kind_text);
  if (!kind) {
    return kind_text.empty() ? "has no `hazard` field"
                             : "has unknown hazard '" + kind_text +
                                   "' (expected flood, landslide, closure or other)";
  }
  zone.kind = *kind;
  if (zone.kind == HazardKind::flood) {
    std::optional<double> depth = field_number(feature, "depth_cm");
    if (!depth) {
      if (auto metres = field_number(feature, "depth_m")) depth = *metres * 100;
    }
    if (!depth || !std::isfinite(*depth) || *depth <= 0) {
      return "is a flood without a positive `depth_cm`";
    }
    zone.depth_cm = *depth;
  }
  if (const auto severity = field_number(feature, "severity")) {
    if (!std::isfinite(*severity) || *severity < 0 || *severity > 1) {
      return "has `severity` outside 0–1";
    }
    zone.severity = *severity;
  }
  PreparedGeometry geometry = prepare(feature.GetGeometryRef(), to_wgs84, wgs84);
  if (!geometry.error.empty()) return geometry.error;
  collect_polygons(geometry.geometry.get(), zone.polygons);
  if (zone.polygons.empty()) return "has no area";
  repaired = geometry.repaired;
  return {};
}

void read_layer(OGRLayer& layer, const std::filesystem::path& file, HazardLayer& out) {
  const auto wgs84 = spatial_reference(4326);
  std::unique_ptr<OGRCoordinateTransformation> to_wgs84;
  if (const OGRSpatialReference* srs = layer.GetSpatialRef(); srs != nullptr) {
    OGRSpatialReference source(*srs);
    source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (!source.IsSame(wgs84.get())) {
      to_wgs84.reset(OGRCreateCoordinateTransformation(&source, wgs84.get()));
    }
  }
  layer.ResetReading();
  for (auto& feature : layer) {
    ++out.report.features_read;
    HazardZone zone;
    zone.source = file.string();
    zone.id = field_text(*feature, "id");
    if (zone.id.empty()) zone.id = file.stem().string() + "-" + std::to_string(feature->GetFID());
    zone.name = field_text(*feature, "name");
    const std::string label = "feature " + std::to_string(feature->GetFID()) + " ('" +
                              (zone.name.empty() ? zone.id : zone.name) + "') of " +
                              file.filename().string();
    bool repaired = false;
    const std::string error = read_zone(*feature, to_wgs84.get(), *wgs84, zone, repaired);
    if (!error.empty()) {
      ++out.report.rejected;
      out.report.messages.push_back(label + " rejected: it " + error);
      continue;
    }
    if (repaired) {
      ++out.report.repaired;
      out.report.messages.push_back(label + ": invalid geometry repaired (MakeValid)");
    }
    out.zones.push_back(std::move(zone));
  }
}

}  // namespace

HazardLayer load_hazards(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) throw IoError("hazard layer " + file.string() + " not found");
  GDALAllRegister();
  GDALDatasetUniquePtr dataset(GDALDataset::Open(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!dataset) {
    throw MapDataError("cannot read hazard layer " + file.string() + ": " + CPLGetLastErrorMsg());
  }
  HazardLayer out;
  for (OGRLayer* layer : dataset->GetLayers()) read_layer(*layer, file, out);
  out.report.zones_loaded = static_cast<uint32_t>(out.zones.size());
  return out;
}

HazardLayer load_hazards(std::span<const std::filesystem::path> files) {
  HazardLayer all;
  std::map<std::string, std::string> seen;  // id → file
  for (const auto& file : files) {
    HazardLayer layer = load_hazards(file);
    all.report.features_read += layer.report.features_read;
    all.report.repaired += layer.report.repaired;
    all.report.rejected += layer.report.rejected;
    all.report.messages.insert(all.report.messages.end(), layer.report.messages.begin(),
                               layer.report.messages.end());
    for (HazardZone& zone : layer.zones) {
      if (const auto [it, fresh] = seen.emplace(zone.id, file.string()); !fresh) {
        ++all.report.rejected;
        all.report.messages.push_back("zone '" + zone.id + "' of " + file.string() +
                                      " rejected: the id is already used in " + it->second);
        continue;
      }
      all.zones.push_back(std::move(zone));
    }
  }
  all.report.zones_loaded = static_cast<uint32_t>(all.zones.size());
  return all;
}

}  // namespace siaga::geodata
