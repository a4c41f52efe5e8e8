// The hot standby's drill: two `siaga serve` processes on one real broker (the primary with
// --replicate, the standby with --standby-of), 200 trackers, and `siaga drill`'s library making
// calls, dispatching and closing them. The primary is killed with SIGKILL mid-drill; the operator
// runs `siaga promote`; the drill turns to the standby and goes on. Afterwards every write the
// primary acknowledged is on the new primary (the incident, its units, each event of its log as
// the answer showed it), and no unit was ever on two incidents at once.
//
// Ambon's 112 takes about 4 reports a day, so 10× its rate would be one call in 36 minutes; the
// drill makes 10 a minute, some 3,600× Ambon's rate, to put calls on both sides of the failover.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <thread>

#include "broker_fixture.h"
#include "drill_calls.h"
#include "serve_process.h"
#include "siaga/server/broker_credentials.h"
#include "siaga/synth/drill.h"
#include "test_support.h"

namespace siaga::server::failover_drill_test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using dispatch::Json;

// The sample fleet and copies of its units at the same homes, 200 in all, as a fleet file.
fs::path write_fleet_of_200(const fs::path& dir) {
  std::ifstream in(test::source_dir / "geodata/ambon/fleet-sample.json");
  Json fleet = Json::parse(in);
  const Json originals = fleet["units"];
  for (size_t copy = 1; fleet["units"].size() < 200; ++copy) {
    for (const Json& unit : originals) {
      if (fleet["units"].size() >= 200) break;
      Json twin = unit;
      twin["id"] = unit["id"].get<std::string>() + "-" + std::to_string(copy);
      twin.erase("owntracks");
      fleet["units"].push_back(twin);
    }
  }
  const fs::path file = dir / "fleet.json";
  std::ofstream(file) << fleet.dump(1);
  return file;
}

Json get_json(httplib::Client& http, const std::string& path) {
  const auto answer = http.Get(path);
  return answer && answer->status == 200 ? Json::parse(answer->body) : Json();
}

// Every unit's assignments as time intervals: none may overlap another of the same unit.
void expect_no_unit_on_two_incidents(httplib::Client& http) {
  const Json list = get_json(http, "/v1/incidents?status=all");
  ASSERT_TRUE(list.is_object());
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> busy;
  for (const Json& item : list["incidents"]) {
    for (const Json& unit : item["units"]) {
      const Json& times = unit["times"];
      const int64_t end =
          times["cleared_ms"].is_null() ? INT64_MAX : times["cleared_ms"].get<int64_t>();
      busy[unit["unit_id"]].emplace_back(times["dispatched_ms"].get<int64_t>(), end);
    }
  }
  ASSERT_FALSE(busy.empty());
  for (auto& [unit, intervals] : busy) {
    std::sort(intervals.begin(), intervals.end());
    for (size_t i = 1; i < intervals.size(); ++i)
      EXPECT_LE(intervals[i - 1].second, intervals[i].first) << unit << " on two incidents";
  }
}

