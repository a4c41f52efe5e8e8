// Drills and live coverage (#15): live coverage from the units available now and the move-up
// suggestions, each beside the static whole-island coverage run (coverage/engine, in
// coverage_bench.cpp) of the same process; and the planner's simulation in simulated days per
// second of wall time, closest-available beside the same calls with move-ups.
#include <benchmark/benchmark.h>

#include <sstream>

#include "island.h"
#include "siaga/dispatch/simulation.h"

namespace simulation_bench {
namespace {

using namespace siaga;
namespace fs = std::filesystem;

// The simulation's world (graph, CCH, stream, fleet, plans) once per process.
dispatch::SimulationWorld& world() {
  static dispatch::SimulationWorld loaded = [] {
    std::ostringstream log;
    const fs::path source = SIAGA_SOURCE_DIR;
    return dispatch::load_simulation_world(
        {bench::ambon_pbf(), fs::temp_directory_path() / "siaga-bench-simulation.graph"},
        dispatch::default_incident_stream_file(), source / "geodata/ambon/fleet-sample.json", log);
  }();
  return loaded;
}

// The sample fleet at home; every second ambulance away on a call when `busy`.
std::vector<dispatch::LiveUnit> fleet_at_home(bool busy) {
  dispatch::SimulationWorld& w = world();
  std::vector<dispatch::LiveUnit> units;
  int ambulances = 0;
  for (const tracking::Unit& unit : w.fleet.units) {
    if (busy && unit.type == "ambulance" && ambulances++ % 2 == 0) continue;
    units.push_back({unit.id, unit.type, w.snapper->snap(unit.home, {5000})});
  }
  return units;
}

dispatch::LiveCoverageContext context() {
  dispatch::SimulationWorld& w = world();
  return {w.setup->network, *w.snapper, *w.setup->live, w.ground, w.scenario.targets};
}

void live_coverage(benchmark::State& state) {
  const auto units = fleet_at_home(true);
  routing::CchQuery query(*world().setup->cch);
  const auto set = world().setup->live->current();
  for (auto _ : state)
    benchmark::DoNotOptimize(dispatch::live_coverage(context(), *set, units, query));
  state.counters["units"] = static_cast<double>(units.size());
}
BENCHMARK(live_coverage)->Name("coverage/live")->Unit(benchmark::kMillisecond);

// As GET /v1/moveups computes them: no cache, every field swept again.
void moveups(benchmark::State& state) {
  const auto units = fleet_at_home(true);
  routing::CchQuery query(*world().setup->cch);
  const auto set = world().setup->live->current();
  size_t suggested = 0;
  for (auto _ : state) {
    const auto moves = dispatch::suggest_moveups(context(), *set, units, world().scenario.stations,
                                                 {{"ambulance", 0.5}}, {}, query);
    suggested = moves.size();
  }
  state.counters["moves"] = static_cast<double>(suggested);
}
BENCHMARK(moveups)->Name("coverage/moveups")->Unit(benchmark::kMillisecond);

template <dispatch::Policy policy>
void simulate(benchmark::State& state) {
  dispatch::SimulationOptions options;
  options.days = 90;
  options.policy = policy;
  size_t reports = 0;
  for (auto _ : state) reports = dispatch::simulate(world(), options).reports;
  state.counters["reports"] = static_cast<double>(reports);
  state.counters["sim_days_per_s"] = benchmark::Counter(
      options.days * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(simulate<dispatch::Policy::closest>)
    ->Name("simulate/closest_90_days")
    ->Unit(benchmark::kMillisecond);
BENCHMARK(simulate<dispatch::Policy::moveup>)
    ->Name("simulate/moveup_90_days")
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace simulation_bench
