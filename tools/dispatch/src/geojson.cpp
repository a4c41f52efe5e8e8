#include "siaga/dispatch/geojson.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "siaga/routing/hazard_report.h"

namespace siaga::dispatch {

namespace {
// Rounds to `decimals` places so that JSON shows 15.2, not 15.200000000000001.
double rounded(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

// "n123" / "w45", as osmium writes object ids.
std::string osm_reference(const geodata::Facility& facility) {
  std::string reference(1, facility.osm_type);
  reference.append(std::to_string(facility.osm_id));
  return reference;
}
}  // namespace

Json dataset_label(const geodata::RoadNetwork& network) {
  Json label;
  label["dataset"] = network.dataset;
  label["schematic"] = network.schematic;
  if (network.schematic) {
    label["notice"] = schematic_notice;
  }
  return label;
}

Json line_string(std::span<const geodata::LatLon> points) {
  Json coordinates = Json::array();
  for (const geodata::LatLon& p : points) {
    coordinates.push_back({rounded(p.lon, 6), rounded(p.lat, 6)});
  }
  return {{"type", "LineString"}, {"coordinates", coordinates}};
}

namespace {
// The longest text of one coordinate: a sign, three whole digits, the point, six decimals.
constexpr size_t coordinate_chars = 1 + 3 + 1 + 6;
constexpr size_t point_chars = 2 * coordinate_chars + 4;  // ",[lon,lat]"

// A coordinate rounded to 6 decimals as the shortest text of that number (what Json writes for
// the rounded double), written at `out`, which has room for it; returns its end. All six decimals
// are written, two digits at a time, and then the trailing zeros dropped but one: a character
// appended at a time (a capacity check each) was a fifth of a /route answer's time.
char* write_coordinate(char* out, double value) {
  static constexpr char pairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  const int64_t micro = rounded_integer(value * 1e6);
  if (micro < 0) *out++ = '-';
  const uint64_t magnitude = micro < 0 ? 0 - static_cast<uint64_t>(micro) : micro;
  out = std::to_chars(out, out + 20, magnitude / 1'000'000).ptr;
  *out++ = '.';
  uint64_t fraction = magnitude % 1'000'000;
  for (int pair = 2; pair >= 0; --pair, fraction /= 100)
    std::memcpy(out + 2 * pair, pairs + 2 * (fraction % 100), 2);
  int width = 6;
  while (width > 1 && out[width - 1] == '0') --width;
  return out + width;
}
}  // namespace

std::string line_string_text(std::span<const geodata::LatLon> points) {
  constexpr std::string_view head = R"({"type":"LineString","coordinates":[)";
  // Sized for the longest text and cut to what was written. A coordinate of four whole digits
  // or more (or NaN) would outgrow it, and no point on Earth has one.
  std::string out(head.size() + points.size() * point_chars + 2, '\0');
  char* end = std::copy(head.begin(), head.end(), out.data());
  for (size_t i = 0; i < points.size(); ++i) {
    expects(std::abs(points[i].lat) < 999 && std::abs(points[i].lon) < 999,
            "line_string_text: a coordinate beyond three whole digits");
    if (i > 0) *end++ = ',';
    *end++ = '[';
    end = write_coordinate(end, points[i].lon);
    *end++ = ',';
    end = write_coordinate(end, points[i].lat);
    *end++ = ']';
  }
  *end++ = ']';
  *end++ = '}';
  out.resize(static_cast<size_t>(end - out.data()));
  return out;
}

Json route_json(const geodata::RoadNetwork& network, const routing::Route& route) {
  Json out = dataset_label(network);
  out["distance_m"] = rounded(route.distance_m, 1);
  out["duration_s"] = rounded(route.duration_ms / 1000.0, 1);
  out["geometry"] = line_string(route.geometry);
  out["from_snap_m"] = rounded(route.from_snap_m, 1);
  out["to_snap_m"] = rounded(route.to_snap_m, 1);
  return out;
}

Json facilities_geojson(const geodata::RoadNetwork& network, std::string_view kind_filter) {
  Json out = {{"type", "FeatureCollection"}};
  out.update(dataset_label(network));
  Json features = Json::array();
  for (const geodata::Facility& facility : network.facilities) {
    const std::string_view kind = geodata::facility_kind_name(facility.kind);
    if (kind_filter != "all" && kind != kind_filter) continue;
    features.push_back(
        {{"type", "Feature"},
         {"geometry",
          {{"type", "Point"},
           {"coordinates",
            {rounded(facility.position.lon, 6), rounded(facility.position.lat, 6)}}}},
         {"properties",
          {{"name", facility.name}, {"kind", kind}, {"osm_id", osm_reference(facility)}}}});
  }
  out["features"] = features;
  return out;
}

Json zone_json(const geodata::HazardZone& zone) {
  Json out = {
      {"id", zone.id}, {"name", zone.name}, {"hazard", geodata::hazard_kind_name(zone.kind)}};
  if (zone.kind == geodata::HazardKind::flood) {
    out["depth_cm"] = zone.depth_cm;
  } else {
    out["severity"] = zone.severity;
  }
  return out;
}

Json hazards_json(const routing::LiveMetrics& live, const routing::MetricSet& set,
                  const routing::VehicleProfile& profile, const routing::Route& route) {
  const geodata::HazardIndex& hazards = live.hazards();
  Json active = Json::array(), on_route = Json::array(), near = Json::array();
  for (uint32_t zone = 0; zone < hazards.zones.size(); ++zone) {
    if (set.active[zone]) active.push_back(hazards.zones[zone].id);
  }
  for (const routing::ZoneOnRoute& z :
       routing::zones_on_route(route, profile, hazards, set.active)) {
    Json item = zone_json(hazards.zones[z.zone]);
    item["overlap_m"] = std::round(z.overlap_m * 10) / 10;
    item["speed_factor"] = z.speed_factor;
    on_route.push_back(item);
  }
  for (uint32_t zone : routing::zones_near_route(live.network(), route, hazards, set.active)) {
    near.push_back(zone_json(hazards.zones[zone]));
  }
  return {{"active", active}, {"on_route", on_route}, {"near_route", near}};
}

Json isochrone_geojson(const geodata::RoadNetwork& network,
                       std::span<const routing::BandedArc> arcs,
                       std::span<const double> bands_minutes) {
  static const char* const colours[] = {"#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027"};
  const std::vector<uint32_t> tails = geodata::arc_tails(network);
  Json features = Json::array();
  for (const routing::BandedArc& banded : arcs) {
    const geodata::LatLon ends[] = {network.node_position[tails[banded.arc]],
                                    network.node_position[network.arc_head[banded.arc]]};
    features.push_back({{"type", "Feature"},
                        {"geometry", line_string(ends)},
                        {"properties",
                         {{"band_minutes", bands_minutes[banded.band]},
                          {"arrival_minutes", rounded(banded.arrival_ms / 60000.0, 2)},
                          {"stroke", colours[std::min<size_t>(banded.band, 4)]}}}});
  }
  Json out = {{"type", "FeatureCollection"}};
  out.update(dataset_label(network));
  out["features"] = features;
  return out;
}

Json import_summary_json(const geodata::ImportResult& result,
                         const std::filesystem::path& graph_file) {
  const geodata::ImportReport& report = result.report;
  Json out = dataset_label(result.network);
  out["source"] = report.source;
  out["graph_file"] = graph_file.string();
  out["nodes"] = result.network.map_node_count();
  out["edges"] = result.network.map_arc_count();
  Json km = Json::object();
  double total = 0;
  for (const auto& [road_class, value] : report.km_by_class) {
    km[road_class] = std::round(value * 100) / 100;
    total += value;
  }
  out["km_by_class"] = km;
  out["km_total"] = std::round(total * 100) / 100;
  out["osm_nodes_read"] = report.osm_nodes;
  out["osm_ways_read"] = report.osm_ways;
  out["routable_ways"] = report.routable_ways;
  out["ways_excluded"] = report.ways_excluded;
  out["components"] = report.components;
  out["components_dropped"] = report.components == 0 ? 0 : report.components - 1;
  out["nodes_dropped"] = report.nodes_dropped;
  out["edges_dropped"] = report.arcs_dropped;
  out["dropped_because"] = "not in the largest strongly connected component";
  out["facilities"] = report.facilities_by_kind;
  out["turn_restrictions"] = {{"relations", report.restrictions.relations},
                              {"applied", report.restrictions.applied},
                              {"skipped", report.restrictions.skipped},
                              {"junction_copies", report.junction_copies},
                              {"edge_copies", report.arc_copies}};
  out["elapsed_ms"] = std::round(report.elapsed_ms * 10) / 10;
  return out;
}

}  // namespace siaga::dispatch
