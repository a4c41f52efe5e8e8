// A hot-standby pair on a real broker: two `siaga serve` Services, each with its own MQTT session
// and state folder. What the primary acknowledged is on the standby, whose copy is compared with
// the primary's own, field by field; the standby answers reads and refuses writes; promotion is
// refused while the primary answers, and the old primary, back after the failover, is fenced.
#include <gtest/gtest.h>
#include <httplib.h>
#include <siaga.pb.h>

#include "broker_fixture.h"
#include "siaga/server/service.h"
#include "test_support.h"

namespace siaga::server::standby_test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Instance {
  fs::path state;
  std::unique_ptr<Service> service;
  std::unique_ptr<httplib::Client> http;

  Instance(const test::TestBroker& broker, const std::string& name, bool replicate,
           const std::string& standby_of)
      : state(test::fresh_directory(name)) {
    ServiceOptions options;
    options.data = dispatch::resolve_paths({}, {}, {});
    options.fleet_file = test::source_dir / "geodata/ambon/fleet-sample.json";
    const fs::path hazards[] = {test::source_dir / "geodata/ambon/hazards-illustrative.geojson"};
    options.layers = geodata::read_server_layers(hazards, options.data.osm);
    options.store.state_dir = state;
    options.mqtt = broker.client(name, engine_user);
    options.replicate = replicate;
    options.standby_of = standby_of;
    options.http.port = 0;
    service = std::make_unique<Service>(options);
    service->start();
    http = std::make_unique<httplib::Client>("127.0.0.1", service->http_port());
  }
  ~Instance() {
    service.reset();
    fs::remove_all(state);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(service->http_port()); }
  Json status() {
    const auto answer = http->Get("/v1/replica/status");
    return answer ? Json::parse(answer->body) : Json();
  }
  httplib::Result post(const std::string& path, const Json& body) {
    return http->Post(path, body.dump(), "application/json");
  }
};

// Every unit reporting from home over the broker, as trackers do, so that both engines see them.
void report_from_home(const test::TestBroker& broker, const tracking::Fleet& fleet) {
  mqtt::Client trackers(broker.client("standby-trackers", simulator_user));
  trackers.start();
  ASSERT_TRUE(trackers.wait_connected(5s));
  const int64_t now = tracking::now_ms();
  for (const tracking::Unit& unit : fleet.units) {
    v1::Fix fix;
    fix.set_unit_id(unit.id);
    fix.set_seq(1);
    fix.set_time_ms(now);
    fix.set_lat(unit.home.lat);
    fix.set_lon(unit.home.lon);
    fix.set_accuracy_m(5);
    trackers.publish(mqtt::fix_topic(unit.id), fix.SerializeAsString());
  }
  ASSERT_TRUE(trackers.wait_acknowledged(5s));
  trackers.stop();
}

// The incident as both sides keep it, compared whole: fields, units with their times, events
// with their seqs.
void expect_same(const tracking::Incident& a, const tracking::Incident& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.created_ms, b.created_ms);
  EXPECT_EQ(a.location.road, b.location.road);
  EXPECT_EQ(a.idempotency_key, b.idempotency_key);
  ASSERT_EQ(a.units.size(), b.units.size()) << a.id;
  for (size_t i = 0; i < a.units.size(); ++i) {
    EXPECT_EQ(a.units[i].unit_id, b.units[i].unit_id);
    EXPECT_EQ(a.units[i].dispatched_ms, b.units[i].dispatched_ms);
    EXPECT_EQ(a.units[i].cleared_ms, b.units[i].cleared_ms);
  }
  ASSERT_EQ(a.events.size(), b.events.size()) << a.id;
  for (size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_EQ(a.events[i].seq, b.events[i].seq);
    EXPECT_EQ(a.events[i].kind, b.events[i].kind);
    EXPECT_EQ(a.events[i].text, b.events[i].text);
  }
}

const tracking::Fleet& sample_fleet() {
  static const tracking::Fleet fleet =
      tracking::load_fleet(test::source_dir / "geodata/ambon/fleet-sample.json");
  return fleet;
}

Json call_at(const tracking::Unit& unit, const std::string& incident_class) {
  return {{"lat", unit.home.lat + 0.002}, {"lon", unit.home.lon}, {"class", incident_class}};
}

