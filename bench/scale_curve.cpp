// The road engine as the network grows, one network per run (so that the peak resident memory is
// that network's): k × k tiles of real Kota Ambon (../shared/data; the schematic island where it
// is absent) joined at their edges by main roads — road-like — or an n × n square street grid,
// the worst case for nested dissection. Prints one JSON line: sizes, CCH preprocessing, one full
// customization, point-to-point query percentiles beside plain Dijkstra's on the same graph,
// the engine's bytes and the process's peak resident memory.
//   scale_curve tiles K [PAIRS]     scale_curve grid N [PAIRS]
#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <string>

#include "siaga/geodata/osm_import.h"
#include "siaga/routing/cch.h"
#include "siaga/routing/dijkstra.h"

namespace {

using namespace siaga;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Arcs by tail, as a RoadNetwork holds them (the fields the engine reads: topology, positions
// and travel times).
struct ArcList {
  std::vector<std::array<uint32_t, 3>> arcs;  // tail, head, time_ms
  void both_ways(uint32_t a, uint32_t b, uint32_t ms) {
    arcs.push_back({a, b, ms});
    arcs.push_back({b, a, ms});
  }
};

geodata::RoadNetwork assemble(std::vector<geodata::LatLon> positions, ArcList list) {
  geodata::RoadNetwork network;
  const uint32_t n = static_cast<uint32_t>(positions.size());
  network.node_position = std::move(positions);
  std::stable_sort(list.arcs.begin(), list.arcs.end(),
                   [](const auto& a, const auto& b) { return a[0] < b[0]; });
  network.first_out.assign(n + 1, 0);
  for (const auto& arc : list.arcs) ++network.first_out[arc[0] + 1];
  for (uint32_t v = 0; v < n; ++v) network.first_out[v + 1] += network.first_out[v];
  for (const auto& arc : list.arcs) {
    network.arc_head.push_back(arc[1]);
    network.arc_time_ms.push_back(arc[2]);
  }
  return network;
}

// The base network's nodes furthest toward one side, spread along the other axis: where tiles
// are joined.
std::vector<uint32_t> border(const geodata::RoadNetwork& base, bool east_west, bool far_side) {
  std::vector<uint32_t> nodes(base.node_count());
  std::iota(nodes.begin(), nodes.end(), 0u);
  auto coordinate = [&](uint32_t v) {
    const double value = east_west ? base.node_position[v].lon : base.node_position[v].lat;
    return far_side ? -value : value;
  };
  std::sort(nodes.begin(), nodes.end(),
            [&](uint32_t a, uint32_t b) { return coordinate(a) < coordinate(b); });
  nodes.resize(std::min<size_t>(nodes.size(), 400));  // the outermost few hundred
  std::vector<uint32_t> chosen;
  std::sort(nodes.begin(), nodes.end(), [&](uint32_t a, uint32_t b) {
    return east_west ? base.node_position[a].lat < base.node_position[b].lat
                     : base.node_position[a].lon < base.node_position[b].lon;
  });
  for (size_t k = 0; k < 8; ++k) chosen.push_back(nodes[k * nodes.size() / 8]);
  return chosen;
}

geodata::RoadNetwork tiles(const geodata::RoadNetwork& base, uint32_t k) {
  const uint32_t n = base.node_count();
  double south = 90, north = -90, west = 180, east = -180;
  for (const geodata::LatLon& p : base.node_position) {
    south = std::min(south, p.lat), north = std::max(north, p.lat);
    west = std::min(west, p.lon), east = std::max(east, p.lon);
  }
  std::vector<geodata::LatLon> positions;
  ArcList list;
  for (uint32_t i = 0; i < k; ++i) {
    for (uint32_t j = 0; j < k; ++j) {
      const uint32_t offset = (i * k + j) * n;
      for (const geodata::LatLon& p : base.node_position)
        positions.push_back({p.lat + j * 1.02 * (north - south), p.lon + i * 1.02 * (east - west)});
      for (uint32_t v = 0; v < n; ++v) {
        for (uint32_t arc = base.first_out[v]; arc < base.first_out[v + 1]; ++arc)
          list.arcs.push_back({offset + v, offset + base.arc_head[arc], base.arc_time_ms[arc]});
      }
    }
  }
  // Main roads between neighbouring tiles: 8 each way, 60 km/h over the gap.
  const auto east_side = border(base, true, true), west_side = border(base, true, false);
  const auto north_side = border(base, false, true), south_side = border(base, false, false);
  auto join = [&](uint32_t a, uint32_t b) {
    const double metres = geodata::haversine_m(positions[a], positions[b]);
    list.both_ways(a, b, static_cast<uint32_t>(std::max(1000.0, metres / 60'000 * 3'600'000)));
  };
  for (uint32_t i = 0; i < k; ++i) {
    for (uint32_t j = 0; j < k; ++j) {
      const uint32_t here = (i * k + j) * n;
      for (size_t m = 0; m < 8; ++m) {
        if (i + 1 < k) join(here + east_side[m], ((i + 1) * k + j) * n + west_side[m]);
        if (j + 1 < k) join(here + north_side[m], (i * k + j + 1) * n + south_side[m]);
      }
    }
  }
  return assemble(std::move(positions), std::move(list));
}

geodata::RoadNetwork grid(uint32_t side) {
  std::vector<geodata::LatLon> positions;
  ArcList list;
  std::mt19937_64 random(7);
  for (uint32_t y = 0; y < side; ++y) {
    for (uint32_t x = 0; x < side; ++x) {
      positions.push_back({-3.7 + y * 0.001, 128.1 + x * 0.001});
      const uint32_t v = y * side + x;
      if (x + 1 < side) list.both_ways(v, v + 1, 8'000 + random() % 4'000);
      if (y + 1 < side) list.both_ways(v, v + side, 8'000 + random() % 4'000);
    }
  }
  return assemble(std::move(positions), std::move(list));
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
  out["customize_ms"] = percentile(customize_ms, 0.5);
  routing::CchQuery query(cch);
  routing::Dijkstra dijkstra(network);
  std::mt19937_64 random(11);
  std::vector<double> cch_us, dijkstra_us;
  const int dijkstra_pairs = network.node_count() > 1'000'000 ? 10 : 50;
  for (int i = 0; i < pairs; ++i) {
    const routing::Seed from[] = {{static_cast<uint32_t>(random() % network.node_count()), 0}};
    const routing::Seed to[] = {{static_cast<uint32_t>(random() % network.node_count()), 0}};
    start = Clock::now();
    const uint32_t cost = query.shortest_path(metric, from, to).cost_ms;
    cch_us.push_back(seconds_since(start) * 1e6);
    if (i >= dijkstra_pairs) continue;
    start = Clock::now();
    if (dijkstra.shortest_path(from, to, network.arc_time_ms).cost_ms != cost) {
      throw std::runtime_error("CCH and Dijkstra disagree");  // the curve is of a correct engine
    }
    dijkstra_us.push_back(seconds_since(start) * 1e6);
  }
  out["query_p50_us"] = percentile(cch_us, 0.5);
  out["query_p99_us"] = percentile(cch_us, 0.99);
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
  try {
    nlohmann::json out;
    if (kind == "tiles") {
      const std::filesystem::path kota = std::filesystem::path(SIAGA_SHARED_DATA_DIR) /
                                         "ambon/kota-ambon-osm/kota-ambon-2025-09-17.osm.pbf";
      const bool real = std::filesystem::exists(kota);
      const geodata::RoadNetwork base =
          geodata::import_osm(real ? kota
                                   : std::filesystem::path(SIAGA_SOURCE_DIR) /
                                         "geodata/ambon/ambon-schematic.osm.pbf")
              .network;
      out = measure(tiles(base, size), pairs);
      out["network"] = std::to_string(size) + "×" + std::to_string(size) + " tiles of " +
                       (real ? "real Kota Ambon" : "the schematic island");
    } else if (kind == "grid") {
      out = measure(grid(size), pairs);
      out["network"] = std::to_string(size) + "×" + std::to_string(size) + " street grid";
    } else {
      std::cerr << "unknown network kind " << kind << "\n";
      return 2;
    }
    std::cout << out.dump() << std::endl;
  } catch (const std::exception& error) {  // std::bad_alloc on grids is a finding to report
    std::cout << nlohmann::json{{"network", kind + " " + argv[2]},
                                {"error", error.what()},
                                {"peak_resident_MiB", peak_resident_kib() / 1024.0}}
                     .dump()
              << std::endl;
    return 1;
  }
  return 0;
}
