#include "siaga/synth/illustrative_hazards.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <cctype>
#include <map>
#include <memory>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>

#include "siaga/geodata/projection.h"
#include "siaga/geodata/vector_output.h"

namespace siaga::synth {
namespace {

constexpr const char* note =
    "ILLUSTRATIVE scenario derived from the map's own features by siaga synth-hazards; not an "
    "official hazard map";

struct Feature {
  std::string id, name, hazard;
  double depth_cm = 0;
  double severity = 1;
  std::unique_ptr<OGRGeometry> geometry;  // WGS84
};

// Named rivers (waterway=river) as WGS84 polylines, parts of one river joined under its name.
std::map<std::string, std::vector<std::vector<geodata::LatLon>>> read_rivers(
    const std::filesystem::path& osm_file) {
  struct Handler : osmium::handler::Handler {
    std::map<std::string, std::vector<std::vector<geodata::LatLon>>> rivers;
    void way(const osmium::Way& way) {
      const char* name = way.tags()["name"];
      if (!way.tags().has_tag("waterway", "river") || name == nullptr) return;
      std::vector<geodata::LatLon> line;
      for (const auto& ref : way.nodes()) {
        if (ref.location().valid()) line.push_back({ref.location().lat(), ref.location().lon()});
      }
      if (line.size() >= 2) rivers[name].push_back(std::move(line));
    }
  } handler;
  using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
  Index index;
  osmium::handler::NodeLocationsForWays<Index> locations(index);
  locations.ignore_errors();
  osmium::io::Reader reader(osm_file.string(),
                            osmium::osm_entity_bits::node | osmium::osm_entity_bits::way);
  osmium::apply(reader, locations, handler);
  reader.close();
  return std::move(handler.rivers);
}

std::string slug(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  return out;
}

class Buffering {
 public:
  explicit Buffering(int utm_epsg) {
    wgs84_.importFromEPSG(4326);
    wgs84_.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    utm_.importFromEPSG(utm_epsg);
    utm_.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    to_utm_.reset(OGRCreateCoordinateTransformation(&wgs84_, &utm_));
    to_wgs84_.reset(OGRCreateCoordinateTransformation(&utm_, &wgs84_));
  }
  // The area within `metres` of the polylines, as a WGS84 geometry.
  std::unique_ptr<OGRGeometry> around(const std::vector<std::vector<geodata::LatLon>>& lines,
                                      double metres) const {
    OGRMultiLineString multi;
    for (const auto& line : lines) {
      OGRLineString string;
      for (const auto& p : line) string.addPoint(p.lon, p.lat);
      multi.addGeometry(&string);
    }
    multi.transform(to_utm_.get());
    std::unique_ptr<OGRGeometry> buffered(multi.Buffer(metres, 8));
    buffered->transform(to_wgs84_.get());
    return buffered;
  }

