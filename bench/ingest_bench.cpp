// Ingest through a real Mosquitto broker on loopback into the journaled tracking store:
// throughput of a burst (fixes/s) and publish → queryable latency at a steady rate (p50/p99).
// Beside each, its baseline from the same broker: the same messages to a plain subscriber that
// only counts them (ingest/broker_*), the transport's own cost.
#include <benchmark/benchmark.h>
#include <siaga.pb.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "broker_fixture.h"
#include "island.h"
#include "percentiles.h"
#include "siaga/mqtt/topics.h"
#include "siaga/server/ingest.h"
#include "siaga/synth/sample_fleet.h"

namespace ingest_bench {
namespace {

using namespace siaga;
using Clock = std::chrono::steady_clock;

constexpr size_t unit_count = 200;

// Unit u's fix number s: a few metres apart, fix times in the past.
v1::Fix fix_of(const tracking::Unit& unit, uint64_t s, int64_t base) {
  v1::Fix fix;
  fix.set_unit_id(unit.id);
  fix.set_seq(s);
  fix.set_time_ms(base + static_cast<int64_t>(s) * 1000);
  fix.set_lat(unit.home.lat);
  fix.set_lon(unit.home.lon + 1e-5 * static_cast<double>(s % 50));
  fix.set_accuracy_m(5);
  return fix;
}

// Pre-encoded messages: one Fix each, or (batch > 1) FixBatches of `batch` consecutive fixes of
// one unit, as a tracker sends what it kept while its link was down.
std::vector<std::pair<std::string, std::string>> encoded_fixes(const tracking::Fleet& fleet,
                                                               uint64_t first_seq, size_t per_unit,
                                                               size_t batch = 1) {
  const int64_t base = tracking::now_ms() - 3'600'000;
  std::vector<std::pair<std::string, std::string>> messages;
  for (uint64_t s = first_seq; s < first_seq + per_unit; s += batch) {
    for (size_t u = 0; u < unit_count; ++u) {
      const tracking::Unit& unit = fleet.units[u];
      if (batch == 1) {
        messages.emplace_back(mqtt::fix_topic(unit.id), fix_of(unit, s, base).SerializeAsString());
        continue;
      }
      v1::FixBatch fixes;
      for (uint64_t k = s; k < std::min(s + batch, first_seq + per_unit); ++k)
        *fixes.add_fixes() = fix_of(unit, k, base);
      messages.emplace_back(mqtt::fixes_topic(unit.id), fixes.SerializeAsString());
    }
  }
  return messages;
}

// The authenticated broker of the tests (plain listener: the transport's cost, not TLS's), and
// on the receiving end either the engine's intake into the store or (raw) a plain subscriber.
struct Rig {
  tracking::Fleet fleet = synth::sample_fleet(bench::network(), unit_count);
  test::TestBroker broker{"bench", fleet};
  std::filesystem::path state = test::fresh_directory("bench-state");
  tracking::TrackingStore store;
  std::atomic<uint64_t> accepted{0};
  std::vector<Clock::time_point> sent;  // by message index, for latency
  std::vector<double> latency_us;
  std::atomic<bool> timing{false};
  size_t fixes_per_message;
  server::Ingest ingest;
  std::unique_ptr<mqtt::Client> raw_subscriber;
  mqtt::Client tracker;

