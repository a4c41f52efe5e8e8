// The whole system once, as a drill: a real broker, `siaga serve`'s Service, and the fleet
// simulator answering dispatches as crews do. A call is created over HTTP, its plan dispatched;
// the simulated ambulance drives its real route there, and the engine turns it en_route and then
// on_scene from its GPS alone; the call is closed, the ambulance drives home and becomes
// available there, again from GPS alone. Then `siaga drill`'s library: calls at a rate through
// the same server and broker, each reached, closed and in the server's report; and a drill
// against a server that is not there says so.
#include "siaga/synth/drill.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "broker_fixture.h"
#include "drill_calls.h"
#include "siaga/dispatch/coverage.h"
#include "siaga/server/service.h"
#include "siaga/synth/fleet_sim.h"
#include "test_support.h"

namespace siaga::server::drill_test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A real broker and `siaga serve`'s Service on it with the sample fleet, in a fresh state folder.
struct Stack {
  tracking::Fleet fleet =
      tracking::load_fleet(test::source_dir / "geodata/ambon/fleet-sample.json");
  test::TestBroker broker;
  fs::path state;
  std::unique_ptr<Service> service;

  explicit Stack(const std::string& name)
      : broker(name, fleet), state(test::fresh_directory(name + "-state")) {
    ServiceOptions options;
    options.data = dispatch::resolve_paths({}, {}, {});
    options.fleet_file = test::source_dir / "geodata/ambon/fleet-sample.json";
    options.store.state_dir = state;
    options.mqtt = broker.client(name + "-engine", engine_user);
    options.http.port = 0;
    service = std::make_unique<Service>(options);
    service->start();
  }
  ~Stack() {
    service->stop();
    service.reset();
    fs::remove_all(state);
  }
};

