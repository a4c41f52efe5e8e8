#include "siaga/geodata/road_network.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace siaga::geodata {

std::string_view road_class_name(RoadClass road_class) {
  switch (road_class) {
    case RoadClass::motorway:
      return "motorway";
    case RoadClass::trunk:
      return "trunk";
    case RoadClass::primary:
      return "primary";
    case RoadClass::secondary:
      return "secondary";
    case RoadClass::tertiary:
      return "tertiary";
    case RoadClass::unclassified:
      return "unclassified";
    case RoadClass::residential:
      return "residential";
    case RoadClass::living_street:
      return "living_street";
    case RoadClass::service:
      return "service";
    case RoadClass::road:
      return "road";
    case RoadClass::ferry:
      return "ferry";
  }
  return "unknown";
}

std::string_view facility_kind_name(FacilityKind kind) {
  switch (kind) {
    case FacilityKind::hospital:
      return "hospital";
    case FacilityKind::clinic:
      return "clinic";
    case FacilityKind::fire_station:
      return "fire_station";
    case FacilityKind::police:
      return "police";
    case FacilityKind::ambulance_station:
      return "ambulance_station";
  }
  return "unknown";
}

std::vector<uint32_t> arc_tails(const RoadNetwork& network) {
  std::vector<uint32_t> tails(network.arc_count());
  for (uint32_t node = 0; node < network.node_count(); ++node) {
    std::fill(tails.begin() + network.first_out[node], tails.begin() + network.first_out[node + 1],
              node);
  }
  return tails;
}

uint32_t find_arc(const RoadNetwork& network, uint32_t from, uint32_t to) {
  uint32_t best = invalid_id;
  for (uint32_t arc = network.first_out[from]; arc < network.first_out[from + 1]; ++arc) {
    if (network.map_node(network.arc_head[arc]) != to) continue;
    if (best == invalid_id || network.arc_time_ms[arc] < network.arc_time_ms[best]) best = arc;
  }
  return best;
}

std::vector<RoadSegment> road_segments(const RoadNetwork& network) {
  std::vector<RoadSegment> segments;
  const std::vector<uint32_t> tails = arc_tails(network);
  for (uint32_t arc = 0; arc < network.map_arc_count(); ++arc) {
    const uint32_t tail = tails[arc], head = network.map_node(network.arc_head[arc]);
    if (tail == head) continue;
    const uint32_t reverse = find_arc(network, head, tail);
    if (reverse != invalid_id && tail > head) continue;  // listed from the other end
    if (find_arc(network, tail, head) != arc) continue;  // a slower parallel arc
    segments.push_back({tail, head, arc, reverse});
  }
  return segments;
}

void check_consistent(const RoadNetwork& network) {
  const size_t nodes = network.node_position.size();
  const size_t arcs = network.arc_head.size();
  auto require = [](bool ok, const std::string& what) {
    if (!ok) throw MapDataError("inconsistent road network: " + what);
  };
  require(network.node_xy.size() == nodes && network.node_osm_id.size() == nodes,
          "node arrays differ in size");
  require(network.first_out.size() == nodes + 1, "first_out must have node_count + 1 entries");
  require(network.first_out.front() == 0 && network.first_out.back() == arcs,
          "first_out must start at 0 and end at arc_count");
  require(std::is_sorted(network.first_out.begin(), network.first_out.end()),
          "first_out must be non-decreasing");
  require(network.arc_length_m.size() == arcs && network.arc_time_ms.size() == arcs &&
              network.arc_class.size() == arcs && network.arc_flags.size() == arcs &&
              network.arc_way.size() == arcs,
          "arc arrays differ in size");
  require(network.way_osm_id.size() == network.way_name.size(), "way arrays differ in size");
  for (size_t arc = 0; arc < arcs; ++arc) {
    require(network.arc_head[arc] < nodes, "arc head out of range");
    require(network.arc_way[arc] < network.way_osm_id.size(), "arc way out of range");
    require(static_cast<int>(network.arc_class[arc]) < road_class_count, "arc class out of range");
    require(std::isfinite(network.arc_length_m[arc]) && network.arc_length_m[arc] >= 0,
            "arc length must be finite and non-negative");
  }
  require(network.copy_node_of.size() <= nodes && network.copy_arc_of.size() <= arcs,
          "more copies than nodes or arcs");
  require(std::is_sorted(network.copy_node_of.begin(), network.copy_node_of.end()),
          "copy nodes must be sorted by junction");
  for (uint32_t junction : network.copy_node_of) {
    require(junction < network.map_node_count(), "copy of a node that is not on the map");
  }
  const uint32_t map_arcs = network.map_arc_count();
  require(network.first_out[network.map_node_count()] == map_arcs,
          "copy arcs must be exactly the copy nodes' arcs");
  for (uint32_t copy = network.map_node_count(); copy < nodes; ++copy) {
    for (uint32_t arc = network.first_out[copy]; arc < network.first_out[copy + 1]; ++arc) {
      const uint32_t map_arc = network.copy_arc_of[arc - map_arcs];
      require(map_arc < map_arcs && network.first_out[network.map_node(copy)] <= map_arc &&
                  map_arc < network.first_out[network.map_node(copy) + 1],
              "a copy arc must drive an arc of its copy's junction");
    }
  }
  for (const Facility& facility : network.facilities) {
    require(static_cast<int>(facility.kind) < facility_kind_count, "facility kind out of range");
  }
}

double haversine_m(LatLon a, LatLon b) {
  constexpr double earth_radius_m = 6371008.8;
  constexpr double deg = M_PI / 180.0;
  const double dlat = (b.lat - a.lat) * deg;
  const double dlon = (b.lon - a.lon) * deg;
  const double h =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(a.lat * deg) * std::cos(b.lat * deg) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * earth_radius_m * std::asin(std::min(1.0, std::sqrt(h)));
}

}  // namespace siaga::geodata