TEST(Standby, KeepsWhatThePrimaryAcknowledgedAnswersReadsAndRefusesWrites) {
  const tracking::Fleet& fleet = sample_fleet();
  test::TestBroker broker("standby", fleet);
  Instance primary(broker, "standby-primary", true, "");
  // A call before the standby exists: it comes with the snapshot.
  ASSERT_TRUE(test::eventually([&] { return primary.status().value("settling", false) == false; }));
  const auto early = primary.post("/v1/incidents", call_at(fleet.units[0], "medical"));
  ASSERT_TRUE(early && early->status == 201) << (early ? early->body : "no answer");
  EXPECT_EQ(early->get_header_value("Siaga-Replicated"), "yes");

  Instance standby(broker, "standby-standby", false, primary.url());
  ASSERT_TRUE(test::eventually([&] { return standby.status().value("in_sync", false); }));
  report_from_home(broker, fleet);
  ASSERT_TRUE(test::eventually([&] {
    const auto unit = standby.service->store().unit(fleet.units[3].id, tracking::now_ms());
    return unit && unit->fix;
  }));

  // Calls, a dispatch, a note, a close: each acknowledged only once replicated.
  std::vector<std::string> ids = {Json::parse(early->body)["id"]};
  for (int i = 1; i <= 3; ++i) {
    const auto created = primary.http->Post(
        "/v1/incidents", {{"Idempotency-Key", "call-" + std::to_string(i)}},
        call_at(fleet.units[static_cast<size_t>(i) * 3], "medical").dump(), "application/json");
    ASSERT_TRUE(created && created->status == 201);
    EXPECT_EQ(created->get_header_value("Siaga-Replicated"), "yes");
    ids.push_back(Json::parse(created->body)["id"]);
  }
  const std::string sent_unit = fleet.units[3].id;
  const auto sent = primary.post("/v1/incidents/" + ids[1] + "/units", {{"unit_id", sent_unit}});
  ASSERT_TRUE(sent && sent->status == 200) << (sent ? sent->body : "no answer");
  EXPECT_EQ(sent->get_header_value("Siaga-Replicated"), "yes");
  ASSERT_EQ(primary.post("/v1/incidents/" + ids[2] + "/events", {{"kind", "note"}, {"text", "x"}})
                ->status,
            200);
  ASSERT_EQ(primary.post("/v1/incidents/" + ids[3] + "/close", {{"cancel", true}})->status, 200);

  // Acknowledged means with the broker; the standby applies it a moment later.
  for (const std::string& id : ids) {
    ASSERT_TRUE(test::eventually([&] {
      return standby.service->incidents().version_of(id) ==
             primary.service->incidents().version_of(id);
    })) << id;
    expect_same(*primary.service->incidents().get(id), *standby.service->incidents().get(id));
  }
  const auto unit_there = standby.service->store().unit(sent_unit, tracking::now_ms());
  EXPECT_EQ(unit_there->status, tracking::UnitStatus::dispatched);
  EXPECT_EQ(unit_there->incident_id, ids[1]);
  EXPECT_EQ(unit_there->status_seq,
            primary.service->store().unit(sent_unit, tracking::now_ms())->status_seq);

  // Reads answer on the standby; writes are refused, naming the primary.
  EXPECT_EQ(standby.http->Get("/v1/incidents/" + ids[1])->status, 200);
  const auto ranked = standby.post(
      "/v1/recommend",
      {{"lat", fleet.units[0].home.lat}, {"lon", fleet.units[0].home.lon}, {"type", "medical"}});
  ASSERT_EQ(ranked->status, 200) << ranked->body;
  const Json ranking = Json::parse(ranked->body);
  for (const Json& unit : ranking["recommended"])
    EXPECT_NE(unit["unit_id"], sent_unit) << "a dispatched unit recommended on the standby";
  const auto refused = standby.post("/v1/incidents", call_at(fleet.units[0], "fire"));
  ASSERT_EQ(refused->status, 503);
  EXPECT_NE(refused->body.find(primary.url()), std::string::npos) << refused->body;
  EXPECT_EQ(Json::parse(refused->body)["role"], "standby");
  // A hazard toggled over HTTP on the primary is switched on the standby too.
  const Json zones = Json::parse(primary.http->Get("/v1/hazards")->body);
  ASSERT_FALSE(zones["features"].empty());
  const std::string zone = zones["features"][0]["properties"]["id"];
  ASSERT_EQ(primary.post("/v1/hazards/" + zone + "/activate", Json::object())->status, 200);
  EXPECT_TRUE(test::eventually([&] {
    const Json there = Json::parse(standby.http->Get("/v1/hazards")->body);
    for (const Json& feature : there["features"])
      if (feature["properties"]["id"] == zone) return feature["properties"]["active"] == true;
    return false;
  }));

  // Garbage on the feed (only the engine's credentials may publish there): counted, not applied.
  mqtt::Client intruder(broker.client("standby-garbage", engine_user));
  intruder.start();
  ASSERT_TRUE(intruder.wait_connected(5s));
  intruder.publish(mqtt::Topics{}.replica("incident"), "not protobuf at all \xff\xff");
  v1::IncidentReplica unknown_class;
  unknown_class.set_id("112-2026-999999");
  unknown_class.set_incident_class("tsunami");
  unknown_class.set_status("new");
  unknown_class.set_call_type("emergency");
  intruder.publish(mqtt::Topics{}.replica("incident"), unknown_class.SerializeAsString());
  ASSERT_TRUE(intruder.wait_acknowledged(5s));
  EXPECT_TRUE(test::eventually([&] { return standby.status()["apply_failures"] == 2; }))
      << standby.status().dump();
  EXPECT_FALSE(standby.service->incidents().get("112-2026-999999"));
  intruder.stop();

  const Json status = standby.status();
  EXPECT_GE(status["applied"]["incidents"].get<int>(), 5) << status.dump();
  EXPECT_GT(status["lag_ms"]["count"].get<int>(), 0);
}