 private:
  OGRSpatialReference wgs84_, utm_;
  std::unique_ptr<OGRCoordinateTransformation> to_utm_, to_wgs84_;
};

// Flood bands along each river: deep near the channel, shallower further out.
void add_floods(const std::filesystem::path& osm_file, const Buffering& buffering,
                std::vector<Feature>& features) {
  const struct { double metres, depth_cm; } bands[] = {{40, 50}, {100, 25}, {180, 10}};
  for (const auto& [name, lines] : read_rivers(osm_file)) {
    for (const auto& band : bands) {
      const std::string depth = std::to_string(static_cast<int>(band.depth_cm));
      features.push_back({"flood-" + slug(name) + "-" + depth + "cm",
                          "Banjir " + name + " (" + depth + " cm)", "flood", band.depth_cm, 1,
                          buffering.around(lines, band.metres)});
    }
  }
}

// Landslide zones on hillside roads: the nearest road node to each named slope, 120 m around it.
void add_landslides(const geodata::RoadNetwork& network, const Buffering& buffering,
                    std::vector<Feature>& features) {
  const struct {
    const char* name;
    geodata::LatLon near;
  } slopes[] = {
      {"Jalan Kilang", {-3.7065, 128.1990}}, {"Jalan Soya", {-3.7040, 128.1915}},
      {"Lintas Hitu", {-3.6225, 128.1600}},  {"Hutumuri", {-3.6850, 128.2850}},
      {"Naku – Ema", {-3.7340, 128.2450}},
  };
  for (const auto& slope : slopes) {
    uint32_t best = 0;
    double best_m = 1e18;
    for (uint32_t v = 0; v < network.node_count(); ++v) {
      const double d = geodata::haversine_m(network.node_position[v], slope.near);
      if (d < best_m) {
        best_m = d;
        best = v;
      }
    }
    const geodata::LatLon at = network.node_position[best];
    features.push_back({"landslide-" + slug(slope.name), std::string("Longsor ") + slope.name,
                        "landslide", 0, 0.8, buffering.around({{at, at}}, 120)});
  }
}

// Jembatan Merah Putih closed (e.g. for an inspection after an earthquake).
void add_bridge_closure(const geodata::RoadNetwork& network, const Buffering& buffering,
                        std::vector<Feature>& features) {
  const std::vector<uint32_t> tails = geodata::arc_tails(network);
  std::vector<std::vector<geodata::LatLon>> deck;
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    if ((network.arc_flags[arc] & geodata::arc_bridge) == 0) continue;
    deck.push_back(
        {network.node_position[tails[arc]], network.node_position[network.arc_head[arc]]});
  }
  if (deck.empty()) return;
  features.push_back({"closure-jembatan-merah-putih", "Penutupan Jembatan Merah Putih", "closure",
                      0, 1, buffering.around(deck, 15)});
}

void write(const std::filesystem::path& file, const char* driver_name,
           const std::vector<Feature>& features) {
  const geodata::FieldSpec fields[] = {{"id", OFTString},     {"name", OFTString},
                                       {"hazard", OFTString}, {"note", OFTString},
                                       {"depth_cm", OFTReal}, {"severity", OFTReal}};
  geodata::VectorOutput out(file, driver_name, "hazards_illustrative", wkbMultiPolygon, fields, 6);
  for (const Feature& f : features) {
    OGRFeature feature(out.definition());
    feature.SetField("id", f.id.c_str());
    feature.SetField("name", f.name.c_str());
    feature.SetField("hazard", f.hazard.c_str());
    feature.SetField("note", note);
    if (f.hazard == "flood") {
      feature.SetField("depth_cm", f.depth_cm);
    } else {
      feature.SetField("severity", f.severity);
    }
    std::unique_ptr<OGRGeometry> multi(
        OGRGeometryFactory::forceToMultiPolygon(f.geometry->clone()));
    feature.SetGeometry(multi.get());
    out.add(feature, f.id);
  }
  out.commit();
}

}  // namespace

HazardSynthSummary write_illustrative_hazards(const std::filesystem::path& osm_file,
                                              const geodata::RoadNetwork& network,
                                              const std::filesystem::path& out_dir) {
  GDALAllRegister();
  const Buffering buffering(network.utm_epsg);
  std::vector<Feature> features;
  add_floods(osm_file, buffering, features);
  HazardSynthSummary summary;
  summary.flood_zones = static_cast<int>(features.size());
  add_landslides(network, buffering, features);
  summary.landslide_zones = static_cast<int>(features.size()) - summary.flood_zones;
  add_bridge_closure(network, buffering, features);
  summary.closures =
      static_cast<int>(features.size()) - summary.flood_zones - summary.landslide_zones;
  std::filesystem::create_directories(out_dir);
  summary.files = {out_dir / "hazards-illustrative.geojson", out_dir / "hazards-illustrative.gpkg"};
  write(summary.files[0], "GeoJSON", features);
  write(summary.files[1], "GPKG", features);
  return summary;
}

}  // namespace siaga::synth
