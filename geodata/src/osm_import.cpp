// OSM import as a libosmium handler: one pass over nodes and ways with a node-location index,
// collecting drivable ways and facilities; then the directed graph is built in CSR form and cut
// to its largest strongly connected component.
#include "siaga/geodata/osm_import.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>
#include <string>
#include <vector>

#include "internal/strongly_connected.h"
#include "internal/way_import.h"
#include "internal/xml_coordinates.h"
#include "siaga/geodata/graph_file.h"
#include "siaga/geodata/projection.h"

namespace siaga::geodata {
namespace {

enum class Direction : uint8_t { both, forward, backward };

// What the tags say about a way, for a car.
struct WayRule {
  bool routable = false;
  std::string exclude_reason;  // empty for ways that are not roads at all
  RoadClass road_class = RoadClass::road;
  uint8_t flags = 0;
  Direction direction = Direction::both;
  double speed_kmh = 0;
  double duration_s = 0;  // ferries with a `duration` tag: for the whole way
};

struct RawWay {
  int64_t osm_id;
  std::string name;
  WayRule rule;
  std::vector<int64_t> node_ids;
  std::vector<LatLon> positions;
};

struct RawArc {
  uint32_t tail;
  uint32_t head;
  float length_m;
  uint32_t time_ms;
  RoadClass road_class;
  uint8_t flags;
  uint32_t way;
};

bool tag_is(const char* value, std::initializer_list<std::string_view> options) {
  if (value == nullptr) return false;
  return std::find(options.begin(), options.end(), std::string_view(value)) != options.end();
}

std::optional<RoadClass> highway_class(std::string_view highway, bool include_tracks,
                                       uint8_t& flags) {
  std::string_view base = highway;
  if (base.ends_with("_link")) {
    base.remove_suffix(5);
    flags |= arc_link;
  }
  if (base == "motorway") return RoadClass::motorway;
  if (base == "trunk") return RoadClass::trunk;
  if (base == "primary") return RoadClass::primary;
  if (base == "secondary") return RoadClass::secondary;
  if (base == "tertiary") return RoadClass::tertiary;
  if ((flags & arc_link) != 0) return std::nullopt;  // e.g. "residential_link" is not a thing
  if (highway == "unclassified") return RoadClass::unclassified;
  if (highway == "residential") return RoadClass::residential;
  if (highway == "living_street") return RoadClass::living_street;
  if (highway == "service") return RoadClass::service;
  if (highway == "road") return RoadClass::road;
  if (highway == "track" && include_tracks) return RoadClass::road;
  return std::nullopt;
}

// Most specific access tag wins: motorcar > motor_vehicle > vehicle > access.
std::string access_restriction(const osmium::TagList& tags) {
  for (const char* key : {"motorcar", "motor_vehicle", "vehicle", "access"}) {
    const char* value = tags[key];
    if (value == nullptr) continue;
    if (tag_is(value, {"no", "private", "agricultural", "forestry"})) {
      return std::string(key) + "=" + value;
    }
    return {};
  }
  return {};
}

Direction oneway_direction(const osmium::TagList& tags, RoadClass road_class, uint8_t& flags) {
  const char* oneway = tags["oneway"];
  if (tag_is(oneway, {"yes", "true", "1"})) return Direction::forward;
  if (tag_is(oneway, {"-1", "reverse"})) return Direction::backward;
  if (tag_is(oneway, {"no", "false", "0"})) return Direction::both;
  if (tag_is(tags["junction"], {"roundabout", "circular"})) {
    flags |= arc_roundabout;
    return Direction::forward;
  }
  if (road_class == RoadClass::motorway) return Direction::forward;  // implied, links included
  return Direction::both;
}

WayRule ferry_rule(const osmium::TagList& tags, const ImportOptions& options) {
  WayRule rule;
  if (tag_is(tags["motor_vehicle"], {"no"}) || tag_is(tags["motorcar"], {"no"})) {
    rule.exclude_reason = "ferry without cars";
    return rule;
  }
  rule.routable = true;
  rule.road_class = RoadClass::ferry;
  rule.flags = arc_ferry;
  rule.direction =
      tag_is(tags["oneway"], {"yes", "true", "1"}) ? Direction::forward : Direction::both;
  rule.speed_kmh = options.ferry_speed_kmh;
  if (const char* duration = tags["duration"]) {
    if (const auto seconds = parse_duration_s(duration)) rule.duration_s = *seconds;
  }
  return rule;
}

WayRule classify_way(const osmium::TagList& tags, const ImportOptions& options) {
  if (tag_is(tags["route"], {"ferry"})) return ferry_rule(tags, options);
  WayRule rule;
  const char* highway = tags["highway"];
  if (highway == nullptr) return rule;  // not a road: not counted as excluded
  const std::optional<RoadClass> road_class =
      highway_class(highway, options.include_tracks, rule.flags);
  if (!road_class) {
    rule.exclude_reason = std::string("highway=") + highway;
    return rule;
  }
  if (tag_is(tags["area"], {"yes"})) {
    rule.exclude_reason = "area=yes";
    return rule;
  }
  if (std::string restriction = access_restriction(tags); !restriction.empty()) {
    rule.exclude_reason = restriction;
    return rule;
  }
  if (tag_is(tags["oneway"], {"reversible", "alternating"})) {
    rule.exclude_reason = "oneway=reversible";
    return rule;
  }
  rule.routable = true;
  rule.road_class = *road_class;
  rule.direction = oneway_direction(tags, *road_class, rule.flags);
  const char* bridge = tags["bridge"];
  if (bridge != nullptr && !tag_is(bridge, {"no"})) rule.flags |= arc_bridge;
  const char* tunnel = tags["tunnel"];
  if (tunnel != nullptr && !tag_is(tunnel, {"no"})) rule.flags |= arc_tunnel;
  const char* maxspeed = tags["maxspeed"];
  const std::optional<double> tagged = maxspeed ? parse_maxspeed_kmh(maxspeed) : std::nullopt;
  rule.speed_kmh = tagged.value_or(default_speed_kmh(*road_class));
  return rule;
}

std::optional<FacilityKind> facility_kind(const osmium::TagList& tags) {
  const char* amenity = tags["amenity"];
  if (tag_is(amenity, {"hospital"})) return FacilityKind::hospital;
  if (tag_is(amenity, {"clinic"})) return FacilityKind::clinic;
  if (tag_is(amenity, {"fire_station"})) return FacilityKind::fire_station;
  if (tag_is(amenity, {"police"})) return FacilityKind::police;
  if (tag_is(tags["emergency"], {"ambulance_station"})) return FacilityKind::ambulance_station;
  return std::nullopt;
}

std::string display_name(const osmium::TagList& tags) {
  if (const char* name = tags["name"]) return name;
  if (const char* ref = tags["ref"]) return ref;
  return {};
}

class CollectHandler : public osmium::handler::Handler {
 public:
  explicit CollectHandler(const ImportOptions& options, ImportReport& report)
      : options_(options), report_(report), restrictions_(report.restrictions) {}

