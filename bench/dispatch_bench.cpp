// The dispatcher's question with 100 units of mixed types in a tracking store: the whole
// recommendation (drive times per profile, the k routes, hazard notes), the ranking alone, and the
// naive way it replaces (one Dijkstra route per candidate unit) on the same questions.
#include <benchmark/benchmark.h>

#include <chrono>
#include <random>

#include "island.h"
#include "percentiles.h"
#include "siaga/dispatch/recommendation.h"
#include "siaga/routing/dijkstra.h"
#include "siaga/routing/profile.h"

namespace dispatch_bench {
namespace {

using namespace siaga;
namespace fs = std::filesystem;

const fs::path source_dir = SIAGA_SOURCE_DIR;

// The island, its live metrics with the illustrative hazards (the Wai Batu Merah flood and the
// bridge closure active), and 100 units of every type at random places, all available.
struct DispatchSetup {
  const geodata::RoadNetwork& network = bench::network();
  routing::Cch cch = routing::Cch::build(network);
  geodata::Snapper snapper{network};
  routing::LiveMetrics live{
      network, cch, routing::load_profiles(source_dir / "routing/vehicle-profiles.json"),
      geodata::overlay_hazards(
          network,
          geodata::load_hazards(source_dir / "geodata/ambon/hazards-illustrative.geojson").zones)};
  std::vector<dispatch::IncidentClass> classes = dispatch::load_incident_classes(
      source_dir / "tools/dispatch/incident-types.json", live.profiles());
  std::vector<tracking::UnitState> units;
  std::vector<geodata::LatLon> incidents;

  DispatchSetup() {
    const std::string active[] = {"flood-wai-batu-merah-50cm", "closure-jembatan-merah-putih"};
    live.set_active(active);
    std::mt19937_64 random(11);
    auto place = [&] {
      const geodata::LatLon node = network.node_position[random() % network.node_count()];
      return geodata::LatLon{node.lat + 1e-4, node.lon + 1e-4};
    };
    tracking::Fleet fleet;
    for (int i = 0; i < 100; ++i) {
      tracking::Unit unit;
      unit.id = std::to_string(1000 + i);
      unit.type = tracking::unit_types[i % tracking::unit_types.size()];
      unit.home = place();
      fleet.units.push_back(unit);
    }
    units = dispatch::units_at_home(fleet, snapper, tracking::now_ms());
    for (int i = 0; i < 256; ++i) incidents.push_back(place());
  }

  dispatch::DispatchContext context() const { return {network, snapper, live, classes}; }
};

const DispatchSetup& setup() {
  static const DispatchSetup instance;
  return instance;
}

// Full answer, k = 3: what POST /v1/recommend computes before JSON.
void recommend_engine(benchmark::State& state) {
  const DispatchSetup& s = setup();
  routing::CchQuery query(s.cch);
  std::vector<double> micros;
  size_t i = 0;
  for (auto _ : state) {
    const auto& incident_class = s.classes[i % s.classes.size()];
    const auto start = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(dispatch::rank_units(s.context(), s.units,
                                                  s.incidents[i++ % s.incidents.size()],
                                                  incident_class.name, 3, query));
    micros.push_back(bench::micros_since(start));
  }
  bench::report_percentiles(state, micros);
}
BENCHMARK(recommend_engine)->Name("recommend/engine")->Unit(benchmark::kMicrosecond);

// Drive times of every candidate only (one many-to-one search per profile).
void drive_times_only(benchmark::State& state) {
  const DispatchSetup& s = setup();
  routing::CchQuery query(s.cch);
  std::vector<routing::Responder> responders;
  for (const auto& unit : s.units) {
    responders.push_back(
        {routing::profile_index(s.live.profiles(), unit.unit.type), unit.road->snap});
  }
  const auto set = s.live.current();
  std::vector<double> micros;
  size_t i = 0;
  for (auto _ : state) {
    const geodata::Snap incident = s.snapper.snap(s.incidents[i++ % s.incidents.size()]);
    const auto start = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(routing::drive_times(s.network, *set, responders, incident, query));
    micros.push_back(bench::micros_since(start));
  }
  bench::report_percentiles(state, micros);
}
BENCHMARK(drive_times_only)->Name("recommend/drive_times_100")->Unit(benchmark::kMicrosecond);

// The baseline: a Dijkstra route from every candidate of the class, best three kept.
void recommend_dijkstra(benchmark::State& state) {
  const DispatchSetup& s = setup();
  routing::Dijkstra dijkstra(s.network);
  const auto set = s.live.current();
  std::vector<double> micros;
  size_t i = 0;
  for (auto _ : state) {
    const auto& incident_class = s.classes[i % s.classes.size()];
    const auto start = std::chrono::steady_clock::now();
    const geodata::Snap incident = s.snapper.snap(s.incidents[i++ % s.incidents.size()]);
    std::vector<uint32_t> times;
    for (const auto& unit : s.units) {
      if (!incident_class.answered_by(unit.unit.type)) continue;
      const uint32_t p = routing::profile_index(s.live.profiles(), unit.unit.type);
      times.push_back(routing::route_between(s.network, set->metrics[p].arc_weight, unit.road->snap,
                                             incident, dijkstra)
                          .duration_ms);
    }
    std::partial_sort(times.begin(), times.begin() + std::min<size_t>(3, times.size()),
                      times.end());
    benchmark::DoNotOptimize(times);
    micros.push_back(bench::micros_since(start));
  }
  bench::report_percentiles(state, micros);
}
BENCHMARK(recommend_dijkstra)->Name("recommend/dijkstra_per_unit")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace dispatch_bench
