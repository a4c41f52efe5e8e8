// GIS line layer → osmium ways with OSM-style tags → the OSM import's own rules (libosmium's
// builder fills a buffer; the same collecting handler reads it).
#include "siaga/geodata/road_layer_import.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <osmium/builder/attr.hpp>
#include <unordered_map>

#include "internal/way_import.h"
#include "siaga/text_file.h"

namespace siaga::geodata {

namespace {

using Json = nlohmann::json;

// Node ids for points: equal points (to 1e-7°) share one; with a tolerance, a point within it
// of an earlier one takes that one's id and place.
class PointJoiner {
 public:
  explicit PointJoiner(double tolerance_m) : tolerance_m_(tolerance_m) {}

  std::pair<int64_t, LatLon> join(LatLon point) {
    if (tolerance_m_ <= 0) {
      const int64_t key = exact_key(point);
      auto [it, added] = exact_.try_emplace(key, next_id_);
      if (added) ++next_id_;
      return {it->second, point};
    }
    const double cell_deg = tolerance_m_ / 111'320.0;
    const int64_t cx = static_cast<int64_t>(std::floor(point.lon / cell_deg));
    const int64_t cy = static_cast<int64_t>(std::floor(point.lat / cell_deg));
    for (int64_t dx = -1; dx <= 1; ++dx) {
      for (int64_t dy = -1; dy <= 1; ++dy) {
        const auto found = cells_.find(cell_key(cx + dx, cy + dy));
        if (found == cells_.end()) continue;
        for (const auto& [id, place] : found->second) {
          if (haversine_m(place, point) <= tolerance_m_) return {id, place};
        }
      }
    }
    cells_[cell_key(cx, cy)].push_back({next_id_, point});
    return {next_id_++, point};
  }

 private:
  static int64_t exact_key(LatLon point) {
    return std::llround(point.lat * 1e7) * 4'000'000'000LL + std::llround(point.lon * 1e7);
  }
  static int64_t cell_key(int64_t x, int64_t y) { return x * 1'000'003LL + y; }

  double tolerance_m_;
  int64_t next_id_ = 1;
  std::unordered_map<int64_t, int64_t> exact_;
  std::unordered_map<int64_t, std::vector<std::pair<int64_t, LatLon>>> cells_;
};

std::vector<std::pair<std::string, std::string>> tags_of(const OGRFeature& feature,
                                                         const RoadLayerMapping& mapping) {
  std::vector<std::pair<std::string, std::string>> tags;
  auto text = [&](const std::string& field) -> std::optional<std::string> {
    const int index = feature.GetFieldIndex(field.c_str());
    if (index < 0 || !feature.IsFieldSetAndNotNull(index)) return std::nullopt;
    return std::string(feature.GetFieldAsString(index));
  };
  if (mapping.tags.empty()) {
    for (int i = 0; i < feature.GetFieldCount(); ++i) {
      if (!feature.IsFieldSetAndNotNull(i)) continue;
      const std::string name = feature.GetFieldDefnRef(i)->GetNameRef();
      if (!name.starts_with("@")) tags.emplace_back(name, feature.GetFieldAsString(i));
    }
    return tags;
  }
  for (const auto& [tag, source] : mapping.tags) {
    const auto value = text(source.field);
    if (!value || value->empty()) continue;
    if (source.values.empty()) {
      tags.emplace_back(tag, *value);
    } else if (const auto translated = source.values.find(*value);
               translated != source.values.end()) {
      tags.emplace_back(tag, translated->second);
    }
  }
  return tags;
}

// The way id: an overpass export's "@id" ("way/123"), else the feature id.
int64_t way_id_of(const OGRFeature& feature, int64_t fallback) {
  const int index = feature.GetFieldIndex("@id");
  if (index >= 0 && feature.IsFieldSetAndNotNull(index)) {
    const std::string id = feature.GetFieldAsString(index);
    const size_t slash = id.rfind('/');
    try {
      return std::stoll(id.substr(slash == std::string::npos ? 0 : slash + 1));
    } catch (const std::exception&) {
    }
  }
  return fallback;
}

std::vector<const OGRLineString*> lines_of(const OGRGeometry* geometry) {
  std::vector<const OGRLineString*> lines;
  if (geometry == nullptr) return lines;
  switch (wkbFlatten(geometry->getGeometryType())) {
    case wkbLineString:
      lines.push_back(geometry->toLineString());
      break;
    case wkbMultiLineString:
      for (const OGRLineString* line : geometry->toMultiLineString()) lines.push_back(line);
      break;
    default:
      break;
  }
  return lines;
}

// No road runs 50 km without a bend: longer pieces are coordinates gone wrong (a swapped axis, a
// dropped digit), and would give travel times beyond what the engine's weights hold.
constexpr double max_piece_m = 50'000;

struct LayerReader {
  ImportReport& report;
  OGRCoordinateTransformation* to_wgs84;
  PointJoiner joiner;
  osmium::memory::Buffer buffer{1 << 20, osmium::memory::Buffer::auto_grow::yes};

