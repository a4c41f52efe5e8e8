// Where the island's data lives and how a command gets a loaded graph: a real Pulau Ambon extract
// wins over the schematic one; the graph file is rebuilt when missing or stale.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "siaga/geodata/hazards.h"
#include "siaga/geodata/road_network.h"
#include "siaga/routing/live_metrics.h"

namespace siaga::dispatch {

struct DataPaths {
  std::filesystem::path osm;
  std::filesystem::path graph;
};

// --data-dir, else $SIAGA_DATA_DIR, else the source tree's geodata/ambon.
std::filesystem::path data_dir(const std::filesystem::path& override_dir);

// pulau-ambon.osm.pbf when present (a real extract), else ambon-schematic.osm.pbf.
std::filesystem::path default_osm_file(const std::filesystem::path& dir);

// $SIAGA_CACHE_DIR, else build/data, named after the OSM file.
std::filesystem::path default_graph_file(const std::filesystem::path& osm_file);

DataPaths resolve_paths(const std::filesystem::path& data_dir_override,
                        const std::filesystem::path& osm_override,
                        const std::filesystem::path& graph_override);

// Loads the graph; imports (and saves) it first when missing or built from another source.
geodata::RoadNetwork load_or_import(const DataPaths& paths, std::ostream& log);

// The graph, its CCH and the live metrics of every profile, with the hazard zones overlaid (none
// active yet). Messages about repaired or rejected hazard features go to `log`. The hazards come
// loaded (geodata::load_hazards), so that a process without GDAL (the server) can build this.
struct RoutingSetup {
  geodata::RoadNetwork network;
  std::unique_ptr<routing::Cch> cch;
  std::unique_ptr<routing::LiveMetrics> live;
};
std::unique_ptr<RoutingSetup> build_routing(geodata::RoadNetwork network,
                                            geodata::HazardLayer hazards,
                                            const std::filesystem::path& profiles_file,
                                            std::ostream& log);
// The same for the graph at `paths` (load_or_import).
std::unique_ptr<RoutingSetup> load_routing(const DataPaths& paths, geodata::HazardLayer hazards,
                                           const std::filesystem::path& profiles_file,
                                           std::ostream& log);

// The source tree's routing/vehicle-profiles.json and tools/dispatch/incident-types.json.
std::filesystem::path default_profiles_file();
std::filesystem::path default_incident_types_file();

}  // namespace siaga::dispatch
