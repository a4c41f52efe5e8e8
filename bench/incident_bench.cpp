// The incident desk's costs, each beside its baseline from the same run:
// - a 112 call over HTTP on loopback (create + recommend its plan + dispatch it, the history in
//   SQLite with synchronous=FULL in a temporary directory), beside GET /health on the same
//   keep-alive connection;
// - the response-time report over 100,000 generated incidents, beside reading their rows alone;
// - a GPS fix of a dispatched unit with its auto status and ETA refresh, beside the same fix's
//   intake into the tracking store alone.
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <random>

#include "broker_fixture.h"
#include "island.h"
#include "percentiles.h"
#include "siaga/dispatch/dataset.h"
#include "siaga/dispatch/response_times.h"
#include "siaga/routing/route.h"
#include "siaga/server/http_server.h"
#include "siaga/server/incidents_api.h"

namespace incident_bench {
namespace {

using namespace siaga;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const fs::path source_dir = SIAGA_SOURCE_DIR;

// `siaga serve`'s parts on the island without a broker: the sample fleet at home, incidents in
// SQLite on disk.
struct Desk {
  const geodata::RoadNetwork& network = bench::network();
  routing::Cch cch = routing::Cch::build(network);
  geodata::Snapper snapper{network};
  routing::LiveMetrics live{network, cch, routing::load_profiles(dispatch::default_profiles_file()),
                            geodata::overlay_hazards(network, {})};
  std::vector<dispatch::IncidentClass> classes =
      dispatch::load_incident_classes(dispatch::default_incident_types_file(), live.profiles());
  std::vector<dispatch::ResponsePlan> plans = dispatch::load_response_plans(
      dispatch::default_response_plans_file(), classes, live.profiles());
  tracking::TrackingStore store{
      tracking::load_fleet(source_dir / "geodata/ambon/fleet-sample.json"), network};
  fs::path dir = test::fresh_directory("bench-incidents");
  tracking::IncidentStore incidents{dir / "incidents.sqlite"};
  routing::QueryPool queries{cch};
  dispatch::DispatchContext context{network, snapper, live, classes};
  dispatch::IncidentDesk desk{context, store, incidents, queries, plans, {}};
  server::Api api{network, snapper, live, store, classes, queries, {}};

  Desk() {
    api.desk = &desk;
    api.incidents = &incidents;
    const int64_t now = tracking::now_ms();
    for (const tracking::Unit& unit : store.fleet().units)
      store.submit_fix({unit.id, 1, now, unit.home.lat, unit.home.lon, 0, 0, 5, {}}, now);
  }
  ~Desk() { fs::remove_all(dir); }
};

const geodata::LatLon places[] = {{-3.6930, 128.1820}, {-3.6400, 128.2520}, {-3.7040, 128.1910},
                                  {-3.6560, 128.1870}, {-3.6950, 128.1800}, {-3.7106, 128.0892},
                                  {-3.6700, 128.2000}, {-3.5880, 128.3280}};

void http_health(benchmark::State& state) {
  Desk desk;
  server::HttpOptions options;
  options.port = 0;
  server::HttpServer http(desk.api, options);
  http.start();
  httplib::Client client("127.0.0.1", http.port());
  std::vector<double> micros;
  for (auto _ : state) {
    const auto start = Clock::now();
    benchmark::DoNotOptimize(client.Get("/health"));
    micros.push_back(bench::micros_since(start));
  }
  bench::report_percentiles(state, micros);
}
BENCHMARK(http_health)
    ->Name("incident/http_health")
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(2000);

void http_call(benchmark::State& state) {
  Desk desk;
  server::HttpOptions options;
  options.port = 0;
  server::HttpServer http(desk.api, options);
  http.start();
  httplib::Client client("127.0.0.1", http.port());
  const char* classes[] = {"medical", "fire", "security", "disaster"};
  std::vector<double> micros;
  size_t i = 0;
  for (auto _ : state) {
    const geodata::LatLon at = places[i % std::size(places)];
    const std::string body = "{\"lat\": " + std::to_string(at.lat) +
                             ", \"lon\": " + std::to_string(at.lon) + ", \"class\": \"" +
                             classes[i % 4] + "\"}";
    ++i;
    const auto start = Clock::now();
    const auto created = client.Post("/v1/incidents", body, "application/json");
    const std::string id = server::Json::parse(created->body)["id"];
    const auto plan =
        client.Post(("/v1/incidents/" + id + "/recommend").c_str(), "{}", "application/json");
    const server::Json units = {{"unit_ids", server::Json::parse(plan->body)["unit_ids"]}};
    const auto sent =
        client.Post(("/v1/incidents/" + id + "/units").c_str(), units.dump(), "application/json");
    micros.push_back(bench::micros_since(start));
    if (!sent || sent->status != 200) state.SkipWithError(("dispatch: " + sent->body).c_str());
    state.PauseTiming();  // the units come home for the next call
    client.Post(("/v1/incidents/" + id + "/close").c_str(), R"({"cancel": true})",
                "application/json");
    state.ResumeTiming();
  }
  bench::report_percentiles(state, micros);
}
BENCHMARK(http_call)
    ->Name("incident/http_create_recommend_dispatch")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(300);

// 100,000 calls of a year, with 0 to 3 units each at plausible intervals, bulk-loaded once.
const fs::path& year_of_calls() {
  static const fs::path file = [] {
    const fs::path dir = test::fresh_directory("bench-report");
    tracking::IncidentStore store(dir / "incidents.sqlite");
    std::mt19937_64 random(112);
    const char* kecamatan[] = {"Sirimau", "Nusaniwe", "Teluk Ambon", "Teluk Ambon Baguala",
                               "Leitimur Selatan"};
    std::vector<tracking::Incident> calls;
    const int64_t year_ms = 365LL * 86'400'000;
    for (int i = 1; i <= 100'000; ++i) {
      tracking::Incident call;
      call.id = "112-2026-" + std::to_string(1'000'000 + i).substr(1);
      call.created_ms = 1'767'200'000'000 + static_cast<int64_t>(random() % year_ms);
      call.incident_class = tracking::incident_class_names[random() % 6];
      call.location.kecamatan = kecamatan[random() % 5];
      call.call_type =
          random() % 4 == 0 ? tracking::CallType::prank : tracking::CallType::emergency;
      call.status = tracking::IncidentStatus::closed;
      const int units = call.call_type == tracking::CallType::prank ? 0 : 1 + random() % 3;
      const uint64_t first = random() % 9;
      for (int u = 0; u < units; ++u) {
        tracking::UnitAssignment unit;
        unit.unit_id = "AMB-0" + std::to_string(1 + (first + u) % 9);
        unit.dispatched_ms = call.created_ms + 30'000 + static_cast<int64_t>(random() % 90'000);
        unit.en_route_ms = unit.dispatched_ms + 20'000 + static_cast<int64_t>(random() % 100'000);
        unit.on_scene_ms = unit.en_route_ms + 120'000 + static_cast<int64_t>(random() % 900'000);
        unit.cleared_ms = unit.on_scene_ms + 1'800'000;
        call.units.push_back(unit);
      }
      calls.push_back(std::move(call));
    }
    store.bulk_load(calls);
    return dir / "incidents.sqlite";
  }();
  return file;
}