  void skip(const std::string& reason) { ++report.ways_excluded[reason]; }

  void add_line(const OGRLineString& source, int64_t way_id,
                const std::vector<std::pair<std::string, std::string>>& tags) {
    std::unique_ptr<OGRLineString> line(source.clone());
    if (to_wgs84 != nullptr && line->transform(to_wgs84) != OGRERR_NONE) {
      skip("cannot be reprojected to WGS 84");
      return;
    }
    std::vector<osmium::NodeRef> refs;
    for (int i = 0; i < line->getNumPoints(); ++i) {
      const LatLon point{line->getY(i), line->getX(i)};
      if (!std::isfinite(point.lat) || !std::isfinite(point.lon) || std::abs(point.lat) > 90 ||
          std::abs(point.lon) > 180) {
        skip("coordinates outside WGS 84");
        return;
      }
      const auto [id, place] = joiner.join(point);
      if (!refs.empty() && refs.back().ref() == id) continue;  // a repeated point
      if (!refs.empty() && haversine_m(place, {refs.back().location().lat(),
                                               refs.back().location().lon()}) > max_piece_m) {
        skip("a piece longer than 50 km (coordinates wrong?)");
        return;
      }
      refs.emplace_back(id, osmium::Location(place.lon, place.lat));
    }
    if (refs.size() < 2) {
      skip("fewer than two distinct points");
      return;
    }
    using namespace osmium::builder::attr;
    osmium::builder::add_way(buffer, _id(way_id), _nodes(refs), _tags(tags));
  }
};

}  // namespace

RoadLayerMapping parse_road_mapping(const std::string& json_text) {
  RoadLayerMapping mapping;
  try {
    const Json document = Json::parse(json_text);
    for (const auto& [tag, source] : document.at("tags").items()) {
      TagFromField from{source.at("field").get<std::string>(), {}};
      if (source.contains("values")) {
        for (const auto& [value, translated] : source["values"].items())
          from.values[value] = translated.get<std::string>();
      }
      mapping.tags[tag] = std::move(from);
    }
  } catch (const Json::exception& error) {
    throw MapDataError(std::string("road mapping: ") + error.what());
  }
  if (!mapping.tags.contains("highway"))
    throw MapDataError("road mapping: no field gives `highway` (the road class)");
  return mapping;
}

RoadLayerMapping load_road_mapping(const std::filesystem::path& file) {
  return parse_road_mapping(read_text_file(file, "road mapping"));
}

ImportResult import_road_layer(const std::filesystem::path& file, const RoadLayerOptions& options) {
  if (!std::filesystem::exists(file)) throw IoError("road layer " + file.string() + " not found");
  GDALAllRegister();
  GDALDatasetUniquePtr dataset(GDALDataset::Open(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!dataset || dataset->GetLayerCount() == 0) {
    throw MapDataError("cannot read road layer " + file.string() + ": " + CPLGetLastErrorMsg());
  }
  OGRLayer& layer = *dataset->GetLayer(0);
  const OGRSpatialReference* srs = layer.GetSpatialRef();
  if (srs == nullptr) {
    throw MapDataError("road layer " + file.string() +
                       " has no coordinate reference system: say which (e.g. a .prj file)");
  }
  OGRSpatialReference source(*srs);
  source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  OGRSpatialReference wgs84;
  wgs84.importFromEPSG(4326);
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> to_wgs84;
  if (!source.IsSame(&wgs84)) to_wgs84.reset(OGRCreateCoordinateTransformation(&source, &wgs84));

  ImportReport report;
  report.source = file.string();
  LayerReader reader{report, to_wgs84.get(), PointJoiner(options.join_tolerance_m)};
  layer.ResetReading();
  for (auto& feature : layer) {  // osm_ways counts the lines handed on to the OSM rules
    const std::vector<const OGRLineString*> lines = lines_of(feature->GetGeometryRef());
    if (lines.empty()) {
      const OGRGeometry* geometry = feature->GetGeometryRef();
      reader.skip(geometry == nullptr
                      ? "no geometry"
                      : std::string("not a line (") +
                            OGRGeometryTypeToName(geometry->getGeometryType()) + ")");
      continue;
    }
    const auto tags = tags_of(*feature, options.mapping);
    if (std::none_of(tags.begin(), tags.end(),
                     [](const auto& tag) { return tag.first == "highway"; })) {
      reader.skip("no road class (no `highway` value)");
      continue;
    }
    const int64_t id = way_id_of(*feature, feature->GetFID() + 1);
    for (const OGRLineString* line : lines) reader.add_line(*line, id, tags);
  }
  return internal::import_way_buffer(reader.buffer, std::move(report), file, "road layer",
                                     options.import);
}

}  // namespace siaga::geodata
