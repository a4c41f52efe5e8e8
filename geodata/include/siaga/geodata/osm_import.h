// OSM → RoadNetwork for cars: which ways are drivable, in which direction, how fast.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "siaga/geodata/road_network.h"
#include "siaga/geodata/turn_restrictions.h"

namespace siaga::geodata {

struct ImportOptions {
  double ferry_speed_kmh = 15;  // used when a ferry way has no `duration`
  bool include_tracks = false;
  bool keep_largest_component_only = true;
  bool turn_restrictions =
      true;  // split junctions by the restriction relations (else only list them)
};

struct ImportReport {
  std::string source;
  uint64_t osm_nodes = 0;
  uint64_t osm_ways = 0;
  uint64_t routable_ways = 0;
  std::map<std::string, uint64_t> ways_excluded;  // reason → count
  uint32_t nodes_before = 0;
  uint32_t arcs_before = 0;
  uint32_t components = 0;  // strongly connected components before the cut
  uint32_t nodes_dropped = 0;
  uint32_t arcs_dropped = 0;
  std::map<std::string, double> km_by_class;  // undirected road length of the kept graph
  std::map<std::string, uint32_t> facilities_by_kind;
  RestrictionReport restrictions;
  uint32_t junction_copies = 0;  // nodes added by splitting restricted junctions
  uint32_t arc_copies = 0;
  double elapsed_ms = 0;
};

struct ImportResult {
  RoadNetwork network;
  ImportReport report;
  // The car's turn restrictions on the network's map arcs (applied to it or not, as asked).
  std::vector<TurnRestriction> restrictions;
};

// Reads .osm, .osm.pbf, .osm.bz2 (anything libosmium reads). Throws IoError on a missing file,
// MapDataError on an unreadable one or on data that yields no drivable road.
ImportResult import_osm(const std::filesystem::path& osm_file, const ImportOptions& options = {});

// "pulau-ambon" for pulau-ambon.osm.pbf (also .osm, .osm.bz2, .pbf).
std::string osm_file_stem(const std::filesystem::path& file);

// Tag parsing, exposed for tests and for the profile code.
std::optional<double> parse_maxspeed_kmh(std::string_view value);
std::optional<double> parse_duration_s(std::string_view value);
double default_speed_kmh(RoadClass road_class);

}  // namespace siaga::geodata
