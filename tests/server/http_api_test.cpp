// The /v1 dispatcher endpoints end to end over loopback: recommend against the ranking, dispatch,
// units, hazards and toggles, health and metrics, the console's static files, the write token,
// garbage and faults, and the dispatch event through a real Mosquitto broker. The OSRM-compatible
// endpoints are in osrm_http_test.cpp.
#include <gtest/gtest.h>
#include <httplib.h>
#include <siaga.pb.h>

#include <mutex>
#include <random>

#include "broker_fixture.h"
#include "gzip.h"
#include "server/served_fixture.h"
#include "siaga/dispatch/recommendation.h"
#include "siaga/mqtt/client.h"
#include "test_support.h"

namespace siaga::server::http_api_test {
namespace {

namespace fs = std::filesystem;

TEST(HttpV1, RecommendAnswersAsTheRankingDoesAndRefusesBadRequests) {
  Served served;
  const auto [status, body] =
      served.post("/v1/recommend", R"({"lat": -3.70, "lon": 128.18, "type": "fire", "k": 2})");
  ASSERT_EQ(status, 200);
  ASSERT_EQ(body["recommended"].size(), 2u);
  routing::CchQuery query(test::ambon_cch());
  const auto units = served.store.units(tracking::now_ms());
  const dispatch::Ranking ranking =
      dispatch::rank_units({served.network, served.snapper, served.live, served.classes}, units,
                           {-3.70, 128.18}, "fire", 2, query);
  for (size_t i = 0; i < 2; ++i) {
    const Json& item = body["recommended"][i];
    EXPECT_EQ(item["rank"], i + 1);
    EXPECT_EQ(item["unit_id"], ranking.recommended[i].state.unit.id);
    EXPECT_EQ(item["eta_s"], seconds(ranking.recommended[i].eta_ms));
    EXPECT_EQ(item["route"]["type"], "LineString");
    EXPECT_TRUE(item["route"] == dispatch::line_string(ranking.recommended[i].route.geometry))
        << "the route's line, written as text and spliced in, is the ranking's";
    EXPECT_TRUE(item["hazards"]["on_route"].is_array());
    const std::string type = item["type"];
    EXPECT_TRUE(type == "fire_truck" || type == "rescue") << type;
  }
  EXPECT_EQ(body["incident"]["type"], "fire");

  const std::pair<std::string, int> bad[] = {
      {"not json", 400},
      {"[1,2]", 400},
      {R"({"lon": 128.18, "type": "fire"})", 400},
      {R"({"lat": "x", "lon": 128.18, "type": "fire"})", 400},
      {R"({"lat": -3.7, "lon": 128.18})", 400},
      {R"({"lat": -3.7, "lon": 128.18, "type": "alien"})", 400},
      {R"({"lat": -3.7, "lon": 128.18, "type": "fire", "k": 0})", 400},
      {R"({"lat": -3.7, "lon": 128.18, "type": "fire", "k": 1.5})", 400},
      {R"({"lat": -3.60, "lon": 127.90, "type": "fire"})", 422},
      {R"({"lat": 1e308, "lon": 1e308, "type": "fire"})", 422},
  };
  for (const auto& [request, expected_status] : bad) {
    const auto [s, answer] = served.post("/v1/recommend", request);
    EXPECT_EQ(s, expected_status) << request;
    EXPECT_TRUE(answer["error"].is_string()) << request;
  }
  const auto [big, answer] =
      served.post("/v1/recommend", R"({"pad": ")" + std::string(100'000, 'x') + R"("})");
  EXPECT_EQ(big, 413);
}

TEST(HttpV1, DispatchChangesStatusJournalsAndTakesTheUnitOutOfTheRanking) {
  Served served;
  const auto [s0, first] =
      served.post("/v1/recommend", R"({"lat": -3.70, "lon": 128.18, "type": "medical", "k": 1})");
  const std::string unit = first["recommended"][0]["unit_id"];
  const auto [status, body] =
      served.post("/v1/dispatch", Json{{"unit_id", unit}, {"incident_id", "112-0001"}}.dump());
  ASSERT_EQ(status, 200);
  EXPECT_EQ(body["status"], "dispatched");
  EXPECT_EQ(body["incident_id"], "112-0001");
  EXPECT_EQ(body["event_published"], false);  // no broker wired in this test
  EXPECT_EQ(served.store.unit(unit, tracking::now_ms())->status, tracking::UnitStatus::dispatched);
  const auto [s1, after] =
      served.post("/v1/recommend", R"({"lat": -3.70, "lon": 128.18, "type": "medical", "k": 1})");
  EXPECT_NE(after["recommended"][0]["unit_id"], unit);

  EXPECT_EQ(
      served.post("/v1/dispatch", Json{{"unit_id", unit}, {"incident_id", "112-2"}}.dump()).first,
      409);  // dispatched already
  EXPECT_EQ(served.post("/v1/dispatch", R"({"unit_id": "NOPE", "incident_id": "1"})").first, 404);
  EXPECT_EQ(served.post("/v1/dispatch", R"({"unit_id": "AMB-02"})").first, 400);
  EXPECT_EQ(served.post("/v1/dispatch", "{").first, 400);
}

TEST(HttpV1, UnitsHazardsTogglesHealthMetricsAndStaticFiles) {
  Served served;
  const auto [s1, units] = served.get("/v1/units");
  ASSERT_EQ(s1, 200);
  EXPECT_EQ(units["units"].size(), served.store.fleet().units.size());
  EXPECT_EQ(units["by_status"]["available"], served.store.fleet().units.size());

  const auto [s2, zones] = served.get("/v1/hazards");
  ASSERT_EQ(s2, 200);
  EXPECT_EQ(zones["type"], "FeatureCollection");
  EXPECT_EQ(zones["features"].size(), served.live.hazards().zones.size());
  const uint64_t version = zones["metric_version"];

  const std::string bridge = "/route/v1/driving/" + lon_lat(fire_station) + ";" + lon_lat(airport);
  const double open = served.get(bridge).second["routes"][0]["duration"];
  const auto [s3, on] = served.post("/v1/hazards/closure-jembatan-merah-putih/activate", "");
  ASSERT_EQ(s3, 200);
  EXPECT_EQ(on["active"], true);
  EXPECT_GT(on["metric_version"].get<uint64_t>(), version);
  const double closed = served.get(bridge).second["routes"][0]["duration"];
  EXPECT_GT(closed, open) << "a detour instead of over the bridge";
  const auto [s4, listed] = served.get("/v1/hazards");
  bool found_active = false;
  for (const Json& feature : listed["features"]) {
    if (feature["properties"]["id"] == "closure-jembatan-merah-putih")
      found_active = feature["properties"]["active"];
  }
  EXPECT_TRUE(found_active);
  EXPECT_EQ(served.post("/v1/hazards/closure-jembatan-merah-putih/deactivate", "").first, 200);
  EXPECT_EQ(served.get(bridge).second["routes"][0]["duration"], open);
  EXPECT_EQ(served.post("/v1/hazards/no-such-zone/activate", "").first, 404);

  const auto [s5, health] = served.get("/health");
  ASSERT_EQ(s5, 200);
  EXPECT_EQ(health["status"], "ok");
  EXPECT_EQ(health["mqtt_connected"], false);

  const auto [s6, missing] = served.get("/no/such/thing");
  EXPECT_EQ(s6, 404);
  EXPECT_TRUE(missing["error"].is_string());
  const auto traversal = served.client->Get("/console/../../../../etc/passwd");
  ASSERT_TRUE(traversal);
  EXPECT_NE(traversal->status, 200);
  EXPECT_EQ(traversal->body.find("root:"), std::string::npos);
  const auto page = served.client->Get("/console/index.html");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Siaga"), std::string::npos);
  const auto network = served.get("/v1/network");
  EXPECT_EQ(network.first, 200);
  EXPECT_FALSE(network.second["features"].empty());
  // Kept gzipped: sent so to a client that accepts it, the same document once decompressed.
  served.client->set_decompress(false);
  const auto zipped = served.client->Get("/v1/network", {{"Accept-Encoding", "br, gzip"}});
  const auto plain = served.client->Get("/v1/network", {{"Accept-Encoding", "identity"}});
  served.client->set_decompress(true);
  ASSERT_TRUE(zipped && plain);
  EXPECT_EQ(zipped->get_header_value("Content-Encoding"), "gzip");
  EXPECT_FALSE(plain->has_header("Content-Encoding"));
  EXPECT_EQ(gunzip(zipped->body), plain->body);
  EXPECT_LT(zipped->body.size() * 3, plain->body.size());
  EXPECT_EQ(Json::parse(plain->body), network.second);

  const auto metrics = served.client->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("siaga_http_requests_total{endpoint=\"route\",code=\"2xx\"} 3"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(
      metrics->body.find("siaga_http_requests_total{endpoint=\"hazard_toggle\",code=\"4xx\"} 1"),
      std::string::npos);
  EXPECT_NE(metrics->body.find("siaga_units{status=\"available\"} " +
                               std::to_string(served.store.fleet().units.size())),
            std::string::npos);
  EXPECT_NE(metrics->body.find("siaga_fixes_accepted_total " +
                               std::to_string(served.store.fleet().units.size())),
            std::string::npos);
  EXPECT_NE(metrics->body.find("siaga_http_request_duration_seconds_count{endpoint=\"route\"} 3"),
            std::string::npos);
}

// The control room's monitoring sees the engine's MQTT link on /health and /metrics, and a
// broker restart as one more session opened.
TEST(HttpV1, HealthAndMetricsShowTheMqttLinkAndItsReconnects) {
  test::TestBroker broker(
      "link", tracking::load_fleet(test::source_dir / "geodata/ambon/fleet-sample.json"));
  mqtt::Client link(broker.client("engine-link", engine_user));
  link.start();
  ASSERT_TRUE(link.wait_connected(std::chrono::seconds(10)));
  Served served("", [&] { return MqttLink{link.connected(), link.connect_count()}; });
  const Json health = served.get("/health").second;
  EXPECT_EQ(health["mqtt_connected"], true);
  EXPECT_EQ(health["mqtt_connects"], 1);

  broker.restart();
  ASSERT_TRUE(test::eventually([&] { return link.connect_count() == 2 && link.connected(); },
                               std::chrono::seconds(30)));
  const auto metrics = served.client->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("\nsiaga_mqtt_connected 1\n"), std::string::npos);
  EXPECT_NE(metrics->body.find("\nsiaga_mqtt_connects_total 2\n"), std::string::npos)
      << metrics->body;
  EXPECT_EQ(served.get("/health").second["mqtt_connects"], 2);
}

TEST(HttpV1, DispatchEventReachesASubscriberThroughTheBroker) {
  Served served;
  test::TestBroker broker("dispatch-event", served.store.fleet());
  mqtt::Client publisher(broker.client("engine", engine_user));
  publisher.start();
  ASSERT_TRUE(publisher.wait_connected(std::chrono::seconds(10)));
  served.api.publish = [&](const std::string& topic, const std::string& payload) {
    publisher.publish(topic, payload);
    return true;
  };
  std::mutex mutex;
  std::vector<v1::DispatchEvent> events;
  // The crew's tracker logs in as its unit, whose ACL lets it read dispatch events.
  mqtt::Client crew(broker.client("crew", "DMK-01"),
                    [&](std::string_view, std::string_view payload) {
                      v1::DispatchEvent event;
                      if (event.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
                        std::lock_guard lock(mutex);
                        events.push_back(event);
                      }
                    });
  crew.subscribe("siaga/v1/events/dispatch");
  crew.start();
  ASSERT_TRUE(crew.wait_connected(std::chrono::seconds(10)));
  const auto [status, body] = served.post(
      "/v1/dispatch",
      R"({"unit_id": "DMK-01", "incident_id": "112-7", "type": "fire", "lat": -3.7, "lon": 128.18})");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(body["event_published"], true);
  ASSERT_TRUE(publisher.wait_acknowledged(std::chrono::seconds(10)));
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard lock(mutex);
      if (!events.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].unit_id(), "DMK-01");
  EXPECT_EQ(events[0].incident_id(), "112-7");
  EXPECT_EQ(events[0].incident_type(), "fire");
  EXPECT_DOUBLE_EQ(events[0].lat(), -3.7);
  EXPECT_EQ(events[0].status_seq(), body["status_seq"].get<uint64_t>());
}

// Random bodies and URLs on every endpoint: each gets an answer below 500 and the server stays up.
TEST(HttpV1, GarbageNeverGetsA5xxNorKillsTheServer) {
  Served served;
  std::mt19937_64 random(99);
  const std::string alphabet = "{}[]\":,.-+eE0123456789abcdefghijklmnopqrstuvwxyz;()%_ /\\";
  auto noise = [&](size_t max) {
    std::string text;
    const size_t length = random() % max;
    for (size_t i = 0; i < length; ++i) text.push_back(alphabet[random() % alphabet.size()]);
    return text;
  };
  auto url_safe = [](std::string text) {
    std::string out;
    for (unsigned char c : text) {
      if (std::isalnum(c) ||
          std::string_view(",.;-_()").find(static_cast<char>(c)) != std::string_view::npos) {
        out.push_back(static_cast<char>(c));
      } else {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", c);
        out += hex;
      }
    }
    return out;
  };
  const char* gets[] = {"/route/v1/driving/", "/table/v1/car/", "/nearest/v1/ambulance/",
                        "/route/v1/fire_truck/128.18,-3.69;"};
  const char* posts[] = {"/v1/recommend", "/v1/dispatch", "/v1/hazards/x/activate"};
  for (int i = 0; i < 300; ++i) {
    int status = 0;
    if (i % 2 == 0) {
      const std::string path = gets[random() % 4] + url_safe(noise(40)) + "?" +
                               url_safe(noise(10)) + "=" + url_safe(noise(10));
      const auto result = served.client->Get(path.c_str());
      ASSERT_TRUE(result) << path;
      status = result->status;
    } else {
      std::string body = noise(200);
      if (random() % 3 == 0)
        body = R"({"lat":)" + noise(8) + R"(,"lon":)" + noise(8) + R"(,"type":"medical","k":)" +
               noise(4) + "}";
      const auto result = served.client->Post(posts[random() % 3], body, "application/json");
      ASSERT_TRUE(result) << body;
      status = result->status;
    }
    ASSERT_LT(status, 500) << "request " << i;
  }
  EXPECT_EQ(served.get("/health").first, 200);
}

// A fault inside the server is its own, not the caller's: a 500 whose cause is logged for the
// operator, never a 4xx that tells the dispatcher the request was wrong; and the caller's own
// mistakes stay 4xx and are not logged as faults.
TEST(HttpV1, AFaultInsideTheServerIsALogged500NotA4xx) {
  Served served;
  served.api.clock = []() -> int64_t { throw DataError("the fleet's clock source is broken"); };
  const auto [status, body] =
      served.post("/v1/recommend", R"({"lat": -3.70, "lon": 128.18, "type": "fire"})");
  EXPECT_EQ(status, 500);
  EXPECT_NE(body["error"].get<std::string>().find("clock source is broken"), std::string::npos);
  std::lock_guard lock(served.log_mutex);
  ASSERT_EQ(served.logged.size(), 1u);
  EXPECT_NE(served.logged[0].find("POST /v1/recommend"), std::string::npos) << served.logged[0];
  EXPECT_NE(served.logged[0].find("clock source is broken"), std::string::npos);
  served.api.clock = tracking::now_ms;
  EXPECT_EQ(served.post("/v1/recommend", R"({"lat": -3.70, "lon": 128.18, "type": "alien"})").first,
            400);
  EXPECT_EQ(served.post("/v1/recommend", R"({"lat": -3.9, "lon": 128.2, "type": "fire"})").first,
            422);
  EXPECT_EQ(served.logged.size(), 1u);
}

TEST(HttpV1, WritesNeedTheTokenReadsDoNot) {
  Served served("s3cret-token-0123456789");
  const std::string dispatch = R"({"unit_id": "AMB-01", "incident_id": "112-9"})";
  auto post = [&](const std::string& path, const std::string& body, const char* token) {
    httplib::Headers headers;
    if (token) headers.emplace("Authorization", token);
    const auto result = served.client->Post(path.c_str(), headers, body, "application/json");
    EXPECT_TRUE(result);
    return result ? result->status : 0;
  };
  EXPECT_EQ(post("/v1/dispatch", dispatch, nullptr), 401);
  EXPECT_EQ(post("/v1/dispatch", dispatch, "Bearer wrong-token-0123456789x"), 401);
  EXPECT_EQ(post("/v1/dispatch", dispatch, "Bearer s3cret-token-012345678"), 401);  // a prefix
  EXPECT_EQ(post("/v1/hazards/closure-jembatan-merah-putih/activate", "", nullptr), 401);
  EXPECT_EQ(served.store.unit("AMB-01", tracking::now_ms())->status,
            tracking::UnitStatus::available)
      << "a refused write changed nothing";
  EXPECT_EQ(post("/v1/dispatch", dispatch, "Bearer s3cret-token-0123456789"), 200);
  EXPECT_EQ(post("/v1/hazards/closure-jembatan-merah-putih/activate", "",
                 "Bearer s3cret-token-0123456789"),
            200);
  EXPECT_EQ(post("/v1/recommend", R"({"lat": -3.70, "lon": 128.18, "type": "fire"})", nullptr),
            200);
  EXPECT_EQ(served.get("/v1/units").first, 200);
}

}  // namespace
}  // namespace siaga::server::http_api_test
