// `siaga serve`'s Service through a real Mosquitto broker: every durable change of an incident is
// published on siaga/v1/events/incident, a unit sent also on siaga/v1/events/dispatch for the
// crew's device; the crew's own status over MQTT is recorded on its incident; /metrics counts
// the open incidents and the intervals; the history outlives a restart.
#include "siaga/server/service.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <siaga.pb.h>

#include <fstream>
#include <mutex>

#include "broker_fixture.h"
#include "siaga/mqtt/topics.h"
#include "siaga/server/broker_credentials.h"
#include "test_support.h"

namespace siaga::server::service_test {
namespace {

namespace fs = std::filesystem;

ServiceOptions options_for(const test::TestBroker& broker, const fs::path& state) {
  ServiceOptions options;
  options.data = dispatch::resolve_paths({}, {}, {});
  options.fleet_file = test::source_dir / "geodata/ambon/fleet-sample.json";
  options.kecamatan_seats_file = test::source_dir / "geodata/ambon/kecamatan-seats.json";
  options.store.state_dir = state;
  options.mqtt = broker.client("service-engine", engine_user);
  options.http.port = 0;
  return options;
}

struct Heard {
  std::mutex mutex;
  std::vector<v1::IncidentEvent> incident;
  std::vector<v1::DispatchEvent> dispatch;
};

TEST(Service, IncidentChangesAreToldOnMqttAndCrewStatusesRecorded) {
  const tracking::Fleet fleet =
      tracking::load_fleet(test::source_dir / "geodata/ambon/fleet-sample.json");
  test::TestBroker broker("service", fleet);
  const fs::path state = test::fresh_directory("service-state");
  Heard heard;
  mqtt::Client listener(broker.client("service-listener", engine_user),
                        [&](std::string_view topic, std::string_view payload) {
                          std::lock_guard lock(heard.mutex);
                          if (topic == mqtt::event_topic("incident")) {
                            heard.incident.emplace_back().ParseFromArray(
                                payload.data(), static_cast<int>(payload.size()));
                          } else if (topic == mqtt::event_topic("dispatch")) {
                            heard.dispatch.emplace_back().ParseFromArray(
                                payload.data(), static_cast<int>(payload.size()));
                          }
                        });
  listener.subscribe("siaga/v1/events/#");
  listener.start();
  ASSERT_TRUE(listener.wait_connected(std::chrono::seconds(10)));
  std::string id;
  {
    Service service(options_for(broker, state));
    service.start();
    httplib::Client http("127.0.0.1", service.http_port());
    // The engine's first session: until its subscriptions are acknowledged, a status published
    // now would not be queued for it (/health says mqtt_connected only once they are).
    ASSERT_TRUE(test::eventually([&] {
      const auto health = http.Get("/health");
      return health && Json::parse(health->body).value("mqtt_connected", false);
    })) << "the engine never connected to the broker";
    const auto created =
        http.Post("/v1/incidents", R"({"lat": -3.6930, "lon": 128.1820, "class": "medical"})",
                  "application/json");
    ASSERT_TRUE(created);
    ASSERT_EQ(created->status, 201) << created->body;
    id = Json::parse(created->body)["id"];
    const auto sent = http.Post(("/v1/incidents/" + id + "/units").c_str(),
                                R"({"unit_id": "AMB-01"})", "application/json");
    ASSERT_TRUE(sent);
    ASSERT_EQ(sent->status, 200) << sent->body;

    // The crew says it is on its way, as its app does.
    mqtt::Client crew(broker.client("service-crew", "AMB-01"));
    crew.start();
    ASSERT_TRUE(crew.wait_connected(std::chrono::seconds(10)));
    const uint64_t seq = service.store().unit("AMB-01", tracking::now_ms())->status_seq + 1;
    v1::StatusChange change;
    change.set_unit_id("AMB-01");
    change.set_seq(seq);
    change.set_status("en_route");
    change.set_incident_id(id);
    change.set_time_ms(tracking::now_ms());
    crew.publish(mqtt::status_topic("AMB-01"), change.SerializeAsString());
    ASSERT_TRUE(test::eventually([&] {
      const auto incident = service.incidents().get(id);
      return incident && incident->units.size() == 1 && incident->units[0].en_route_ms != 0;
    })) << "the crew's status never reached the incident";
    EXPECT_FALSE(service.incidents().get(id)->units[0].en_route_auto);
    crew.stop();

    ASSERT_TRUE(test::eventually([&] {
      std::lock_guard lock(heard.mutex);
      return heard.incident.size() >= 3 && !heard.dispatch.empty();
    })) << "events not heard";
    {
      std::lock_guard lock(heard.mutex);
      EXPECT_EQ(heard.incident[0].kind(), "created");
      EXPECT_EQ(heard.incident[0].incident_id(), id);
      EXPECT_EQ(heard.incident[1].kind(), "unit_dispatched");
      EXPECT_EQ(heard.incident[1].unit_id(), "AMB-01");
      EXPECT_EQ(heard.incident[1].status(), "dispatched");
      EXPECT_EQ(heard.incident[2].kind(), "unit_status");
      EXPECT_EQ(heard.dispatch[0].unit_id(), "AMB-01");
      EXPECT_EQ(heard.dispatch[0].incident_id(), id);
      EXPECT_EQ(heard.dispatch[0].incident_type(), "medical");
    }
    const auto metrics = http.Get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_NE(metrics->body.find("siaga_incidents_open{status=\"dispatched\"} 1"),
              std::string::npos);
    EXPECT_NE(metrics->body.find("siaga_response_interval_seconds_count{class=\"medical\","
                                 "interval=\"turnout\"} 1"),
              std::string::npos)
        << metrics->body;
    service.stop();
  }
  // A restarted server has the history, and follows the unit again.
  Service again(options_for(broker, state));
  const auto incident = again.incidents().get(id);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->status, tracking::IncidentStatus::dispatched);
  EXPECT_EQ(again.store().unit("AMB-01", tracking::now_ms())->status,
            tracking::UnitStatus::en_route);
  listener.stop();
  fs::remove_all(state);
}

// A real extract has none of the facilities the default scenario's stations come from: the
// server still starts, says so, answers live coverage with 503, and finds places by name.
TEST(Service, AScenarioTheMapCannotHoldTurnsLiveCoverageOffNotTheServer) {
  const fs::path state = test::fresh_directory("service-no-coverage");
  const fs::path scenario = state / "scenario.json";
  {
    std::ofstream out(scenario);
    out << R"({"name": "x", "stations": [{"facilities": "bakery", "unit_types": ["ambulance"]}],
               "targets": [], "demand": {"road_class_weights": {"residential": 1}}})";
  }
  ServiceOptions options;
  options.data = dispatch::resolve_paths({}, {}, {});
  options.fleet_file = test::source_dir / "geodata/ambon/fleet-sample.json";
  options.coverage_scenario_file = scenario;
  options.store.state_dir = state;
  options.http.port = 0;
  std::vector<std::string> told;
  options.log = [&](const std::string& line) { told.push_back(line); };
  Service service(options);
  service.start();
  ASSERT_EQ(told.size(), 1u);
  EXPECT_NE(told[0].find("live coverage and move-ups are off"), std::string::npos) << told[0];
  httplib::Client http("127.0.0.1", service.http_port());
  const auto live = http.Get("/v1/coverage/live");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->status, 503);
  const auto places = http.Get("/v1/places?q=rs%20haulussy");
  ASSERT_TRUE(places);
  EXPECT_EQ(places->status, 200);
  EXPECT_NE(places->body.find("Haulussy"), std::string::npos);
  service.stop();
  fs::remove_all(state);
}

}  // namespace
}  // namespace siaga::server::service_test
