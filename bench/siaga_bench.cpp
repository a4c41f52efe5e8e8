// Google Benchmark on the embedded island: import, graph load, snapping and routing; the routing
// figures again on real Kota Ambon (kota/…) when ../shared/data has it. Pairs are random with a
// fixed seed, so runs compare like with like.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <osmium/io/any_input.hpp>
#include <random>

#include "island.h"
#include "percentiles.h"
#include "siaga/geodata/graph_file.h"
#include "siaga/geodata/hazards.h"
#include "siaga/geodata/osm_import.h"
#include "siaga/geodata/snapper.h"
#include "siaga/routing/cch.h"
#include "siaga/routing/live_metrics.h"
#include "siaga/routing/route.h"

namespace siaga_bench {
namespace {

using namespace siaga;

using bench::ambon_pbf;
using bench::network;

// Random points on a network: node positions nudged by up to ~50 m, fixed seed.
std::vector<geodata::LatLon> random_points(const geodata::RoadNetwork& on, size_t count,
                                           uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<geodata::LatLon> points;
  for (size_t i = 0; i < count; ++i) {
    const geodata::LatLon node = on.node_position[random() % on.node_count()];
    const double dlat = (static_cast<double>(random() % 1000) - 500) * 1e-6;
    const double dlon = (static_cast<double>(random() % 1000) - 500) * 1e-6;
    points.push_back({node.lat + dlat, node.lon + dlon});
  }
  return points;
}

void import_pbf(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(geodata::import_osm(ambon_pbf()));
  state.counters["nodes"] = network().node_count();
}
BENCHMARK(import_pbf)->Name("import/pbf")->Unit(benchmark::kMillisecond);

// import/pbf's baseline: libosmium decoding the same file with no handler at all.
void decode_pbf(benchmark::State& state) {
  for (auto _ : state) {
    osmium::io::Reader reader(ambon_pbf().string());
    size_t bytes = 0;
    while (osmium::memory::Buffer buffer = reader.read()) bytes += buffer.committed();
    reader.close();
    benchmark::DoNotOptimize(bytes);
  }
}
BENCHMARK(decode_pbf)->Name("import/decode_only")->Unit(benchmark::kMillisecond);

void graph_load(benchmark::State& state) {
  const auto file = std::filesystem::temp_directory_path() / "siaga-bench.graph";
  geodata::save_graph(network(), file);
  for (auto _ : state) benchmark::DoNotOptimize(geodata::load_graph(file));
  std::filesystem::remove(file);
}
BENCHMARK(graph_load)->Name("graph/load")->Unit(benchmark::kMillisecond);

void snap(benchmark::State& state) {
  const geodata::Snapper snapper(network());
  const auto points = random_points(network(), 1024, 1);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(snapper.snap(points[i++ % points.size()]));
}
BENCHMARK(snap)->Name("snap")->Unit(benchmark::kMicrosecond);

// snap's baseline: the nearest segment by looking at every arc (what the rtree saves).
void snap_brute_force(benchmark::State& state) {
  const geodata::UtmProjection projection(network().utm_epsg);
  const auto points = random_points(network(), 1024, 1);
  const std::vector<uint32_t> tails = geodata::arc_tails(network());
  size_t i = 0;
  for (auto _ : state) {
    const geodata::Xy p = projection.forward(points[i++ % points.size()]);
    double best = std::numeric_limits<double>::infinity();
    for (uint32_t arc = 0; arc < network().arc_count(); ++arc) {
      const geodata::Xy a = network().node_xy[tails[arc]];
      const geodata::Xy b = network().node_xy[network().arc_head[arc]];
      const double dx = b.x - a.x, dy = b.y - a.y, length2 = dx * dx + dy * dy;
      const double t =
          length2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / length2, 0.0, 1.0) : 0;
      const double ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
      best = std::min(best, ex * ex + ey * ey);
    }
    benchmark::DoNotOptimize(best);
  }
}
BENCHMARK(snap_brute_force)->Name("snap/brute_force")->Unit(benchmark::kMicrosecond);

const routing::Cch& cch() {
  static const routing::Cch built = routing::Cch::build(network());
  return built;
}

// A road network the routing figures run on, with its CCH.
struct Net {
  const geodata::RoadNetwork& network;
  const routing::Cch& cch;
};
using NetOf = const Net& (*)();

const Net& island() {
  static const Net net{network(), cch()};
  return net;
}

std::filesystem::path kota_pbf() {
  return std::filesystem::path(SIAGA_SHARED_DATA_DIR) /
         "ambon/kota-ambon-osm/kota-ambon-2025-09-17.osm.pbf";
}

const Net& kota() {
  static const geodata::RoadNetwork network = geodata::import_osm(kota_pbf()).network;
  static const routing::Cch cch = routing::Cch::build(network);
  static const Net net{network, cch};
  return net;
}

// 512 snapped points of a network, the same every run.
std::vector<geodata::Snap> snapped_points(const geodata::RoadNetwork& on) {
  const geodata::Snapper snapper(on);
  std::vector<geodata::Snap> snaps;
  for (const auto& p : random_points(on, 512, 2)) snaps.push_back(snapper.snap(p));
  return snaps;
}

void route_dijkstra(benchmark::State& state, NetOf net_of) {
  const Net& net = net_of();
  const std::vector<geodata::Snap> snaps = snapped_points(net.network);
  routing::Dijkstra engine(net.network);
  size_t i = 0;
  for (auto _ : state) {
    const auto& from = snaps[i % snaps.size()];
    const auto& to = snaps[(i * 7 + 3) % snaps.size()];
    ++i;
    benchmark::DoNotOptimize(
        routing::route_between(net.network, net.network.arc_time_ms, from, to, engine));
  }
}
BENCHMARK_CAPTURE(route_dijkstra, island, &island)
    ->Name("route/dijkstra")
    ->Unit(benchmark::kMicrosecond);

void cch_build(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(routing::Cch::build(network()));
  state.counters["edges"] = cch().edge_count();
  // Resident engine: the graph's arrays, the CCH structure and one metric per profile (5).
  const routing::CchMetric metric = routing::customize(cch(), network().arc_time_ms);
  state.counters["engine_MiB"] =
      (routing::memory_bytes(cch()) + 5 * routing::memory_bytes(metric)) / 1048576.0;
  state.counters["triangles"] = cch().triangle_count();
}
BENCHMARK(cch_build)->Name("preprocess/cch")->Unit(benchmark::kMillisecond);

void customize_full(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(routing::customize(cch(), network().arc_time_ms));
}
BENCHMARK(customize_full)->Name("customize/full")->Unit(benchmark::kMillisecond);

void route_engine(benchmark::State& state, NetOf net_of) {
  const Net& net = net_of();
  const std::vector<geodata::Snap> snaps = snapped_points(net.network);
  const routing::CchMetric metric = routing::customize(net.cch, net.network.arc_time_ms);
  routing::CchQuery engine(net.cch);
  std::vector<double> micros;  // the target is a p50
  size_t i = 0;
  for (auto _ : state) {
    const auto& from = snaps[i % snaps.size()];
    const auto& to = snaps[(i * 7 + 3) % snaps.size()];
    ++i;
    const auto start = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(routing::route_between(net.network, metric, from, to, engine));
    micros.push_back(bench::micros_since(start));
  }
  bench::report_percentiles(state, micros);
}
BENCHMARK_CAPTURE(route_engine, island, &island)
    ->Name("route/engine")
    ->Unit(benchmark::kMicrosecond);

// The query alone: elimination-tree searches between snapped seeds and shortcut unpacking,
// without building the geometry; and the Dijkstra it replaces on the same seeds.
template <bool use_cch>
void query_only(benchmark::State& state, NetOf net_of) {
  const Net& net = net_of();
  std::vector<routing::SnapSeeds> seeds;
  for (const geodata::Snap& snap : snapped_points(net.network))
    seeds.push_back(routing::source_seeds(net.network, snap, net.network.arc_time_ms));
  const routing::CchMetric metric = routing::customize(net.cch, net.network.arc_time_ms);
  routing::CchQuery engine(net.cch);
  routing::Dijkstra dijkstra(net.network);
  std::vector<double> micros;
  size_t i = 0;
  for (auto _ : state) {
    const auto& from = seeds[i % seeds.size()].seeds;
    const auto& to = seeds[(i * 7 + 3) % seeds.size()].seeds;
    ++i;
    const auto start = std::chrono::steady_clock::now();
    if constexpr (use_cch) {
      benchmark::DoNotOptimize(engine.shortest_path(metric, from, to));
    } else {
      benchmark::DoNotOptimize(dijkstra.shortest_path(from, to, net.network.arc_time_ms));
    }
    micros.push_back(bench::micros_since(start));
  }
  bench::report_percentiles(state, micros);
}
void query_dijkstra(benchmark::State& state, NetOf net_of) {
  query_only<false>(state, net_of);
}
void query_engine(benchmark::State& state, NetOf net_of) {
  query_only<true>(state, net_of);
}
BENCHMARK_CAPTURE(query_dijkstra, island, &island)
    ->Name("query/dijkstra")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(query_engine, island, &island)
    ->Name("query/engine")
    ->Unit(benchmark::kMicrosecond);

void nearest100(benchmark::State& state) {
  const routing::CchMetric metric = routing::customize(cch(), network().arc_time_ms);
  std::mt19937_64 random(3);
  std::vector<std::vector<routing::Seed>> units;
  for (int i = 0; i < 100; ++i) {
    units.push_back({{static_cast<uint32_t>(random() % network().node_count()), 0}});
  }
  const routing::ManyToOne buckets(cch(), metric, units);
  routing::CchQuery query(cch());
  for (auto _ : state) {
    const routing::Seed target[] = {{static_cast<uint32_t>(random() % network().node_count()), 0}};
    benchmark::DoNotOptimize(buckets.costs_to(target, query));
  }
}
BENCHMARK(nearest100)->Name("nearest100/engine")->Unit(benchmark::kMicrosecond);

// One profile, one flood zone toggled: only the CCH edges above the arcs it changes are
// recomputed (compare customize/full, the same profile in full).
void customize_partial(benchmark::State& state) {
  const std::filesystem::path dir = std::filesystem::path(SIAGA_SOURCE_DIR);
  auto layer = geodata::load_hazards(dir / "geodata/ambon/hazards-illustrative.geojson");
  const auto profiles = routing::load_profiles(dir / "routing/vehicle-profiles.json");
  const geodata::HazardIndex hazards = geodata::overlay_hazards(network(), std::move(layer.zones));
  std::vector<uint8_t> active(hazards.zones.size(), 0);
  const auto dry = routing::profile_weights(network(), profiles[0], hazards, active);
  active[hazards.find("flood-wai-batu-merah-25cm")] = 1;
  const auto flooded = routing::profile_weights(network(), profiles[0], hazards, active);
  std::vector<uint32_t> changed;
  for (uint32_t arc = 0; arc < dry.size(); ++arc) {
    if (dry[arc] != flooded[arc]) changed.push_back(arc);
  }
  routing::CchMetric metric = routing::customize(cch(), dry);
  bool on = false;
  for (auto _ : state) {
    on = !on;
    metric = routing::customize(cch(), metric, on ? flooded : dry, changed);
    benchmark::DoNotOptimize(metric.up.data());
  }
  state.counters["changed_arcs"] = static_cast<double>(changed.size());
}
BENCHMARK(customize_partial)->Name("customize/partial")->Unit(benchmark::kMillisecond);

// One hazard zone toggled: new weights and a customization for every vehicle profile, published.
void customize_toggle(benchmark::State& state, NetOf net_of) {
  const Net& net = net_of();
  const std::filesystem::path dir = std::filesystem::path(SIAGA_SOURCE_DIR);
  auto layer = geodata::load_hazards(dir / "geodata/ambon/hazards-illustrative.geojson");
  const geodata::HazardIndex hazards =
      geodata::overlay_hazards(net.network, std::move(layer.zones));
  uint32_t flooded_arcs = 0;
  const uint32_t zone = hazards.find("flood-wai-batu-merah-25cm");
  for (uint32_t arc = 0; arc < net.network.arc_count(); ++arc) {
    for (const geodata::ArcHazard& hazard : hazards.hazards_of(arc))
      flooded_arcs += hazard.zone == zone;
  }
  routing::LiveMetrics live(net.network, net.cch,
                            routing::load_profiles(dir / "routing/vehicle-profiles.json"), hazards);
  bool on = false;
  for (auto _ : state) {
    on = !on;
    benchmark::DoNotOptimize(on ? live.activate("flood-wai-batu-merah-25cm")
                                : live.deactivate("flood-wai-batu-merah-25cm"));
  }
  state.counters["profiles"] = static_cast<double>(live.profiles().size());
  state.counters["zone_arcs"] = flooded_arcs;
}
BENCHMARK_CAPTURE(customize_toggle, island, &island)
    ->Name("customize/toggle")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The routing figures again on real Kota Ambon (42,708 nodes), where ../shared/data has it.
const bool kota_registered = [] {
  if (!std::filesystem::exists(kota_pbf())) return false;
  benchmark::RegisterBenchmark("kota/route/dijkstra", route_dijkstra, &kota)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("kota/route/engine", route_engine, &kota)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("kota/query/dijkstra", query_dijkstra, &kota)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("kota/query/engine", query_engine, &kota)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("kota/customize/toggle", customize_toggle, &kota)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  return true;
}();

}  // namespace
}  // namespace siaga_bench

BENCHMARK_MAIN();
