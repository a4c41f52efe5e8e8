// The road engine as the network grows, one network per run (so that the peak resident memory is
// that network's): k × k tiles of real Kota Ambon (../shared/data; the schematic island where it
// is absent) joined at their edges by main roads — road-like — or an n × n square street grid,
// the worst case for nested dissection. Each is written as an OSM PBF file first and imported by
// siaga's own import. Prints one JSON line: sizes, the import, CCH preprocessing, one full
// customization, point-to-point query percentiles beside plain Dijkstra's on the same graph,
// the engine's bytes and the process's peak resident memory.
//   scale_curve tiles K [PAIRS]     scale_curve grid N [PAIRS]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "scale_osm.h"
#include "siaga/geodata/osm_import.h"
#include "siaga/routing/cch.h"
#include "siaga/routing/dijkstra.h"

namespace {

using namespace siaga;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

long peak_resident_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
  }
  return 0;
}

nlohmann::json measure(const geodata::RoadNetwork& network, int pairs) {
  nlohmann::json out = {{"nodes", network.node_count()}, {"arcs", network.arc_count()}};
  auto start = Clock::now();
  const routing::Cch cch = routing::Cch::build(network);
  out["preprocess_s"] = seconds_since(start);
  out["core_nodes"] = cch.node_count();
  out["cch_edges"] = cch.edge_count();
  out["triangles"] = cch.triangle_count();
  std::vector<double> customize_ms;
  routing::CchMetric metric;
  for (int i = 0; i < 3; ++i) {
    start = Clock::now();
    metric = routing::customize(cch, network.arc_time_ms);
    customize_ms.push_back(seconds_since(start) * 1e3);
  }
  out["customize_ms"] = percentile(customize_ms, 0.5);  // with the searches' perfect graphs
  out["search_edge_share"] = double(metric.up_search.head.size() + metric.down_search.head.size()) /
                             (2.0 * cch.edge_count());
  routing::CchQuery query(cch);
  routing::Dijkstra dijkstra(network);
  std::mt19937_64 random(11);
  std::mt19937_64 other_pairs(12);
  std::vector<double> cch_us, cost_us, dijkstra_us, route_arcs;
  const int dijkstra_pairs = network.node_count() > 1'000'000 ? 10 : 50;
  for (int i = 0; i < pairs; ++i) {
    const routing::Seed from[] = {{static_cast<uint32_t>(random() % network.node_count()), 0}};
    const routing::Seed to[] = {{static_cast<uint32_t>(random() % network.node_count()), 0}};
    start = Clock::now();
    const routing::PathResult path = query.shortest_path(metric, from, to);
    cch_us.push_back(seconds_since(start) * 1e6);
    const uint32_t cost = path.cost_ms;
    route_arcs.push_back(static_cast<double>(path.arcs.size()));
    // The cost alone (no route to unpack), as a one-source many-to-one, on a pair of its own (its
    // caches as cold as the route's), checked against the point-to-point query.
    const std::vector<routing::Seed> other = {
        {static_cast<uint32_t>(other_pairs() % network.node_count()), 0}};
    const routing::Seed other_to[] = {
        {static_cast<uint32_t>(other_pairs() % network.node_count()), 0}};
    start = Clock::now();
    const uint32_t cost_only = query.many_to_one(metric, std::span(&other, 1), other_to)[0];
    cost_us.push_back(seconds_since(start) * 1e6);
    if (cost_only != query.shortest_path(metric, other, other_to).cost_ms) {
      throw std::runtime_error("CCH point-to-point and many-to-one disagree");
    }
    if (i >= dijkstra_pairs) continue;
    start = Clock::now();
    if (dijkstra.shortest_path(from, to, network.arc_time_ms).cost_ms != cost) {
      throw std::runtime_error("CCH and Dijkstra disagree");  // the curve is of a correct engine
    }
    dijkstra_us.push_back(seconds_since(start) * 1e6);
  }
  out["query_p50_us"] = percentile(cch_us, 0.5);
  out["query_p99_us"] = percentile(cch_us, 0.99);
  out["route_arcs_p50"] = percentile(route_arcs, 0.5);
  out["cost_only_p50_us"] = percentile(cost_us, 0.5);
  out["dijkstra_p50_us"] = percentile(dijkstra_us, 0.5);
  out["engine_MiB"] = (routing::memory_bytes(cch) + routing::memory_bytes(metric)) / 1048576.0;
  out["peak_resident_MiB"] = peak_resident_kib() / 1024.0;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: scale_curve tiles K [PAIRS] | grid N [PAIRS]\n";
    return 2;
  }
  const std::string kind = argv[1];
  const uint32_t size = static_cast<uint32_t>(std::stoul(argv[2]));
  const int pairs = argc > 3 ? std::stoi(argv[3]) : 1000;
  const std::filesystem::path osm_file = std::filesystem::temp_directory_path() /
                                         ("siaga-scale-" + std::to_string(::getpid()) + ".osm.pbf");
  try {
    std::string name;
    if (kind == "tiles") {
      const std::filesystem::path kota = std::filesystem::path(SIAGA_SHARED_DATA_DIR) /
                                         "ambon/kota-ambon-osm/kota-ambon-2025-09-17.osm.pbf";
      const bool real = std::filesystem::exists(kota);
      bench::write_tiled_osm(
          real ? kota
               : std::filesystem::path(SIAGA_SOURCE_DIR) / "geodata/ambon/ambon-schematic.osm.pbf",
          size, osm_file);
      name = std::to_string(size) + "×" + std::to_string(size) + " tiles of " +
             (real ? "real Kota Ambon" : "the schematic island");
    } else if (kind == "grid") {
      bench::write_grid_osm(size, osm_file);
      name = std::to_string(size) + "×" + std::to_string(size) + " street grid";
    } else {
      std::cerr << "unknown network kind " << kind << "\n";
      return 2;
    }
    const double osm_mib = std::filesystem::file_size(osm_file) / 1048576.0;
    const auto start = Clock::now();
    const geodata::RoadNetwork network = geodata::import_osm(osm_file).network;
    const double import_s = seconds_since(start);
    std::filesystem::remove(osm_file);
    nlohmann::json out = measure(network, pairs);
    out["network"] = name;
    out["osm_MiB"] = osm_mib;
    out["import_s"] = import_s;
    std::cout << out.dump() << std::endl;
  } catch (const std::exception& error) {  // std::bad_alloc on grids is a finding to report
    std::filesystem::remove(osm_file);
    std::cout << nlohmann::json{{"network", kind + " " + argv[2]},
                                {"error", error.what()},
                                {"peak_resident_MiB", peak_resident_kib() / 1024.0}}
                     .dump()
              << std::endl;
    return 1;
  }
  return 0;
}
