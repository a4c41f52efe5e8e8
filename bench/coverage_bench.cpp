// Planners' questions on the whole island: coverage of every target from every station (one
// multi-source PHAST sweep per target) against the same field by multi-source Dijkstra, and the
// greedy search for three new stations over all candidate sites.
#include <benchmark/benchmark.h>

#include "island.h"
#include "siaga/dispatch/station_planning.h"
#include "siaga/geodata/snapper.h"
#include "siaga/routing/dijkstra.h"
#include "siaga/routing/route.h"

namespace coverage_bench {
namespace {

using namespace siaga;
namespace fs = std::filesystem;

struct CoverageSetup {
  dispatch::RoutingSetup setup;
  dispatch::Scenario scenario;

  CoverageSetup() {
    const fs::path dir = fs::path(SIAGA_SOURCE_DIR) / "geodata/ambon";
    setup.network = bench::network();
    scenario = dispatch::load_scenario(dir / "scenarios/baseline.json", setup.network);
    setup.cch = std::make_unique<routing::Cch>(routing::Cch::build(setup.network));
    setup.live = std::make_unique<routing::LiveMetrics>(
        setup.network, *setup.cch,
        routing::load_profiles(fs::path(SIAGA_SOURCE_DIR) / "routing/vehicle-profiles.json"),
        geodata::overlay_hazards(setup.network,
                                 geodata::load_hazards(scenario.hazard_files).zones));
    setup.live->set_active(scenario.active_hazards);
  }
};

const CoverageSetup& island() {
  static const CoverageSetup instance;
  return instance;
}

void coverage_engine(benchmark::State& state) {
  const CoverageSetup& s = island();
  for (auto _ : state) benchmark::DoNotOptimize(dispatch::compute_coverage(s.setup, s.scenario));
  state.counters["targets"] = static_cast<double>(s.scenario.targets.size());
}
BENCHMARK(coverage_engine)->Name("coverage/engine")->Unit(benchmark::kMillisecond);

// The fields alone, by PHAST (the engine) or by multi-source Dijkstra (the baseline), on the
// same weights and station seeds.
template <bool use_cch>
void coverage_fields(benchmark::State& state) {
  const CoverageSetup& s = island();
  const auto segments = routing::road_segments(s.setup.network);
  const geodata::Snapper snapper(s.setup.network);
  routing::Dijkstra dijkstra(s.setup.network);
  routing::CchQuery query(*s.setup.cch);
  const auto set = s.setup.live->current();
  for (auto _ : state) {
    for (const dispatch::CoverageTarget& target : s.scenario.targets) {
      const routing::CchMetric& metric =
          set->metrics[routing::profile_index(s.setup.live->profiles(), target.unit_type)];
      std::vector<routing::Seed> seeds;
      for (const dispatch::Station& station : s.scenario.stations) {
        if (std::find(station.unit_types.begin(), station.unit_types.end(), target.unit_type) ==
            station.unit_types.end())
          continue;
        const auto snap = routing::source_seeds(
            s.setup.network, snapper.snap(station.position, {5000}), metric.arc_weight);
        seeds.insert(seeds.end(), snap.seeds.begin(), snap.seeds.end());
      }
      const auto field =
          use_cch ? query.all_costs(metric, seeds) : dijkstra.all_costs(seeds, metric.arc_weight);
      benchmark::DoNotOptimize(
          routing::segment_arrivals(s.setup.network, segments, metric.arc_weight, field));
    }
  }
}
BENCHMARK(coverage_fields<true>)->Name("coverage/fields_phast")->Unit(benchmark::kMillisecond);
BENCHMARK(coverage_fields<false>)->Name("coverage/fields_dijkstra")->Unit(benchmark::kMillisecond);

void plan_three(benchmark::State& state) {
  const CoverageSetup& s = island();
  const dispatch::Coverage coverage = dispatch::compute_coverage(s.setup, s.scenario);
  for (auto _ : state) {
    benchmark::DoNotOptimize(dispatch::plan_stations(s.setup, coverage, 1, 3, {}));
  }
}
BENCHMARK(plan_three)->Name("plan_stations/k3")->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace
}  // namespace coverage_bench
