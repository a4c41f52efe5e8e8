// The server's GIS layers as one JSON document (no GDAL): how `siaga serve` hands them over.
#include "siaga/geodata/server_layers.h"

#include <nlohmann/json.hpp>

namespace siaga::geodata {

namespace {

using Json = nlohmann::json;

constexpr int format_version = 1;

Json ring_json(const Ring& ring) {
  Json out = Json::array();
  for (const LatLon& p : ring) out.push_back({p.lon, p.lat});
  return out;
}

Json multipolygon_json(const std::vector<PolygonRings>& polygons) {
  Json coordinates = Json::array();
  for (const PolygonRings& polygon : polygons) {
    Json rings = Json::array({ring_json(polygon.outer)});
    for (const Ring& hole : polygon.holes) rings.push_back(ring_json(hole));
    coordinates.push_back(std::move(rings));
  }
  return {{"type", "MultiPolygon"}, {"coordinates", std::move(coordinates)}};
}

Ring ring_of(const Json& json) {
  Ring ring;
  ring.reserve(json.size());
  for (const Json& p : json) ring.push_back({p.at(1).get<double>(), p.at(0).get<double>()});
  return ring;
}

std::vector<PolygonRings> polygons_of(const Json& geometry) {
  if (geometry.at("type") != "MultiPolygon") throw MapDataError("a geometry is not a MultiPolygon");
  std::vector<PolygonRings> polygons;
  for (const Json& rings : geometry.at("coordinates")) {
    PolygonRings polygon{ring_of(rings.at(0)), {}};
    for (size_t i = 1; i < rings.size(); ++i) polygon.holes.push_back(ring_of(rings[i]));
    polygons.push_back(std::move(polygon));
  }
  return polygons;
}

Json feature(Json properties, const std::vector<PolygonRings>& polygons) {
  return {{"type", "Feature"},
          {"properties", std::move(properties)},
          {"geometry", multipolygon_json(polygons)}};
}

Json areas_json(const std::vector<AdminArea>& areas) {
  Json features = Json::array();
  for (const AdminArea& area : areas)
    features.push_back(feature({{"name", area.name}}, area.polygons));
  return {{"type", "FeatureCollection"}, {"features", std::move(features)}};
}

std::vector<AdminArea> areas_of(const Json& collection) {
  std::vector<AdminArea> areas;
  for (const Json& f : collection.at("features"))
    areas.push_back(
        {f.at("properties").at("name").get<std::string>(), polygons_of(f.at("geometry"))});
  return areas;
}

HazardKind kind_named(const std::string& name) {
  if (const auto kind = hazard_kind_named(name)) return *kind;
  throw MapDataError("unknown hazard kind '" + name + "'");
}

Json hazards_json(const HazardLayer& layer) {
  Json features = Json::array();
  for (const HazardZone& zone : layer.zones) {
    features.push_back(feature({{"id", zone.id},
                                {"name", zone.name},
                                {"hazard", hazard_kind_name(zone.kind)},
                                {"depth_cm", zone.depth_cm},
                                {"severity", zone.severity},
                                {"source", zone.source}},
                               zone.polygons));
  }
  const HazardLoadReport& report = layer.report;
  return {{"type", "FeatureCollection"},
          {"features", std::move(features)},
          {"report",
           {{"features_read", report.features_read},
            {"zones_loaded", report.zones_loaded},
            {"repaired", report.repaired},
            {"rejected", report.rejected},
            {"messages", report.messages}}}};
}

HazardLayer hazards_of(const Json& collection) {
  HazardLayer layer;
  for (const Json& f : collection.at("features")) {
    const Json& p = f.at("properties");
    HazardZone zone;
    zone.id = p.at("id").get<std::string>();
    zone.name = p.at("name").get<std::string>();
    zone.kind = kind_named(p.at("hazard").get<std::string>());
    zone.depth_cm = p.at("depth_cm").get<double>();
    zone.severity = p.at("severity").get<double>();
    zone.source = p.at("source").get<std::string>();
    zone.polygons = polygons_of(f.at("geometry"));
    layer.zones.push_back(std::move(zone));
  }
  const Json& report = collection.at("report");
  layer.report.features_read = report.at("features_read").get<uint32_t>();
  layer.report.zones_loaded = report.at("zones_loaded").get<uint32_t>();
  layer.report.repaired = report.at("repaired").get<uint32_t>();
  layer.report.rejected = report.at("rejected").get<uint32_t>();
  layer.report.messages = report.at("messages").get<std::vector<std::string>>();
  return layer;
}

}  // namespace

std::string server_layers_json(const ServerLayers& layers) {
  const Json document = {{"siaga_server_layers", format_version},
                         {"hazards", hazards_json(layers.hazards)},
                         {"kecamatan", areas_json(layers.kecamatan)},
                         {"desa", areas_json(layers.desa)}};
  return document.dump();
}

ServerLayers parse_server_layers(std::string_view json_text) {
  try {
    const Json document = Json::parse(json_text);
    if (!document.is_object() || document.value("siaga_server_layers", 0) != format_version)
      throw MapDataError("not the server layers of this version of siaga");
    ServerLayers layers;
    layers.hazards = hazards_of(document.at("hazards"));
    layers.kecamatan = areas_of(document.at("kecamatan"));
    layers.desa = areas_of(document.at("desa"));
    return layers;
  } catch (const Json::exception& error) {
    throw MapDataError(std::string("server layers: ") + error.what());
  }
}

}  // namespace siaga::geodata
