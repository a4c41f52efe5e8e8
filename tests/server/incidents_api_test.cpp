// The incidents over HTTP on loopback: a call from the first ring to closed, retries that never
// make two incidents, a unit that cannot be on two calls, callers' numbers for token holders
// only, every error with its status, and the events on MQTT through a real broker.
#include "siaga/server/incidents_api.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <siaga.pb.h>

#include <mutex>

#include "broker_fixture.h"
#include "siaga/dispatch/area_labels.h"
#include "siaga/dispatch/dataset.h"
#include "siaga/mqtt/client.h"
#include "siaga/server/http_server.h"
#include "test_support.h"

namespace siaga::server::incidents_api_test {
namespace {

namespace fs = std::filesystem;
const std::string token = "a-token-of-the-control-room";

// `siaga serve`'s parts on the schematic island, the sample fleet reporting from home, the
// incidents in memory, served on a free port.
struct Served {
  const geodata::RoadNetwork& network = test::ambon().network;
  geodata::Snapper snapper{network};
  routing::LiveMetrics live{network, test::ambon_cch(),
                            routing::load_profiles(dispatch::default_profiles_file()),
                            geodata::overlay_hazards(network, {})};
  std::vector<dispatch::IncidentClass> classes =
      dispatch::load_incident_classes(dispatch::default_incident_types_file(), live.profiles());
  std::vector<dispatch::ResponsePlan> plans = dispatch::load_response_plans(
      dispatch::default_response_plans_file(), classes, live.profiles());
  tracking::TrackingStore store{
      tracking::load_fleet(test::source_dir / "geodata/ambon/fleet-sample.json"), network};
  tracking::IncidentStore incidents{{}};
  routing::QueryPool queries{test::ambon_cch()};
  dispatch::AreaLabels areas{{}, {}, test::source_dir / "geodata/ambon/kecamatan-seats.json"};
  dispatch::DispatchContext context{network, snapper, live, classes};
  dispatch::IncidentDesk desk{context, store, incidents, queries, plans, desk_options()};
  Api api{network, snapper, live, store, classes, queries, {}};
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<httplib::Client> client;
  std::string authorization;  // sent with every request when set

  dispatch::DeskOptions desk_options() {
    dispatch::DeskOptions options;
    options.kecamatan_of = [this](geodata::LatLon at) { return areas.kecamatan(at); };
    return options;
  }

  explicit Served(bool with_tokens = false) {
    const int64_t now = tracking::now_ms();
    for (const tracking::Unit& unit : store.fleet().units) {
      EXPECT_TRUE(
          store.submit_fix({unit.id, 1, now - 1000, unit.home.lat, unit.home.lon, 0, 0, 5, {}}, now)
              .accepted);
    }
    api.desk = &desk;
    api.incidents = &incidents;
    HttpOptions options;
    options.port = 0;
    if (with_tokens) options.tokens = {{"operator-ani", token}};
    server = std::make_unique<HttpServer>(api, options);
    server->start();
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
  }