  static tracking::StoreOptions options(const std::filesystem::path& dir) {
    tracking::StoreOptions o;
    o.state_dir = dir;
    return o;
  }
  explicit Rig(bool raw, size_t fixes_per_message = 1)
      : store(fleet, bench::network(), options(state)),
        fixes_per_message(fixes_per_message),
        ingest(store, broker.client("bench-engine", server::engine_user), {},
               [this](std::string_view, uint64_t) { on_accepted(1); }),
        tracker(broker.client("bench-tracker", server::simulator_user)) {
    mqtt::Client& receiver = raw ? subscribe_raw() : ingest.client();
    if (!raw) ingest.start();
    tracker.start();
    receiver.wait_connected(std::chrono::seconds(5));
    tracker.wait_connected(std::chrono::seconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ~Rig() {
    ingest.stop();
    if (raw_subscriber) raw_subscriber->stop();
    tracker.stop();
    std::filesystem::remove_all(state);
  }
  mqtt::Client& subscribe_raw() {
    raw_subscriber = std::make_unique<mqtt::Client>(
        broker.client("bench-raw", server::engine_user),
        [this](std::string_view, std::string_view) { on_accepted(fixes_per_message); });
    raw_subscriber->subscribe("siaga/v1/units/+/fix");
    raw_subscriber->subscribe("siaga/v1/units/+/fixes");
    raw_subscriber->start();
    return *raw_subscriber;
  }
  // Called on the receiver's network thread once the store has the fix (queryable), or once the
  // raw subscriber has the message.
  void on_accepted(size_t fixes) {
    const uint64_t index = accepted.fetch_add(fixes);
    if (timing && index < sent.size()) {
      latency_us.push_back(
          std::chrono::duration<double, std::micro>(Clock::now() - sent[index]).count());
    }
  }
  void wait_for(uint64_t total) {
    const auto end = Clock::now() + std::chrono::seconds(60);
    while (accepted < total && Clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::microseconds(500));  // leave the cores to the rig
    }
  }
};

// range(0): fixes per message (1: single Fix messages; 10: FixBatches of 10).
template <bool raw>
void ingest_throughput(benchmark::State& state) {
  const size_t batch = static_cast<size_t>(state.range(0));
  Rig rig(raw, batch);
  uint64_t seq = 1;
  const size_t per_unit = 100;  // 20,000 fixes a burst
  for (auto _ : state) {
    state.PauseTiming();
    const auto messages = encoded_fixes(rig.fleet, seq, per_unit, batch);
    seq += per_unit;
    const uint64_t target = rig.accepted + per_unit * unit_count;
    state.ResumeTiming();
    for (const auto& [topic, payload] : messages) rig.tracker.publish(topic, payload);
    rig.wait_for(target);
  }
  state.counters["fixes_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * per_unit * unit_count), benchmark::Counter::kIsRate);
  state.counters["rejected"] = static_cast<double>(rig.store.counters().rejected_total());
}
// Bursts of single fixes and of FixBatches of 10, five of each.
void burst_settings(benchmark::internal::Benchmark* burst) {
  burst->Arg(1)->Arg(10)->ArgName("fixes_per_message")->UseRealTime()->Iterations(5);
}
BENCHMARK(ingest_throughput<false>)
    ->Name("ingest/mqtt_burst")
    ->Apply(burst_settings)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(ingest_throughput<true>)
    ->Name("ingest/broker_burst")
    ->Apply(burst_settings)
    ->Unit(benchmark::kMillisecond);

// 10,000 fixes at 5,000 fixes/s: each one's time from publish to being in the store (or, raw, at
// the plain subscriber).
template <bool raw>
void ingest_latency(benchmark::State& state) {
  Rig rig(raw);
  const auto messages = encoded_fixes(rig.fleet, 1, 50);
  rig.sent.resize(messages.size());
  rig.latency_us.reserve(messages.size());
  for (auto _ : state) {
    rig.timing = true;
    const auto start = Clock::now();
    for (size_t i = 0; i < messages.size(); ++i) {
      std::this_thread::sleep_until(start + std::chrono::microseconds(200 * i));
      rig.sent[i] = Clock::now();
      rig.tracker.publish(messages[i].first, messages[i].second);
    }
    rig.wait_for(messages.size());
  }
  state.counters["fixes"] = static_cast<double>(rig.latency_us.size());
  bench::report_percentiles(state, rig.latency_us);
}
BENCHMARK(ingest_latency<false>)
    ->Name("ingest/mqtt_latency")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK(ingest_latency<true>)
    ->Name("ingest/broker_latency")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
}  // namespace ingest_bench