TEST(FailoverDrill, ThePrimaryKilledMidDrillLosesNothingItAcknowledged) {
  const fs::path dir = test::fresh_directory("failover");
  const fs::path fleet_file = write_fleet_of_200(dir);
  const tracking::Fleet fleet = tracking::load_fleet(fleet_file);
  ASSERT_EQ(fleet.units.size(), 200u);
  test::TestBroker broker("failover", fleet);
  const int primary_port = test::free_loopback_port();
  const int standby_port = test::free_loopback_port();
  test::ServeProcess primary(broker, dir, "primary", primary_port, {"--replicate"});
  test::ServeProcess standby(broker, dir, "standby", standby_port,
                             {"--standby-of", "http://127.0.0.1:" + std::to_string(primary_port)});
  ASSERT_TRUE(primary.start(fleet_file)) << primary.log();
  ASSERT_TRUE(standby.start(fleet_file)) << standby.log();
  httplib::Client standby_http("127.0.0.1", standby_port);
  ASSERT_TRUE(test::eventually([&] {
    return get_json(standby_http, "/v1/replica/status").value("in_sync", false);
  })) << standby.log();

  const test::NearbyCalls calls = test::nearby_calls(fleet);
  synth::DrillOptions drill;
  drill.server_port = primary_port;
  drill.standby_ports = {standby_port};
  drill.crews.mqtt = broker.client("failover-crews", simulator_user);
  drill.minutes = 0.6;
  drill.calls_per_minute = 10;
  drill.scene_seconds = 3;
  drill.settle_seconds = 25;  // calls not reached by then are cancelled: still writes
  drill.server_gone_seconds = 60;
  drill.seed = 11;
  const std::atomic<bool> stop{false};
  synth::DrillReport report;
  std::thread drilling([&] {
    report = synth::run_drill(test::ambon().network, fleet, calls.stream, calls.places,
                              calls.ground.segments, drill, stop);
  });

  // Mid-drill: the primary dies; a second later the operator promotes the standby.
  std::this_thread::sleep_for(18s);
  const Json lag_before = get_json(standby_http, "/v1/replica/status")["lag_ms"];
  primary.stop(SIGKILL);
  std::this_thread::sleep_for(1s);
  const auto promote_start = std::chrono::steady_clock::now();
  const std::string promote = std::string(SIAGA_CLI) +
                              " promote --server 127.0.0.1:" + std::to_string(standby_port) +
                              " > " + (dir / "promote.out").string();
  ASSERT_EQ(std::system(promote.c_str()), 0) << standby.log();
  const auto accepted = standby_http.Post(
      "/v1/incidents",
      Json{{"lat", fleet.units[0].home.lat}, {"lon", fleet.units[0].home.lon}, {"class", "other"}}
          .dump(),
      "application/json");
  const double failover_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - promote_start)
          .count();
  ASSERT_TRUE(accepted && accepted->status == 201) << (accepted ? accepted->body : "no answer");
  standby_http.Post(
      "/v1/incidents/" + Json::parse(accepted->body)["id"].get<std::string>() + "/close",
      R"({"cancel": true})", "application/json");
  drilling.join();

  const std::string told = synth::drill_json(report).dump(2);
  std::cout << "standby lag before the failover (ms): " << lag_before.dump()
            << "\nfailover, `siaga promote` to the first accepted write: " << failover_ms
            << " ms\ndrill: " << report.created << " calls, " << report.acknowledged.size()
            << " acknowledged writes, " << report.failovers << " turns to the standby, "
            << report.http_errors << " HTTP errors\n";
  EXPECT_GE(lag_before["count"].get<int>(), 1) << told;
  EXPECT_GE(report.failovers, 1u) << told;
  EXPECT_GE(report.created, 3u) << told;
  EXPECT_EQ(report.reached_scene + report.cancelled, report.created) << told;

  // Every acknowledged write, on the new primary.
  size_t checked = 0;
  for (const synth::AcknowledgedWrite& write : report.acknowledged) {
    const Json incident = get_json(standby_http, "/v1/incidents/" + write.incident_id);
    ASSERT_TRUE(incident.is_object()) << write.incident_id << " lost";
    std::vector<int64_t> seqs;
    for (const Json& event : incident["events"]) seqs.push_back(event["seq"]);
    for (const int64_t seq : write.event_seqs)
      EXPECT_NE(std::find(seqs.begin(), seqs.end(), seq), seqs.end())
          << write.incident_id << " lost event " << seq << " (" << write.what << ")";
    for (const std::string& unit : write.unit_ids) {
      const auto& units = incident["units"];
      EXPECT_TRUE(std::any_of(units.begin(), units.end(),
                              [&](const Json& u) { return u["unit_id"] == unit; }))
          << write.incident_id << " lost its dispatch of " << unit;
    }
    if (write.what == "closed" || write.what == "cancelled") {
      EXPECT_EQ(incident["status"], write.what) << write.incident_id;
    }
    ++checked;
  }
  EXPECT_GE(checked, 6u) << told;
  // The drill went on: writes acknowledged by each side of the failover.
  const auto by = [&](int port) {
    return std::count_if(report.acknowledged.begin(), report.acknowledged.end(),
                         [&](const synth::AcknowledgedWrite& w) { return w.server_port == port; });
  };
  EXPECT_GE(by(primary_port), 2) << told;
  EXPECT_GE(by(standby_port), 2) << told;
  expect_no_unit_on_two_incidents(standby_http);
  standby.stop(SIGTERM);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace siaga::server::failover_drill_test
