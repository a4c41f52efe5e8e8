// The road graph as flat arrays: topology in CSR form (first_out/arc_head), per-arc attributes
// beside it, and the facilities found in the same OSM source. Weights for a particular vehicle
// live elsewhere (routing/); this is only what the map says.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "siaga/error.h"

namespace siaga::geodata {

// A map data file (OSM extract, graph file, hazard layer, boundaries) that cannot be used, or
// arrays that do not make a road network.
struct MapDataError : DataError {
  using DataError::DataError;
};

struct LatLon {
  double lat = 0;
  double lon = 0;
};

// Metres in UTM zone 52S (EPSG:32752), the metric frame for all distance work on Ambon.
struct Xy {
  double x = 0;
  double y = 0;
};

inline constexpr uint32_t invalid_id = std::numeric_limits<uint32_t>::max();

enum class RoadClass : uint8_t {
  motorway,
  trunk,
  primary,
  secondary,
  tertiary,
  unclassified,
  residential,
  living_street,
  service,
  road,
  ferry,
};
inline constexpr int road_class_count = 11;
std::string_view road_class_name(RoadClass road_class);

// Bit flags per arc.
enum ArcFlag : uint8_t {
  arc_bridge = 1,
  arc_ferry = 2,
  arc_tunnel = 4,
  arc_link = 8,  // *_link ramps
  arc_roundabout = 16,
};

enum class FacilityKind : uint8_t { hospital, clinic, fire_station, police, ambulance_station };
inline constexpr int facility_kind_count = 5;
std::string_view facility_kind_name(FacilityKind kind);

struct Facility {
  FacilityKind kind = FacilityKind::hospital;
  std::string name;
  int64_t osm_id = 0;
  char osm_type = 'n';  // 'n' node, 'w' way (position is the mean of its nodes)
  LatLon position;
};

struct RoadNetwork {
  std::string dataset;  // "ambon-schematic" for the generated island, else the source's stem
  bool schematic = false;
  uint64_t source_checksum = 0;  // FNV-1a of the OSM file the graph was built from
  int32_t utm_epsg = 32752;      // the metric frame of node_xy

  std::vector<LatLon> node_position;
  std::vector<Xy> node_xy;
  std::vector<int64_t> node_osm_id;

  std::vector<uint32_t> first_out;  // node_count() + 1 entries; arcs of v: [first_out[v], [v+1])
  std::vector<uint32_t> arc_head;
  std::vector<float> arc_length_m;
  std::vector<uint32_t> arc_time_ms;  // free-flow travel time for a car
  std::vector<RoadClass> arc_class;
  std::vector<uint8_t> arc_flags;
  std::vector<uint32_t> arc_way;  // index into way_osm_id / way_name

  std::vector<int64_t> way_osm_id;
  std::vector<std::string> way_name;

  std::vector<Facility> facilities;

  // Turn restrictions split junctions (turn_restrictions.h): nodes from map_node_count() on are
  // copies of a junction, entered only by arcs whose allowed turns they offer, and their arcs
  // (from map_arc_count() on) duplicate the junction's. Empty without restrictions. A copy has
  // its junction's position and OSM id; a copy arc its map arc's attributes.
  std::vector<uint32_t> copy_node_of;  // per copy node, its junction (non-decreasing)
  std::vector<uint32_t> copy_arc_of;   // per copy arc, the map arc it drives

  uint32_t node_count() const { return static_cast<uint32_t>(node_position.size()); }
  uint32_t arc_count() const { return static_cast<uint32_t>(arc_head.size()); }
  uint32_t map_node_count() const {
    return node_count() - static_cast<uint32_t>(copy_node_of.size());
  }
  uint32_t map_arc_count() const { return arc_count() - static_cast<uint32_t>(copy_arc_of.size()); }
  // The place on the map a node or arc stands for (itself unless a copy).
  uint32_t map_node(uint32_t node) const {
    return node < map_node_count() ? node : copy_node_of[node - map_node_count()];
  }
  uint32_t map_arc(uint32_t arc) const {
    return arc < map_arc_count() ? arc : copy_arc_of[arc - map_arc_count()];
  }
};

// Calls visit(arc, tail) for a map arc leaving the map node `tail` and visit(copy arc, copy) for
// each copy arc that drives it out of a copy of `tail`: every way a search may start driving it.
template <class Visit>
void for_each_arc_copy(const RoadNetwork& network, uint32_t tail, uint32_t arc, Visit&& visit) {
  visit(arc, tail);
  const auto& copies = network.copy_node_of;
  const auto first = std::lower_bound(copies.begin(), copies.end(), tail);
  const uint32_t map_nodes = network.map_node_count(), map_arcs = network.map_arc_count();
  for (auto it = first; it != copies.end() && *it == tail; ++it) {
    const uint32_t copy = map_nodes + static_cast<uint32_t>(it - copies.begin());
    for (uint32_t out = network.first_out[copy]; out < network.first_out[copy + 1]; ++out) {
      if (network.copy_arc_of[out - map_arcs] == arc) visit(out, copy);
    }
  }
}

// Tail node of every arc (the inverse of first_out), computed on demand.
std::vector<uint32_t> arc_tails(const RoadNetwork& network);

// The arc from `from` to `to` (map nodes: an arc ending at a copy of `to` counts), or invalid_id.
// Picks the fastest when there are several.
uint32_t find_arc(const RoadNetwork& network, uint32_t from, uint32_t to);

// A street between two map nodes, once however many directions it can be driven in: driven
// tail → head through forward_arc and head → tail through backward_arc (invalid_id on a one-way;
// a one-way is listed its own way). Map arcs only: copies drive the same street.
struct RoadSegment {
  uint32_t tail = invalid_id;
  uint32_t head = invalid_id;
  uint32_t forward_arc = invalid_id;
  uint32_t backward_arc = invalid_id;
};

// Every street of the network once (a two-way street from its lower node id; of parallel arcs
// between the same nodes, the fastest stands for the street).
std::vector<RoadSegment> road_segments(const RoadNetwork& network);

// Throws MapDataError when the arrays are inconsistent (sizes, CSR order, ids out of range).
void check_consistent(const RoadNetwork& network);

double haversine_m(LatLon a, LatLon b);

}  // namespace siaga::geodata
