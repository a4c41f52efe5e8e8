#include "siaga/dispatch/dataset.h"

#include <cstdlib>
#include <ostream>

#include "siaga/geodata/graph_file.h"
#include "siaga/geodata/hazards.h"
#include "siaga/geodata/osm_import.h"
#include "siaga/routing/profile.h"

namespace siaga::dispatch {

namespace fs = std::filesystem;

namespace {
fs::path from_env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? fs::path(value) : fs::path();
}
}  // namespace

fs::path data_dir(const fs::path& override_dir) {
  if (!override_dir.empty()) return override_dir;
  if (fs::path env = from_env("SIAGA_DATA_DIR"); !env.empty()) return env;
  return fs::path(SIAGA_SOURCE_DIR) / "geodata" / "ambon";
}

fs::path default_osm_file(const fs::path& dir) {
  const fs::path real = dir / "pulau-ambon.osm.pbf";
  return fs::exists(real) ? real : dir / "ambon-schematic.osm.pbf";
}

fs::path default_graph_file(const fs::path& osm_file) {
  fs::path cache = from_env("SIAGA_CACHE_DIR");
  if (cache.empty()) cache = fs::path(SIAGA_BINARY_DIR) / "data";
  return cache / (geodata::osm_file_stem(osm_file) + ".graph");
}

DataPaths resolve_paths(const fs::path& data_dir_override, const fs::path& osm_override,
                        const fs::path& graph_override) {
  DataPaths paths;
  paths.osm = osm_override.empty() ? default_osm_file(data_dir(data_dir_override)) : osm_override;
  paths.graph = graph_override.empty() ? default_graph_file(paths.osm) : graph_override;
  return paths;
}

geodata::RoadNetwork load_or_import(const DataPaths& paths, std::ostream& log) {
  // Without the OSM file, a graph on disk is all there is: use it as it is.
  if (!fs::exists(paths.osm)) return geodata::load_graph(paths.graph);
  const uint64_t source = geodata::file_checksum(paths.osm);
  if (fs::exists(paths.graph) && geodata::read_graph_source_checksum(paths.graph) == source) {
    return geodata::load_graph(paths.graph);
  }
  log << "siaga: building " << paths.graph.string() << " from " << paths.osm.string() << "\n";
  geodata::ImportResult imported = geodata::import_osm(paths.osm);
  geodata::save_graph(imported.network, paths.graph);
  return std::move(imported.network);
}

std::unique_ptr<RoutingSetup> load_routing(const DataPaths& paths, geodata::HazardLayer hazards,
                                           const fs::path& profiles_file, std::ostream& log) {
  return build_routing(load_or_import(paths, log), std::move(hazards), profiles_file, log);
}

std::unique_ptr<RoutingSetup> build_routing(geodata::RoadNetwork network,
                                            geodata::HazardLayer hazards,
                                            const fs::path& profiles_file, std::ostream& log) {
  auto setup = std::make_unique<RoutingSetup>();
  setup->network = std::move(network);
  setup->cch = std::make_unique<routing::Cch>(routing::Cch::build(setup->network));
  for (const std::string& message : hazards.report.messages) log << "siaga: " << message << "\n";
  setup->live = std::make_unique<routing::LiveMetrics>(
      setup->network, *setup->cch, routing::load_profiles(profiles_file),
      geodata::overlay_hazards(setup->network, std::move(hazards.zones)));
  return setup;
}

fs::path default_profiles_file() {
  return fs::path(SIAGA_SOURCE_DIR) / "routing/vehicle-profiles.json";
}

fs::path default_incident_types_file() {
  return fs::path(SIAGA_SOURCE_DIR) / "tools/dispatch/incident-types.json";
}

}  // namespace siaga::dispatch