  httplib::Headers headers(const std::string& idempotency_key = "") const {
    httplib::Headers out;
    if (!authorization.empty()) out.emplace("Authorization", authorization);
    if (!idempotency_key.empty()) out.emplace("Idempotency-Key", idempotency_key);
    return out;
  }
  std::pair<int, Json> get(const std::string& path) {
    const auto result = client->Get(path.c_str(), headers());
    if (!result) return {0, {}};
    return {result->status, Json::parse(result->body, nullptr, false)};
  }
  std::pair<int, Json> post(const std::string& path, const Json& body,
                            const std::string& key = "") {
    const auto result = client->Post(path.c_str(), headers(key), body.dump(), "application/json");
    if (!result) return {0, {}};
    return {result->status, Json::parse(result->body, nullptr, false)};
  }
  std::string create(const std::string& incident_class, double lat, double lon) {
    const auto [status, body] =
        post("/v1/incidents", {{"lat", lat}, {"lon", lon}, {"class", incident_class}});
    EXPECT_EQ(status, 201) << body.dump();
    return body.value("id", "");
  }
};

TEST(HttpIncidents, ACallGoesFromTheFirstRingToClosed) {
  Served served;
  const auto [created, incident] =
      served.post("/v1/incidents", {{"lat", -3.6930},
                                    {"lon", 128.1820},
                                    {"class", "medical"},
                                    {"caller", "0811 4700 112"},
                                    {"note", "an old man collapsed at the market"}});
  ASSERT_EQ(created, 201) << incident.dump();
  const std::string id = incident["id"];
  EXPECT_EQ(id.substr(0, 4), "112-");
  EXPECT_EQ(incident["status"], "new");
  EXPECT_EQ(incident["location"]["kecamatan"], "Sirimau");
  EXPECT_FALSE(incident["location"]["road"].get<std::string>().empty());
  EXPECT_EQ(incident["events"].size(), 2u) << "created, and the call taker's note";

  const auto [recommended, plan] =
      served.post("/v1/incidents/" + id + "/recommend", Json::object());
  ASSERT_EQ(recommended, 200) << plan.dump();
  ASSERT_EQ(plan["unit_ids"].size(), 1u);
  EXPECT_EQ(plan["slots"][0]["unit_type"], "ambulance");
  EXPECT_TRUE(plan["complete"]);
  const std::string unit = plan["unit_ids"][0];

  const auto [sent, after] =
      served.post("/v1/incidents/" + id + "/units", {{"unit_ids", plan["unit_ids"]}});
  ASSERT_EQ(sent, 200) << after.dump();
  EXPECT_EQ(after["status"], "dispatched");
  EXPECT_EQ(after["dispatched"], Json::array({unit}));
  EXPECT_EQ(after["units"][0]["status"], "dispatched");
  EXPECT_EQ(after["units"][0]["first_eta_s"], plan["slots"][0]["units"][0]["eta_s"]);
  EXPECT_TRUE(after["units"][0]["eta"]["remaining_s"].is_number());
  EXPECT_EQ(served.store.unit(unit, tracking::now_ms())->incident_id, id);

  // The crew's steps through the console; the lifecycle refuses a skipped one.
  const auto step = [&](const char* status) {
    return served.post("/v1/incidents/" + id + "/events",
                       {{"kind", "unit_status"}, {"unit_id", unit}, {"status", status}});
  };
  EXPECT_EQ(step("transporting").first, 409);
  EXPECT_EQ(step("en_route").first, 200);
  const auto [arrived, on_scene] = step("on_scene");
  ASSERT_EQ(arrived, 200);
  EXPECT_EQ(on_scene["status"], "on_scene");
  EXPECT_TRUE(on_scene["units"][0]["times"]["on_scene_ms"].is_number());

  EXPECT_EQ(served
                .post("/v1/incidents/" + id + "/events",
                      {{"kind", "call_type"}, {"call_type", "emergency"}})
                .first,
            200);
  const auto [closed, final_state] =
      served.post("/v1/incidents/" + id + "/close", {{"note", "patient handed to family"}});
  ASSERT_EQ(closed, 200);
  EXPECT_EQ(final_state["status"], "closed");
  EXPECT_TRUE(final_state["units"][0]["times"]["cleared_ms"].is_number());
  EXPECT_EQ(served.store.unit(unit, tracking::now_ms())->status, tracking::UnitStatus::returning);
  EXPECT_EQ(served.post("/v1/incidents/" + id + "/units", {{"unit_id", "AMB-02"}}).first, 409);
  EXPECT_EQ(served.post("/v1/incidents/" + id + "/close", Json::object()).first, 409);

  const auto [listed, open] = served.get("/v1/incidents");
  ASSERT_EQ(listed, 200);
  EXPECT_EQ(open["count"], 0) << "closed calls are not open";
  EXPECT_EQ(served.get("/v1/incidents?status=all").second["count"], 1);
  EXPECT_EQ(served.get("/v1/incidents?status=all&from=2020-01-01&to=2099-12-31").second["count"],
            1);
  EXPECT_EQ(served.get("/v1/incidents?status=all&to=2020-01-01").second["count"], 0);
  EXPECT_EQ(served.get("/v1/incidents?from=tomorrow").first, 400);
}

TEST(HttpIncidents, ARetriedCreateWithTheSameIdempotencyKeyMakesOneIncident) {
  Served served;
  const Json call = {{"lat", -3.6400}, {"lon", 128.2520}, {"class", "fire"}};
  const auto [first, one] = served.post("/v1/incidents", call, "phone-0812-call-1");
  const auto [again, two] = served.post("/v1/incidents", call, "phone-0812-call-1");
  EXPECT_EQ(first, 201);
  EXPECT_EQ(again, 200);
  EXPECT_TRUE(two["replayed"]);
  EXPECT_EQ(one["id"], two["id"]);
  EXPECT_EQ(served.get("/v1/incidents").second["count"], 1);
}

TEST(HttpIncidents, AUnitBusyElsewhereIsRefusedWithItsIncident) {
  Served served;
  const std::string a = served.create("medical", -3.6930, 128.1820);
  const std::string b = served.create("medical", -3.6400, 128.2520);
  ASSERT_EQ(served.post("/v1/incidents/" + a + "/units", {{"unit_id", "AMB-01"}}).first, 200);
  const auto [status, body] = served.post("/v1/incidents/" + b + "/units", {{"unit_id", "AMB-01"}});
  EXPECT_EQ(status, 409);
  EXPECT_NE(body["error"].get<std::string>().find(a), std::string::npos) << body.dump();
  EXPECT_TRUE(served.incidents.get(b)->units.empty());
}

TEST(HttpIncidents, BadRequestsGetTheirStatusAndNameTheProblem) {
  Served served;
  const auto expect = [&](std::pair<int, Json> reply, int status, const std::string& words) {
    EXPECT_EQ(reply.first, status) << reply.second.dump();
    EXPECT_NE(reply.second.value("error", "").find(words), std::string::npos)
        << reply.second.dump();
  };
  expect(served.get("/v1/incidents/112-2026-424242"), 404, "no incident");
  expect(served.post("/v1/incidents", {{"lat", -3.69}, {"class", "medical"}}), 400, "lat");
  expect(served.post("/v1/incidents", {{"lat", -3.69}, {"lon", 128.18}, {"class", "alien"}}), 400,
         "class");
  expect(served.post("/v1/incidents",
                     {{"lat", -3.69}, {"lon", 128.18}, {"class", "fire"}, {"priority", 9}}),
         400, "priority");
  expect(served.post("/v1/incidents",
                     {{"lat", -3.69}, {"lon", 128.18}, {"class", "fire"}, {"subtype", 5}}),
         400, "subtype");
  const auto sea = served.post(
      "/v1/incidents", {{"lat", -3.7600}, {"lon", 128.0500}, {"class", "rescue"}});  // Teluk Ambon
  expect(sea, 422, "not on the island's roads");
  EXPECT_GT(sea.second["nearest_road_m"].get<double>(), 1000) << sea.second.dump();
  const std::string id = served.create("security", -3.6930, 128.1820);
  expect(served.post("/v1/incidents/" + id + "/units", {{"unit_id", "NOBODY-1"}}), 404, "NOBODY-1");
  expect(served.post("/v1/incidents/" + id + "/units", Json::object()), 400, "unit_id");
  expect(served.post("/v1/incidents/" + id + "/events", {{"kind", "dance"}}), 400, "kind");
  expect(served.post("/v1/incidents/" + id + "/events",
                     {{"kind", "call_type"}, {"call_type", "duplicate"}}),
         400, "duplicate_of");
  const auto raw =
      served.client->Post(("/v1/incidents/" + id + "/events").c_str(), "{nope", "application/json");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->status, 400);
  EXPECT_EQ(served.incidents.list({.open_only = false}).size(), 1u) << "nothing refused was kept";
}

TEST(HttpIncidents, CallersNumbersOnlyForTokenHoldersAndWritesNeedATokenNamedInTheLog) {
  Served served(true);
  const Json call = {{"lat", -3.6930}, {"lon", 128.1820}, {"class", "medical"}, {"caller", "0811"}};
  EXPECT_EQ(served.post("/v1/incidents", call).first, 401);
  served.authorization = "Bearer " + token;
  const auto [created, incident] = served.post("/v1/incidents", call);
  ASSERT_EQ(created, 201);
  EXPECT_EQ(incident["caller"], "0811");
  EXPECT_EQ(incident["events"][0]["who"], "operator-ani");
  const std::string id = incident["id"];
  served.authorization.clear();
  const auto [read, anonymous] = served.get("/v1/incidents/" + id);
  ASSERT_EQ(read, 200);
  EXPECT_FALSE(anonymous.contains("caller")) << "a caller's number is not for everyone";
  EXPECT_FALSE(served.get("/v1/incidents").second["incidents"][0].contains("caller"));
  served.authorization = "Bearer " + token.substr(0, 10);
  EXPECT_EQ(served.post("/v1/incidents/" + id + "/close", Json::object()).first, 401);
}

}  // namespace
}  // namespace siaga::server::incidents_api_test
