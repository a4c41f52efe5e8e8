// The whole system once, as a drill: a real broker, `siaga serve`'s Service, and the fleet
// simulator answering dispatches as crews do. A call is created over HTTP, its plan dispatched;
// the simulated ambulance drives its real route there, and the engine turns it en_route and then
// on_scene from its GPS alone; the call is closed, the ambulance drives home and becomes
// available there, again from GPS alone.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "broker_fixture.h"
#include "siaga/server/service.h"
#include "siaga/synth/fleet_sim.h"
#include "test_support.h"

namespace siaga::server {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
const fs::path source_dir = SIAGA_SOURCE_DIR;

TEST(Drill, ASimulatedCrewIsOnSceneAndBackHomeFromItsGpsAlone) {
  const tracking::Fleet fleet =
      tracking::load_fleet(source_dir / "geodata/ambon/fleet-sample.json");
  test::TestBroker broker("drill", fleet);
  const fs::path state = test::fresh_directory("drill-state");
  ServiceOptions options;
  options.data = dispatch::resolve_paths({}, {}, {});
  options.fleet_file = source_dir / "geodata/ambon/fleet-sample.json";
  options.store.state_dir = state;
  options.mqtt = broker.client("drill-engine", engine_user);
  options.http.port = 0;
  Service service(options);
  service.start();

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
  service.stop();
  fs::remove_all(state);
}

}  // namespace
}  // namespace siaga::server
