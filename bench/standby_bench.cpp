// A hot-standby pair in process, two `siaga serve` Services on a real Mosquitto on loopback: what
// replication adds to a write (POST /v1/incidents, answered once the broker acknowledged the
// replica), how long after that answer the standby has the incident (lag), and a failover: from
// POST /v1/admin/promote to the first write the new primary accepts. Baselines from the same run:
// the same write on a server that does not replicate, and the broker's own round trip
// (ingest/broker_latency).
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <thread>

#include "broker_fixture.h"
#include "percentiles.h"
#include "siaga/dispatch/dataset.h"
#include "siaga/server/service.h"

namespace standby_bench {
namespace {

using namespace siaga;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

const fs::path fleet_file = fs::path(SIAGA_SOURCE_DIR) / "geodata/ambon/fleet-sample.json";

std::unique_ptr<server::Service> serve(const test::TestBroker& broker, const std::string& name,
                                       const fs::path& state, bool replicate,
                                       const std::string& standby_of) {
  server::ServiceOptions options;
  options.data = dispatch::resolve_paths({}, {}, {});
  options.fleet_file = fleet_file;
  options.store.state_dir = state;
  options.mqtt = broker.client(name, server::engine_user);
  options.replicate = replicate;
  options.standby_of = standby_of;
  options.http.port = 0;
  auto service = std::make_unique<server::Service>(options);
  service->start();
  return service;
}

std::string url_of(const server::Service& service) {
  return "http://127.0.0.1:" + std::to_string(service.http_port());
}

// A primary (replicating or not) and, when it replicates, its standby in sync.
struct Pair {
  tracking::Fleet fleet = tracking::load_fleet(fleet_file);
  test::TestBroker broker{"bench-standby", fleet};
  fs::path primary_state = test::fresh_directory("bench-primary");
  fs::path standby_state = test::fresh_directory("bench-standby");
  std::unique_ptr<server::Service> primary, standby;

  explicit Pair(bool replicate) {
    primary = serve(broker, "bench-primary", primary_state, replicate, "");
    if (replicate) standby = serve(broker, "bench-standby", standby_state, false, url_of(*primary));
    wait_until([&] {
      const auto status = primary->replication().status_json();
      const bool primary_ready = !status.value("settling", false);
      return primary_ready &&
             (!standby || standby->replication().status_json().value("in_sync", false));
    });
  }
  ~Pair() {
    standby.reset();
    primary.reset();
    fs::remove_all(primary_state);
    fs::remove_all(standby_state);
  }

  template <typename Done>
  static void wait_until(Done done) {
    const auto end = Clock::now() + std::chrono::seconds(30);
    while (!done() && Clock::now() < end)
      std::this_thread::sleep_for(std::chrono::microseconds(50));
  }

  std::string call_body(size_t i) const {
    const tracking::Unit& unit = fleet.units[i % fleet.units.size()];
    return dispatch::Json{
        {"lat", unit.home.lat + 0.002}, {"lon", unit.home.lon}, {"class", "medical"}}
        .dump();
  }
};

// A call taken on the primary; with replication, then the wait until the standby has it.
void standby_write(benchmark::State& state) {
  const bool replicate = state.range(0) != 0;
  Pair pair(replicate);
  httplib::Client http("127.0.0.1", pair.primary->http_port());
  std::vector<double> write_us, lag_us;
  size_t i = 0;
  for (auto _ : state) {
    const auto start = Clock::now();
    const auto created = http.Post("/v1/incidents", pair.call_body(i++), "application/json");
    const auto answered = Clock::now();
    if (!created || created->status != 201) {
      state.SkipWithError("the write was refused");
      break;
    }
    write_us.push_back(std::chrono::duration<double, std::micro>(answered - start).count());
    if (!replicate) continue;
    const std::string id = dispatch::Json::parse(created->body)["id"];
    const int64_t version = pair.primary->incidents().version_of(id);
    Pair::wait_until([&] { return pair.standby->incidents().version_of(id) >= version; });
    lag_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - answered).count());
  }
  bench::report_percentiles(state, write_us);
  if (!lag_us.empty()) {
    std::vector<double> lag = lag_us;
    std::sort(lag.begin(), lag.end());
    state.counters["lag_p50_us"] = lag[lag.size() / 2];
    state.counters["lag_p99_us"] =
        lag[static_cast<size_t>(0.99 * static_cast<double>(lag.size() - 1))];
  }
}
BENCHMARK(standby_write)
    ->Name("standby/write_replicated")
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(300);
BENCHMARK(standby_write)
    ->Name("standby/write_alone")
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(300);

// The primary stopped; the operator's promote; the first write. Each iteration a fresh pair on a
// fresh broker (a promotion leaves its claim retained there).
void standby_failover(benchmark::State& state) {
  std::vector<double> promote_ms, first_write_ms;
  for (auto _ : state) {
    state.PauseTiming();
    auto pair = std::make_unique<Pair>(true);
    pair->primary.reset();
    httplib::Client http("127.0.0.1", pair->standby->http_port());
    state.ResumeTiming();
    const auto start = Clock::now();
    const auto promoted = http.Post("/v1/admin/promote", "{}", "application/json");
    const auto after_promote = Clock::now();
    const auto created = http.Post("/v1/incidents", pair->call_body(0), "application/json");
    const auto after_write = Clock::now();
    state.PauseTiming();
    if (!promoted || promoted->status != 200 || !created || created->status != 201) {
      state.SkipWithError("the failover did not go through");
      break;
    }
    promote_ms.push_back(std::chrono::duration<double, std::milli>(after_promote - start).count());
    first_write_ms.push_back(
        std::chrono::duration<double, std::milli>(after_write - start).count());
    pair.reset();
    state.ResumeTiming();
  }
  if (first_write_ms.empty()) return;
  std::sort(promote_ms.begin(), promote_ms.end());
  std::sort(first_write_ms.begin(), first_write_ms.end());
  state.counters["promote_ms"] = promote_ms[promote_ms.size() / 2];
  state.counters["first_write_ms"] = first_write_ms[first_write_ms.size() / 2];
}
BENCHMARK(standby_failover)
    ->Name("standby/failover")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(5);

}  // namespace
}  // namespace standby_bench