  void relation(const osmium::Relation& relation) { restrictions_.relation(relation); }

  void node(const osmium::Node& node) {
    ++report_.osm_nodes;
    if (const auto kind = facility_kind(node.tags()); kind && node.location().valid()) {
      facilities_.push_back({*kind,
                             display_name(node.tags()),
                             node.id(),
                             'n',
                             {node.location().lat(), node.location().lon()}});
    }
  }

  void way(const osmium::Way& way) {
    ++report_.osm_ways;
    if (const auto kind = facility_kind(way.tags())) add_way_facility(way, *kind);
    WayRule rule = classify_way(way.tags(), options_);
    if (!rule.routable) {
      if (!rule.exclude_reason.empty()) ++report_.ways_excluded[rule.exclude_reason];
      return;
    }
    RawWay raw{way.id(), display_name(way.tags()), std::move(rule), {}, {}};
    for (const osmium::NodeRef& ref : way.nodes()) {
      if (!ref.location().valid()) {
        ++report_.ways_excluded["missing node locations (broken OSM)"];
        return;
      }
      raw.node_ids.push_back(ref.ref());
      raw.positions.push_back({ref.location().lat(), ref.location().lon()});
    }
    if (raw.node_ids.size() < 2) {
      ++report_.ways_excluded["fewer than two nodes"];
      return;
    }
    ++report_.routable_ways;
    ways_.push_back(std::move(raw));
  }