TEST(Standby, PromotionIsRefusedWhileThePrimaryAnswersAndTheOldPrimaryIsFencedAfter) {
  const tracking::Fleet& fleet = sample_fleet();
  test::TestBroker broker("promote", fleet);
  auto primary = std::make_unique<Instance>(broker, "promote-primary", true, "");
  const fs::path primary_state = primary->state;
  Instance standby(broker, "promote-standby", false, primary->url());
  ASSERT_TRUE(test::eventually([&] { return standby.status().value("in_sync", false); }));
  ASSERT_TRUE(
      test::eventually([&] { return primary->status().value("settling", false) == false; }));
  const auto created =
      primary->http->Post("/v1/incidents", {{"Idempotency-Key", "before"}},
                          call_at(fleet.units[0], "medical").dump(), "application/json");
  ASSERT_EQ(created->status, 201);
  const std::string first_id = Json::parse(created->body)["id"];

  const auto too_early = standby.post("/v1/admin/promote", Json::object());
  ASSERT_EQ(too_early->status, 409) << too_early->body;
  EXPECT_EQ(standby.status()["role"], "standby");

  // The primary killed between a dispatch's unit status and its incident record: the standby has
  // the unit dispatched to a call that does not list it.
  const std::string stranded = fleet.units[5].id;
  const uint64_t seq = standby.service->store().unit(stranded, tracking::now_ms())->status_seq + 1;
  mqtt::Client feed(broker.client("promote-feed", engine_user));
  feed.start();
  ASSERT_TRUE(feed.wait_connected(5s));
  v1::UnitReplica half_dispatch;
  half_dispatch.set_unit_id(stranded);
  half_dispatch.set_seq(seq);
  half_dispatch.set_status("dispatched");
  half_dispatch.set_incident_id(first_id);
  half_dispatch.set_time_ms(tracking::now_ms());
  feed.publish(mqtt::Topics{}.replica("unit"), half_dispatch.SerializeAsString());
  ASSERT_TRUE(feed.wait_acknowledged(5s));
  feed.stop();
  ASSERT_TRUE(test::eventually([&] {
    return standby.service->store().unit(stranded, tracking::now_ms())->status ==
           tracking::UnitStatus::dispatched;
  }));

  // The primary goes away (its state folder kept, as after a crash); now promotion goes through.
  primary->service.reset();
  const auto promoted = standby.post("/v1/admin/promote", Json::object());
  ASSERT_EQ(promoted->status, 200) << promoted->body;
  EXPECT_EQ(Json::parse(promoted->body)["epoch"], 1);
  const auto second = standby.post("/v1/admin/promote", Json::object());
  EXPECT_EQ(second->status, 409) << "promoted twice";

  // The new primary takes writes; a retried create of the old primary's call is not a new call.
  const auto retried =
      standby.http->Post("/v1/incidents", {{"Idempotency-Key", "before"}},
                         call_at(fleet.units[0], "medical").dump(), "application/json");
  ASSERT_EQ(retried->status, 200) << retried->body;
  EXPECT_EQ(Json::parse(retried->body)["id"], first_id);
  const auto fresh = standby.post("/v1/incidents", call_at(fleet.units[1], "fire"));
  ASSERT_EQ(fresh->status, 201) << fresh->body;
  EXPECT_GT(Json::parse(fresh->body)["id"].get<std::string>(), first_id);
  // The stranded unit is free again, and can be sent.
  EXPECT_EQ(standby.service->store().unit(stranded, tracking::now_ms())->status,
            tracking::UnitStatus::available);
  const std::string fresh_id = Json::parse(fresh->body)["id"];
  EXPECT_EQ(standby.post("/v1/incidents/" + fresh_id + "/units", {{"unit_id", stranded}})->status,
            200);

  // The old primary restarted as it was, on its own state: the broker's retained claim fences
  // it before it takes a single write.
  ServiceOptions again;
  again.data = dispatch::resolve_paths({}, {}, {});
  again.fleet_file = test::source_dir / "geodata/ambon/fleet-sample.json";
  again.store.state_dir = primary_state;
  again.mqtt = broker.client("promote-primary", engine_user);
  again.replicate = true;
  again.http.port = 0;
  Service old_primary(again);
  old_primary.start();
  httplib::Client old_http("127.0.0.1", old_primary.http_port());
  const auto status = [&] { return Json::parse(old_http.Get("/v1/replica/status")->body); };
  ASSERT_TRUE(test::eventually([&] { return status()["role"] == "fenced"; })) << status().dump();
  const auto refused =
      old_http.Post("/v1/incidents", call_at(fleet.units[2], "medical").dump(), "application/json");
  ASSERT_EQ(refused->status, 503);
  EXPECT_NE(refused->body.find("no longer the primary"), std::string::npos) << refused->body;
  old_primary.stop();
}

}  // namespace
}  // namespace siaga::server::standby_test
