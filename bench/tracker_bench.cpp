// The trackers' HTTP listener on loopback into the journaled tracking store: fixes/s for each
// format (OsmAnd query, Traccar Client's JSON, OwnTracks, Traccar forwarding), four phones' worth
// of keep-alive connections sending one request per fix as the apps do. Beside them in the same
// run: the MQTT intake (ingest/mqtt_burst) and, as the transport's own cost, the same listener
// answering a request for a path it does not serve (trackers/http_transport).
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <atomic>
#include <ctime>
#include <thread>

#include "broker_fixture.h"
#include "island.h"
#include "siaga/server/tracker_server.h"
#include "siaga/synth/sample_fleet.h"

namespace tracker_bench {
namespace {

using namespace siaga;

constexpr size_t unit_count = 200;
constexpr size_t connections = 4;
constexpr size_t fixes_per_unit = 25;  // 5,000 requests an iteration
const std::string forwarder_secret = "bench-traccar-forwarder-secret";

std::string secret_of(const std::string& unit) {
  return "bench-secret-of-" + unit;
}

// Every unit carries one tracker of each kind.
tracking::Fleet fleet_with_trackers() {
  tracking::Fleet fleet = synth::sample_fleet(bench::network(), unit_count);
  fleet.units.resize(unit_count);
  for (tracking::Unit& unit : fleet.units) {
    unit.owntracks.clear();
    unit.trackers = {{"osmand-" + unit.id, secret_of(unit.id)},
                     {"bench/" + unit.id, secret_of(unit.id)},
                     {"imei-" + unit.id, ""}};
  }
  fleet.forwarders.push_back({"bench-traccar", forwarder_secret});
  return fleet;
}

enum class Format { osmand_query, osmand_json, owntracks, traccar, transport };

std::string iso_time(int64_t ms) {
  const std::time_t seconds = ms / 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  return std::string(text) + "." + std::to_string(1000 + ms % 1000).substr(1) + "Z";
}

// One fix of `unit` at time `ms`, a metre or so from the last, as the format's app sends it.
httplib::Result send(httplib::Client& client, Format format, const tracking::Unit& unit, int64_t ms,
                     uint64_t s) {
  const std::string lat = std::to_string(unit.home.lat);
  const std::string lon = std::to_string(unit.home.lon + 1e-5 * static_cast<double>(s % 50));
  switch (format) {
    case Format::osmand_query:
      return client.Get(("/?id=osmand-" + unit.id + "&lat=" + lat + "&lon=" + lon + "&timestamp=" +
                         std::to_string(ms) + "&speed=0&accuracy=5&key=" + secret_of(unit.id))
                            .c_str());
    case Format::osmand_json:
      return client.Post("/", {{"Authorization", "Bearer " + secret_of(unit.id)}},
                         R"({"location":{"timestamp":")" + iso_time(ms) +
                             R"(","coords":{"latitude":)" + lat + R"(,"longitude":)" + lon +
                             R"(,"accuracy":5,"speed":0,"heading":0}},"device_id":"osmand-)" +
                             unit.id + "\"}",
                         "application/json");
    case Format::owntracks:
      return client.Post("/owntracks",
                         {{"X-Limit-U", "bench"},
                          {"X-Limit-D", unit.id},
                          httplib::make_basic_authentication_header("bench", secret_of(unit.id))},
                         R"({"_type":"location","lat":)" + lat + R"(,"lon":)" + lon +
                             R"(,"acc":5,"tst":)" + std::to_string(ms / 1000) + "}",
                         "application/json");
    case Format::traccar:
      return client.Post("/traccar", {{"Authorization", "Bearer " + forwarder_secret}},
                         R"({"position":{"latitude":)" + lat + R"(,"longitude":)" + lon +
                             R"(,"speed":0,"course":0,"fixTime":")" + iso_time(ms) +
                             R"("},"device":{"uniqueId":"imei-)" + unit.id + "\"}}",
                         "application/json");
    case Format::transport:
      return client.Get("/not-a-tracker-path");
  }
  return client.Get("/");
}

struct Rig {
  tracking::Fleet fleet = fleet_with_trackers();
  std::filesystem::path state = test::fresh_directory("bench-trackers");
  tracking::TrackingStore store{fleet, bench::network(), options(state)};
  server::TrackerIntake intake{store};
  server::TrackerServer server{intake, listen_options()};
  std::vector<std::unique_ptr<httplib::Client>> clients;

  static tracking::StoreOptions options(const std::filesystem::path& dir) {
    tracking::StoreOptions o;
    o.state_dir = dir;
    return o;
  }
  static server::TrackerListenOptions listen_options() {
    server::TrackerListenOptions o;
    o.port = 0;
    return o;
  }
  Rig() {
    server.start();
    for (size_t c = 0; c < connections; ++c) {
      clients.push_back(std::make_unique<httplib::Client>("127.0.0.1", server.port()));
      clients.back()->set_keep_alive(true);
      clients.back()->set_tcp_nodelay(true);  // headers and body in two writes: no Nagle wait
    }
  }
  ~Rig() {
    server.stop();
    std::filesystem::remove_all(state);
  }
};

// Whole-second fix times (OwnTracks' tst is seconds), an hour ago and onwards.
template <Format format>
void tracker_intake(benchmark::State& state) {
  Rig rig;
  const int64_t base = (tracking::now_ms() - 3'600'000) / 1000 * 1000;
  uint64_t next = 1;
  uint64_t refused = 0;
  for (auto _ : state) {
    const uint64_t first = next;
    next += fixes_per_unit;
    std::vector<std::thread> phones;
    std::atomic<uint64_t> failures{0};
    for (size_t c = 0; c < connections; ++c) {
      phones.emplace_back([&, c] {
        for (uint64_t s = first; s < first + fixes_per_unit; ++s) {
          for (size_t u = c; u < unit_count; u += connections) {
            const auto reply = send(*rig.clients[c], format, rig.fleet.units[u],
                                    base + static_cast<int64_t>(s) * 1000, s);
            const int expected = format == Format::transport ? 404 : 200;
            if (!reply || reply->status != expected) ++failures;
          }
        }
      });
    }
    for (std::thread& phone : phones) phone.join();
    refused += failures;
  }
  state.counters["requests_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * fixes_per_unit * unit_count),
                         benchmark::Counter::kIsRate);
  state.counters["refused"] = static_cast<double>(refused);
  if (format != Format::transport)
    state.counters["accepted"] = static_cast<double>(rig.store.counters().fixes_accepted);
}

void settings(benchmark::internal::Benchmark* b) {
  b->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(4);
}
BENCHMARK(tracker_intake<Format::osmand_query>)->Name("trackers/osmand_query")->Apply(settings);
BENCHMARK(tracker_intake<Format::osmand_json>)->Name("trackers/osmand_json")->Apply(settings);
BENCHMARK(tracker_intake<Format::owntracks>)->Name("trackers/owntracks")->Apply(settings);
BENCHMARK(tracker_intake<Format::traccar>)->Name("trackers/traccar")->Apply(settings);
BENCHMARK(tracker_intake<Format::transport>)->Name("trackers/http_transport")->Apply(settings);

}  // namespace
}  // namespace tracker_bench
