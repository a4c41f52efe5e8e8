// GIS road layers and OSM XML: the first byte picks the format by file extension (GeoJSON, KML,
// GML, CSV with WKT, GPX; OSM XML with its turn restriction relations when bit 3 is set) and, in
// its high bits, a join tolerance and the inventory mapping; the rest is the file. What imports
// becomes a compressed CCH, customized, then queried from its first node to every node and checked
// against Dijkstra: odd graphs (rings, loops, parallel lines, one node) reach the chain
// compression, and split junctions the turn restrictions. Anything but a deliberate siaga::Error,
// or a wrong cost, is a finding.
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "fuzz_support.h"
#include "siaga/geodata/osm_import.h"
#include "siaga/geodata/road_layer_import.h"
#include "siaga/routing/cch.h"
#include "siaga/routing/dijkstra.h"

using namespace siaga;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet_gdal();
  return 0;
}

namespace {

void check_engine(const geodata::RoadNetwork& network) {
  const routing::Cch cch = routing::Cch::build(network);
  const routing::CchMetric metric = routing::customize(cch, network.arc_time_ms);
  routing::CchQuery query(cch);
  routing::Dijkstra dijkstra(network);
  const routing::Seed first[] = {{0, 0}};
  const std::vector<uint32_t> expected = dijkstra.all_costs(first, network.arc_time_ms);
  // The engine's contract: costs below 2^31 ms (24 days); beyond, a road counts as closed.
  for (uint32_t cost : expected) {
    if (cost != routing::unreachable && cost >= 0x7fffffff) return;
  }
  if (query.all_costs(metric, first) != expected) std::abort();
  for (uint32_t v = 0; v < network.node_count() && v < 64; ++v) {
    const routing::Seed target[] = {{v, 0}};
    if (query.shortest_path(metric, first, target).cost_ms != expected[v]) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr const char* extensions[] = {"geojson", "kml", "gml", "csv", "gpx"};
  const bool osm = (data[0] & 0x08) != 0;
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("siaga-fuzz-roads-" + std::to_string(::getpid()) +
                                                "." + (osm ? "osm" : extensions[data[0] % 5]));
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << fuzz::text(data + 1, size - 1);
  }
  geodata::RoadLayerOptions options;
  options.import.keep_largest_component_only = (data[0] & 0x20) != 0;
  if (data[0] & 0x40) options.join_tolerance_m = 2;
  if (data[0] & 0x80) {
    options.mapping = geodata::load_road_mapping(std::filesystem::path(SIAGA_SOURCE_DIR) /
                                                 "tests/data/roads/inventory-mapping.json");
  }
  try {
    const geodata::ImportResult result =
        osm ? geodata::import_osm(file, options.import) : geodata::import_road_layer(file, options);
    check_engine(result.network);
  } catch (const siaga::Error&) {
  }
  std::filesystem::remove(file);
  return 0;
}