void report_rows(benchmark::State& state) {
  const tracking::IncidentStore store(year_of_calls());
  for (auto _ : state) benchmark::DoNotOptimize(store.timings(0, 0));
  state.counters["calls"] = static_cast<double>(store.timings(0, 0).size());
}
BENCHMARK(report_rows)->Name("report/read_rows_100k")->Unit(benchmark::kMillisecond);

void report_full(benchmark::State& state) {
  const tracking::IncidentStore store(year_of_calls());
  const tracking::Fleet fleet =
      tracking::load_fleet(source_dir / "geodata/ambon/fleet-sample.json");
  const auto targets = dispatch::load_response_targets(dispatch::default_response_targets_file());
  for (auto _ : state) {
    benchmark::DoNotOptimize(dispatch::report_json(
        dispatch::response_report(store.timings(0, 0), fleet, targets, 0, 0)));
  }
}
BENCHMARK(report_full)->Name("report/100k")->Unit(benchmark::kMillisecond);

// A dispatched ambulance reporting once a second, moving 20 m back and forth on its street.
template <bool with_desk>
void fix_intake(benchmark::State& state) {
  Desk desk;
  tracking::NewIncident call;
  call.location.lat = -3.6400;
  call.location.lon = 128.2520;
  call.incident_class = "medical";
  const std::string id = desk.desk.create(call, "bench").incident.id;
  const std::string unit = "AMB-01";
  if (with_desk) desk.desk.dispatch(id, std::vector{unit}, "bench");
  const geodata::LatLon home = desk.store.fleet().find(unit)->home;
  int64_t now = tracking::now_ms();
  uint64_t seq = 10;
  std::vector<double> micros;
  for (auto _ : state) {
    now += 1000;
    const double east = (seq % 2) * 0.0002;  // ~20 m
    const tracking::PositionFix fix{unit, ++seq, now, home.lat, home.lon + east, 10, 90, 5, {}};
    const auto start = Clock::now();
    benchmark::DoNotOptimize(desk.store.submit_fix(fix, now));
    if (with_desk) desk.desk.on_fix_accepted(unit);
    micros.push_back(bench::micros_since(start));
  }
  bench::report_percentiles(state, micros);
}
BENCHMARK(fix_intake<false>)->Name("fix/intake")->Unit(benchmark::kMicrosecond);
BENCHMARK(fix_intake<true>)->Name("fix/intake_with_eta")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace incident_bench
