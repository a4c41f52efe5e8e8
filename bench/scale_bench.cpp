// What one region's engine needs as its fleet grows: the tracking store's memory per unit (each
// with a fix and a status, journaled), as the heap bytes in use (glibc's mallinfo2) with the store
// built and fed, less those before; the road engine's size for the region's graph is
// preprocess/cch's engine_MiB. Baseline: the same store with the 26 units of the sample fleet.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <filesystem>

#include "broker_fixture.h"
#include "island.h"
#include "siaga/synth/sample_fleet.h"
#include "siaga/tracking/store.h"

namespace scale_bench {
namespace {

using namespace siaga;

// Bytes the heap has handed out and not had back (small blocks and mmapped ones).
double heap_bytes() {
  const struct mallinfo2 info = ::mallinfo2();
  return static_cast<double>(info.uordblks + info.hblkhd);
}

void store_units(benchmark::State& state) {
  const size_t units = static_cast<size_t>(state.range(0));
  const tracking::Fleet fleet = synth::sample_fleet(bench::network(), units > 26 ? units - 26 : 0);
  double bytes = 0;
  for (auto _ : state) {
    const std::filesystem::path dir = test::fresh_directory("bench-scale");
    tracking::StoreOptions options;
    options.state_dir = dir;
    const double before = heap_bytes();
    {
      tracking::TrackingStore store(fleet, bench::network(), options);
      const int64_t now = tracking::now_ms();
      for (const tracking::Unit& unit : fleet.units) {
        store.submit_fix({unit.id, 1, now - 1000, unit.home.lat, unit.home.lon, 0, 0, 5, {}}, now);
        store.submit_status({unit.id, 1, "available", "", now - 1000}, now);
      }
      store.sync();
      bytes = heap_bytes() - before;
    }
    std::filesystem::remove_all(dir);
  }
  state.counters["units"] = static_cast<double>(fleet.units.size());
  state.counters["heap_KiB"] = bytes / 1024;
  state.counters["KiB_per_1000_units"] =
      bytes / 1024 / static_cast<double>(fleet.units.size()) * 1000;
}
BENCHMARK(store_units)
    ->Name("scale/store_units")
    ->Arg(26)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace scale_bench