TEST(Drill, ASimulatedCrewIsOnSceneAndBackHomeFromItsGpsAlone) {
  Stack stack("drill");
  const tracking::Fleet& fleet = stack.fleet;
  test::TestBroker& broker = stack.broker;
  Service& service = *stack.service;

  synth::FleetSimOptions crews;
  crews.mqtt = broker.client("drill-crews", simulator_user);
  crews.units = fleet.units.size();
  crews.duration_s = 0;
  crews.respond = true;
  std::atomic<bool> stop{false};
  synth::FleetSimReport report;
  std::thread simulator(
      [&] { report = synth::run_fleet_sim(test::ambon().network, fleet, crews, stop); });
  const auto every_unit_seen = [&] {
    for (const auto& unit : service.store().units(tracking::now_ms()))
      if (!unit.fix) return false;
    return true;
  };
  ASSERT_TRUE(test::eventually(every_unit_seen, 30s));

  // A collapse about 150 m east of the PSC 119 station: its ambulance is the nearest.
  const geodata::LatLon station = fleet.find("AMB-09")->home;
  const geodata::LatLon place{station.lat,
                              station.lon + 150 / (111'320 * std::cos(station.lat * M_PI / 180))};
  httplib::Client http("127.0.0.1", service.http_port());
  const auto created = http.Post(
      "/v1/incidents", Json{{"lat", place.lat}, {"lon", place.lon}, {"class", "medical"}}.dump(),
      "application/json");
  ASSERT_TRUE(created && created->status == 201) << (created ? created->body : "no answer");
  const std::string id = Json::parse(created->body)["id"];
  const auto plan =
      http.Post(("/v1/incidents/" + id + "/recommend").c_str(), "{}", "application/json");
  const Json unit_ids = Json::parse(plan->body)["unit_ids"];
  ASSERT_EQ(unit_ids.size(), 1u) << plan->body;
  const std::string unit = unit_ids[0];
  const auto sent = http.Post(("/v1/incidents/" + id + "/units").c_str(),
                              Json{{"unit_ids", unit_ids}}.dump(), "application/json");
  ASSERT_TRUE(sent && sent->status == 200) << (sent ? sent->body : "no answer");

  const auto incident = [&] { return *service.incidents().get(id); };
  ASSERT_TRUE(test::eventually(
      [&] { return incident().status == tracking::IncidentStatus::on_scene; }, 150s))
      << unit << " never arrived; it is "
      << service.store().unit(unit, tracking::now_ms())->status_seq;
  const tracking::UnitAssignment arrived = incident().units.at(0);
  EXPECT_TRUE(arrived.en_route_auto);
  EXPECT_TRUE(arrived.on_scene_auto);
  EXPECT_LT(arrived.dispatched_ms, arrived.en_route_ms);
  EXPECT_LT(arrived.en_route_ms, arrived.on_scene_ms);

  const auto closed =
      http.Post(("/v1/incidents/" + id + "/close").c_str(), "{}", "application/json");
  ASSERT_TRUE(closed && closed->status == 200);
  EXPECT_EQ(service.store().unit(unit, tracking::now_ms())->status,
            tracking::UnitStatus::returning);
  EXPECT_TRUE(test::eventually(
      [&] {
        return service.store().unit(unit, tracking::now_ms())->status ==
               tracking::UnitStatus::available;
      },
      150s))
      << unit << " never came home";
  stop = true;
  simulator.join();
  EXPECT_EQ(report.missions, 1u);
}

TEST(Drill, CallsAtARateAreReachedClosedAndInTheServersReport) {
  Stack stack("drill-rate");
  const tracking::Fleet& fleet = stack.fleet;
  Service& service = *stack.service;

  const test::NearbyCalls calls = test::nearby_calls(fleet);
  ASSERT_GT(calls.places.segments[0].size(), 10u);
  synth::DrillOptions drill;
  drill.server_port = service.http_port();
  drill.crews.mqtt = stack.broker.client("drill-rate-crews", simulator_user);
  drill.minutes = 0.35;
  drill.calls_per_minute = 6;
  drill.scene_seconds = 3;
  drill.settle_seconds = 150;
  drill.seed = 4;
  const std::atomic<bool> stop{false};
  const synth::DrillReport report = synth::run_drill(
      test::ambon().network, fleet, calls.stream, calls.places, calls.ground.segments, drill, stop);
  EXPECT_TRUE(report.problems.empty()) << synth::drill_json(report).dump(2);
  ASSERT_GE(report.created, 1u);
  EXPECT_EQ(report.dispatched + report.no_unit, report.created);
  // Calls near the stations are reached within the settling time; one whose nearest ambulance
  // was busy may have to wait for one from farther away, and is cancelled when time runs out.
  EXPECT_GE(report.reached_scene, 1u) << synth::drill_json(report).dump(2);
  EXPECT_EQ(report.reached_scene + report.cancelled, report.created)
      << synth::drill_json(report).dump(2);
  EXPECT_EQ(report.closed, report.reached_scene);
  EXPECT_EQ(report.http_errors, 0u);
  EXPECT_GE(report.crews.missions, report.dispatched);
  ASSERT_TRUE(report.report.is_object());
  EXPECT_EQ(report.report["calls"].get<size_t>(), report.created);
  EXPECT_EQ(report.report["intervals"]["response"]["count"].get<size_t>(), report.reached_scene);
  // The server's history agrees: every drill call closed or cancelled, none left open.
  for (const auto& [status, count] : service.incidents().open_by_status())
    EXPECT_EQ(count, 0u) << status;
}

// The broker dies during the drill and comes back ten seconds later: the drill goes on over
// HTTP, every call is reached or cancelled, and whatever the crews could not send is said.
TEST(Drill, ADrillThatLosesItsBrokerKeepsGoingAndSaysWhatItCouldNotSend) {
  Stack stack("drill-broker");
  const test::NearbyCalls calls = test::nearby_calls(stack.fleet);
  synth::DrillOptions drill;
  drill.server_port = stack.service->http_port();
  drill.crews.mqtt = stack.broker.client("drill-broker-crews", simulator_user);
  drill.minutes = 0.3;
  drill.calls_per_minute = 6;
  drill.scene_seconds = 3;
  drill.settle_seconds = 60;
  drill.seed = 9;
  const std::atomic<bool> stop{false};
  std::thread outage([&] {
    std::this_thread::sleep_for(10s);
    stack.broker.kill();
    std::this_thread::sleep_for(10s);
    stack.broker.start();
  });
  const synth::DrillReport report =
      synth::run_drill(test::ambon().network, stack.fleet, calls.stream, calls.places,
                       calls.ground.segments, drill, stop);
  outage.join();
  const std::string told = synth::drill_json(report).dump(2);
  EXPECT_GE(report.created, 1u) << told;
  EXPECT_EQ(report.reached_scene + report.cancelled, report.created) << told;
  EXPECT_EQ(report.http_errors, 0u) << told;
  ASSERT_TRUE(report.report.is_object()) << told;
  EXPECT_EQ(report.report["calls"].get<size_t>(), report.created);
  EXPECT_GT(report.crews.fixes, 0u);
  const bool lost_something = !report.crews.all_acknowledged || report.crews.dropped_offline > 0;
  EXPECT_EQ(lost_something, !report.problems.empty()) << told;
}

TEST(Drill, AServerThatIsNotThereIsSaidAndTheDrillDoesNotStart) {
  const tracking::Fleet fleet =
      tracking::load_fleet(test::source_dir / "geodata/ambon/fleet-sample.json");
  const test::NearbyCalls calls = test::nearby_calls(fleet);
  synth::DrillOptions drill;
  drill.server_port = 9;  // discard: nobody listens there
  drill.run_crews = false;
  const std::atomic<bool> stop{false};
  try {
    synth::run_drill(test::ambon().network, fleet, calls.stream, calls.places,
                     calls.ground.segments, drill, stop);
    FAIL() << "a drill started against no server";
  } catch (const synth::DrillError& error) {
    EXPECT_NE(std::string(error.what()).find("does not answer /health"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace siaga::server::drill_test