  std::vector<RawWay>& ways() { return ways_; }
  std::vector<Facility>& facilities() { return facilities_; }
  std::vector<RestrictionRelation>& restriction_relations() { return restrictions_.relations(); }

 private:
  void add_way_facility(const osmium::Way& way, FacilityKind kind) {
    double lat = 0, lon = 0;
    size_t count = 0;
    for (const osmium::NodeRef& ref : way.nodes()) {
      if (!ref.location().valid()) continue;
      lat += ref.location().lat();
      lon += ref.location().lon();
      ++count;
    }
    if (count == 0) return;
    facilities_.push_back({kind,
                           display_name(way.tags()),
                           way.id(),
                           'w',
                           {lat / static_cast<double>(count), lon / static_cast<double>(count)}});
  }

  const ImportOptions& options_;
  ImportReport& report_;
  std::vector<RawWay> ways_;
  std::vector<Facility> facilities_;
  RestrictionCollector restrictions_;
};

// Reads the whole file through the location index and the collecting handler.
void read_osm(const std::filesystem::path& file, CollectHandler& handler, std::string& generator) {
  using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
  Index index;
  osmium::handler::NodeLocationsForWays<Index> locations(index);
  locations.ignore_errors();  // ways with missing nodes are counted, not fatal
  internal::refuse_exponent_coordinates(file);
  osmium::io::Reader reader(file.string(), osmium::osm_entity_bits::node |
                                               osmium::osm_entity_bits::way |
                                               osmium::osm_entity_bits::relation);
  generator = reader.header().get("generator");
  osmium::apply(reader, locations, handler);
  reader.close();
}

uint32_t milliseconds(double length_m, double speed_kmh) {
  const double seconds = length_m / (std::max(speed_kmh, 1.0) / 3.6);
  return static_cast<uint32_t>(std::max<long>(1, std::lround(seconds * 1000)));
}

// Dense node ids, positions and directed arcs from the collected ways.
struct RawGraph {
  std::vector<int64_t> osm_ids;
  std::vector<LatLon> positions;
  std::vector<Xy> xy;
  std::vector<RawArc> arcs;
};

RawGraph build_raw_graph(const std::vector<RawWay>& ways, int epsg) {
  RawGraph graph;
  for (const RawWay& way : ways) {
    graph.osm_ids.insert(graph.osm_ids.end(), way.node_ids.begin(), way.node_ids.end());
  }
  std::sort(graph.osm_ids.begin(), graph.osm_ids.end());
  graph.osm_ids.erase(std::unique(graph.osm_ids.begin(), graph.osm_ids.end()), graph.osm_ids.end());
  auto dense = [&](int64_t osm_id) {
    return static_cast<uint32_t>(
        std::lower_bound(graph.osm_ids.begin(), graph.osm_ids.end(), osm_id) -
        graph.osm_ids.begin());
  };
  graph.positions.resize(graph.osm_ids.size());
  for (const RawWay& way : ways) {
    for (size_t i = 0; i < way.node_ids.size(); ++i) {
      graph.positions[dense(way.node_ids[i])] = way.positions[i];
    }
  }
  graph.xy.resize(graph.positions.size());
  UtmProjection(epsg).forward(graph.positions, graph.xy);

  for (uint32_t way_index = 0; way_index < ways.size(); ++way_index) {
    const RawWay& way = ways[way_index];
    std::vector<double> lengths;
    double way_length = 0;
    for (size_t i = 0; i + 1 < way.node_ids.size(); ++i) {
      const Xy a = graph.xy[dense(way.node_ids[i])];
      const Xy b = graph.xy[dense(way.node_ids[i + 1])];
      lengths.push_back(std::hypot(b.x - a.x, b.y - a.y));
      way_length += lengths.back();
    }
    for (size_t i = 0; i + 1 < way.node_ids.size(); ++i) {
      const uint32_t a = dense(way.node_ids[i]);
      const uint32_t b = dense(way.node_ids[i + 1]);
      if (a == b) continue;
      uint32_t time_ms = milliseconds(lengths[i], way.rule.speed_kmh);
      if (way.rule.duration_s > 0 && way_length > 0) {
        time_ms = static_cast<uint32_t>(
            std::max(1L, std::lround(way.rule.duration_s * 1000 * lengths[i] / way_length)));
      }
      const RawArc arc{
          a,        b, static_cast<float>(lengths[i]), time_ms, way.rule.road_class, way.rule.flags,
          way_index};
      if (way.rule.direction != Direction::backward) graph.arcs.push_back(arc);
      if (way.rule.direction != Direction::forward) {
        graph.arcs.push_back(
            {b, a, arc.length_m, arc.time_ms, arc.road_class, arc.flags, way_index});
      }
    }
  }
  return graph;
}

// Keeps the nodes with keep[v] and the arcs between them, in CSR order by tail.
RoadNetwork to_network(const RawGraph& raw, const std::vector<RawWay>& ways,
                       const std::vector<bool>& keep) {
  RoadNetwork network;
  std::vector<uint32_t> new_id(raw.osm_ids.size(), invalid_id);
  for (uint32_t v = 0; v < raw.osm_ids.size(); ++v) {
    if (!keep[v]) continue;
    new_id[v] = static_cast<uint32_t>(network.node_osm_id.size());
    network.node_osm_id.push_back(raw.osm_ids[v]);
    network.node_position.push_back(raw.positions[v]);
    network.node_xy.push_back(raw.xy[v]);
  }
  std::vector<RawArc> arcs;
  for (const RawArc& arc : raw.arcs) {
    if (keep[arc.tail] && keep[arc.head]) {
      arcs.push_back(arc);
      arcs.back().tail = new_id[arc.tail];
      arcs.back().head = new_id[arc.head];
    }
  }
  std::stable_sort(arcs.begin(), arcs.end(),
                   [](const RawArc& a, const RawArc& b) { return a.tail < b.tail; });
  network.first_out.assign(network.node_osm_id.size() + 1, 0);
  for (const RawArc& arc : arcs) ++network.first_out[arc.tail + 1];
  std::partial_sum(network.first_out.begin(), network.first_out.end(), network.first_out.begin());
  for (const RawArc& arc : arcs) {
    network.arc_head.push_back(arc.head);
    network.arc_length_m.push_back(arc.length_m);
    network.arc_time_ms.push_back(arc.time_ms);
    network.arc_class.push_back(arc.road_class);
    network.arc_flags.push_back(arc.flags);
    network.arc_way.push_back(arc.way);
  }
  for (const RawWay& way : ways) {
    network.way_osm_id.push_back(way.osm_id);
    network.way_name.push_back(way.name);
  }
  return network;
}

std::map<std::string, double> km_by_class(const RoadNetwork& network) {
  std::map<std::string, double> km;
  const std::vector<uint32_t> tails = arc_tails(network);
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    const uint32_t tail = tails[arc];
    const uint32_t head = network.arc_head[arc];
    // A two-way street is one road: count it from its lower-numbered end only.
    if (tail > head && find_arc(network, head, tail) != invalid_id) continue;
    km[std::string(road_class_name(network.arc_class[arc]))] += network.arc_length_m[arc] / 1000;
  }
  return km;
}

std::string dataset_name(const std::filesystem::path& file, const std::string& generator,
                         bool& schematic) {
  schematic = generator.starts_with("siaga synth-ambon");
  if (schematic) return "ambon-schematic";
  return osm_file_stem(file);
}

LatLon mean_position(const std::vector<LatLon>& positions) {
  LatLon sum{0, 0};
  for (const LatLon& p : positions) sum = {sum.lat + p.lat, sum.lon + p.lon};
  const double n = static_cast<double>(std::max<size_t>(1, positions.size()));
  return {sum.lat / n, sum.lon / n};
}

}  // namespace

std::string osm_file_stem(const std::filesystem::path& file) {
  std::string name = file.filename().string();
  for (const char* suffix : {".osm.pbf", ".osm.bz2", ".osm", ".pbf"}) {
    if (name.ends_with(suffix)) {
      name.resize(name.size() - std::string_view(suffix).size());
      break;
    }
  }
  return name;
}

namespace {

// Everything after reading: the graph from the collected ways, the largest strongly connected
// component, the report.
ImportResult finish_import(CollectHandler& handler, ImportResult result,
                           const std::filesystem::path& source, const std::string& generator,
                           const ImportOptions& options,
                           std::chrono::steady_clock::time_point started) {
  if (handler.ways().empty()) {
    throw MapDataError("road data " + source.string() + " has no drivable roads");
  }
  std::vector<LatLon> way_starts;
  for (const RawWay& way : handler.ways()) way_starts.push_back(way.positions.front());
  const int epsg = utm_epsg_for(mean_position(way_starts));

  const RawGraph raw = build_raw_graph(handler.ways(), epsg);
  result.report.nodes_before = static_cast<uint32_t>(raw.osm_ids.size());
  result.report.arcs_before = static_cast<uint32_t>(raw.arcs.size());

  std::vector<std::pair<uint32_t, uint32_t>> arc_ends;
  for (const RawArc& arc : raw.arcs) arc_ends.emplace_back(arc.tail, arc.head);
  const internal::Components components =
      internal::strongly_connected_components(result.report.nodes_before, arc_ends);
  result.report.components = components.count;
  std::vector<bool> keep(raw.osm_ids.size(), true);
  if (options.keep_largest_component_only) {
    const uint32_t largest = components.largest();
    for (uint32_t v = 0; v < keep.size(); ++v) keep[v] = components.component[v] == largest;
  }
  RoadNetwork& network = result.network;
  network = to_network(raw, handler.ways(), keep);
  network.utm_epsg = epsg;
  network.facilities = std::move(handler.facilities());
  network.dataset = dataset_name(source, generator, network.schematic);
  network.source_checksum = file_checksum(source);
  check_consistent(network);

  result.report.nodes_dropped = result.report.nodes_before - network.node_count();
  result.report.arcs_dropped = result.report.arcs_before - network.arc_count();
  result.report.km_by_class = km_by_class(network);
  result.restrictions =
      resolve_restrictions(network, handler.restriction_relations(), result.report.restrictions);
  if (options.turn_restrictions && !result.restrictions.empty()) {
    network = apply_restrictions(network, result.restrictions);
    result.report.junction_copies = static_cast<uint32_t>(network.copy_node_of.size());
    result.report.arc_copies = static_cast<uint32_t>(network.copy_arc_of.size());
  }
  for (const Facility& facility : network.facilities) {
    ++result.report.facilities_by_kind[std::string(facility_kind_name(facility.kind))];
  }
  result.report.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace

ImportResult import_osm(const std::filesystem::path& osm_file, const ImportOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (!std::filesystem::exists(osm_file)) {
    throw IoError("OSM file " + osm_file.string() + " not found");
  }
  ImportResult result;
  result.report.source = osm_file.string();
  CollectHandler handler(options, result.report);
  std::string generator;
  try {
    read_osm(osm_file, handler, generator);
  } catch (const std::exception& error) {
    throw MapDataError("cannot read OSM file " + osm_file.string() + ": " + error.what());
  }
  return finish_import(handler, std::move(result), osm_file, generator, options, started);
}

namespace internal {

ImportResult import_way_buffer(const osmium::memory::Buffer& ways, ImportReport report,
                               const std::filesystem::path& source, const std::string& generator,
                               const ImportOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ImportResult result;
  result.report = std::move(report);
  CollectHandler handler(options, result.report);
  osmium::apply(ways, handler);
  return finish_import(handler, std::move(result), source, generator, options, started);
}

}  // namespace internal

}  // namespace siaga::geodata
