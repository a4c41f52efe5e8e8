// The HTTP API end to end over loopback: the OSRM-compatible endpoints field by field (and their
// answers against the route engine and Dijkstra), the /v1 dispatcher endpoints, every error path,
// metrics, the console's static files, and the dispatch event through a real Mosquitto broker.
#include <gtest/gtest.h>
#include <httplib.h>
#include <siaga.pb.h>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "broker_fixture.h"
#include "gzip.h"
#include "server/served_fixture.h"
#include "siaga/dispatch/dataset.h"
#include "siaga/dispatch/recommendation.h"
#include "siaga/mqtt/client.h"
#include "siaga/routing/alternatives.h"
#include "siaga/routing/route.h"
#include "siaga/routing/steps.h"
#include "siaga/server/http_server.h"
#include "siaga/server/osrm_api.h"
#include "siaga/server/polyline.h"
#include "test_support.h"

namespace siaga::server {
namespace {

namespace fs = std::filesystem;
const fs::path source_dir = SIAGA_SOURCE_DIR;
const geodata::LatLon fire_station{-3.6950, 128.1800};  // Damkar Kota Ambon
const geodata::LatLon airport{-3.7106, 128.0892};
const geodata::LatLon galala{-3.6700, 128.2000};
const geodata::LatLon on_the_bridge{-3.6618, 128.2010};  // Jembatan Merah Putih

std::string lon_lat(geodata::LatLon point) {
  return std::to_string(point.lon) + "," + std::to_string(point.lat);
}

double seconds(uint32_t ms) {
  return std::round(ms / 100.0) / 10;
}

TEST(HttpOsrm, RouteMatchesDijkstraFieldByField) {
  Served served;
  const auto [status, body] = served.get("/route/v1/driving/" + lon_lat(fire_station) + ";" +
                                         lon_lat(airport) + "?overview=full&geometries=geojson");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(body["code"], "Ok");
  ASSERT_EQ(body["routes"].size(), 1u);
  const Json& route = body["routes"][0];
  const routing::Route expected = served.reference_route("car", fire_station, airport);
  ASSERT_TRUE(expected.found);
  EXPECT_EQ(route["duration"], seconds(expected.duration_ms));
  EXPECT_EQ(route["weight"], route["duration"]);
  EXPECT_EQ(route["weight_name"], "duration");
  EXPECT_NEAR(route["distance"].get<double>(), expected.distance_m, 0.06);
  ASSERT_EQ(route["legs"].size(), 1u);
  EXPECT_EQ(route["legs"][0]["duration"], route["duration"]);
  EXPECT_TRUE(route["legs"][0]["steps"].is_array());
  EXPECT_EQ(route["geometry"]["type"], "LineString");
  EXPECT_EQ(route["geometry"]["coordinates"].size(), expected.geometry.size());
  ASSERT_EQ(body["waypoints"].size(), 2u);
  for (const Json& waypoint : body["waypoints"]) {
    EXPECT_TRUE(waypoint["hint"].is_string());
    EXPECT_TRUE(waypoint["name"].is_string());
    EXPECT_LT(waypoint["distance"].get<double>(), 100);
    EXPECT_EQ(waypoint["location"].size(), 2u);
  }
  const geodata::Snap start = served.snapper.snap(fire_station);
  EXPECT_NEAR(body["waypoints"][0]["location"][0].get<double>(), start.position.lon, 1e-6);
  EXPECT_NEAR(body["waypoints"][0]["location"][1].get<double>(), start.position.lat, 1e-6);
  EXPECT_EQ(body["schematic"], true);
}

TEST(HttpOsrm, PolylineGeometryDecodesToTheGeoJsonOneAndViaPointsMakeLegs) {
  Served served;
  const std::string coordinates =
      lon_lat(fire_station) + ";" + lon_lat(galala) + ";" + lon_lat(airport);
  const auto [s1, geojson] = served.get("/route/v1/car/" + coordinates + "?geometries=geojson");
  const auto [s2, polyline] = served.get("/route/v1/car/" + coordinates);
  const auto [s3, polyline6] = served.get("/route/v1/car/" + coordinates + "?geometries=polyline6");
  const auto [s4, none] = served.get("/route/v1/car/" + coordinates + "?overview=false");
  ASSERT_EQ(s1 + s2 + s3 + s4, 800);
  const Json& legs = geojson["routes"][0]["legs"];
  ASSERT_EQ(legs.size(), 2u);
  EXPECT_NEAR(legs[0]["duration"].get<double>() + legs[1]["duration"].get<double>(),
              geojson["routes"][0]["duration"].get<double>(), 0.11);
  const Json& points = geojson["routes"][0]["geometry"]["coordinates"];
  for (const auto& [body, precision] : {std::pair{&polyline, 5}, std::pair{&polyline6, 6}}) {
    const auto decoded =
        decode_polyline((*body)["routes"][0]["geometry"].get<std::string>(), precision);
    ASSERT_TRUE(decoded);
    ASSERT_EQ(decoded->size(), points.size());
    const double tolerance = precision == 5 ? 1.1e-5 : 1.1e-6;
    for (size_t i = 0; i < points.size(); ++i) {
      EXPECT_NEAR((*decoded)[i].lon, points[i][0].get<double>(), tolerance);
      EXPECT_NEAR((*decoded)[i].lat, points[i][1].get<double>(), tolerance);
    }
  }
  EXPECT_FALSE(none["routes"][0].contains("geometry"));
  // The coordinates as a polyline, as OSRM clients may send them.
  const geodata::LatLon three[] = {fire_station, galala, airport};
  const auto [s5, again] =
      served.get("/route/v1/car/polyline(" + encode_polyline(three, 5) + ")?overview=false");
  ASSERT_EQ(s5, 200);
  EXPECT_NEAR(again["routes"][0]["duration"].get<double>(),
              none["routes"][0]["duration"].get<double>(), 5.0);  // points rounded to 1 m
}

// steps=true: every leg's steps in the shape OSRM clients read, adding up to the leg, from a
// depart to an arrive, with the road names and manoeuvres route_steps gives; a bad value is 400.
TEST(HttpOsrm, StepsAreTurnByTurnInOsrmShape) {
  Served served;
  const std::string coordinates =
      lon_lat(fire_station) + ";" + lon_lat(galala) + ";" + lon_lat(airport);
  const auto [status, body] =
      served.get("/route/v1/car/" + coordinates + "?steps=true&geometries=geojson");
  ASSERT_EQ(status, 200);
  const Json& legs = body["routes"][0]["legs"];
  ASSERT_EQ(legs.size(), 2u);
  for (const Json& leg : legs) {
    const Json& steps = leg["steps"];
    ASSERT_GE(steps.size(), 3u);
    EXPECT_EQ(steps.front()["maneuver"]["type"], "depart");
    EXPECT_EQ(steps.back()["maneuver"]["type"], "arrive");
    double distance = 0, duration = 0;
    for (const Json& step : steps) {
      distance += step["distance"].get<double>();
      duration += step["duration"].get<double>();
      EXPECT_EQ(step["mode"] == "driving" || step["mode"] == "ferry", true);
      EXPECT_EQ(step["driving_side"], "left");
      EXPECT_TRUE(step["name"].is_string());
      EXPECT_EQ(step["geometry"]["type"], "LineString");
      EXPECT_EQ(step["maneuver"]["location"], step["geometry"]["coordinates"][0]);
      EXPECT_EQ(step["intersections"][0]["location"], step["maneuver"]["location"]);
    }
    EXPECT_NEAR(distance, leg["distance"].get<double>(), 0.1 * steps.size());
    EXPECT_NEAR(duration, leg["duration"].get<double>(), 0.051 * steps.size());
  }
  // The first leg's steps are route_steps' own on the same engine's route.
  const auto set = served.live.current();
  const routing::CchMetric& car =
      set->metrics[routing::profile_index(served.live.profiles(), "car")];
  routing::CchQuery query(test::ambon_cch());
  const routing::Route first = routing::route_between(
      served.network, car, served.snapper.snap(fire_station), served.snapper.snap(galala), query);
  const std::vector<routing::Step> expected =
      routing::route_steps(served.network, car.arc_weight, first);
  const Json& steps = legs[0]["steps"];
  ASSERT_EQ(steps.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(steps[i]["name"], expected[i].name);
    EXPECT_EQ(steps[i]["maneuver"]["type"], expected[i].type);
    EXPECT_EQ(steps[i]["maneuver"].value("modifier", ""), expected[i].modifier);
  }
  const auto [none_status, without] = served.get("/route/v1/car/" + coordinates);
  EXPECT_TRUE(without["routes"][0]["legs"][0]["steps"].empty());
  EXPECT_EQ(served.get("/route/v1/car/" + coordinates + "?steps=yes").first, 400);
}

// alternatives=true|N: the routes routes_with_alternatives finds on the same engine, fastest
// first; via points get one route (as OSRM); more than three is refused.
TEST(HttpOsrm, AlternativesAreTheEnginesSecondWaysRound) {
  Served served;
  const auto set = served.live.current();
  const routing::CchMetric& car =
      set->metrics[routing::profile_index(served.live.profiles(), "car")];
  routing::CchQuery query(test::ambon_cch());
  routing::AlternativeOptions options;
  options.max_alternatives = 2;
  int offered = 0;
  for (const auto& [from, to] : {std::pair{fire_station, airport}, std::pair{fire_station, galala},
                                 std::pair{galala, airport}}) {
    const auto expected = routing::routes_with_alternatives(
        served.network, test::ambon_cch(), car, served.snapper.snap(from), served.snapper.snap(to),
        query, options);
    const auto [status, body] = served.get("/route/v1/car/" + lon_lat(from) + ";" + lon_lat(to) +
                                           "?alternatives=2&overview=false");
    ASSERT_EQ(status, 200);
    ASSERT_EQ(body["routes"].size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i)
      EXPECT_EQ(body["routes"][i]["duration"], seconds(expected[i].duration_ms));
    offered += expected.size() > 1;
  }
  EXPECT_GT(offered, 0) << "somewhere on the island there is a second way";
  const std::string three = lon_lat(fire_station) + ";" + lon_lat(galala) + ";" + lon_lat(airport);
  EXPECT_EQ(served.get("/route/v1/car/" + three + "?alternatives=true").second["routes"].size(),
            1u);
  EXPECT_EQ(served.get("/route/v1/car/" + three + "?alternatives=4").first, 400);
}

TEST(HttpOsrm, ErrorsHaveOsrmCodesAnd400) {
  Served served;
  const std::string good = lon_lat(fire_station) + ";" + lon_lat(airport);
  const std::pair<std::string, std::string> cases[] = {
      {"/route/v1/driving/128.1,abc;128.2,-3.7", "InvalidQuery"},
      {"/route/v1/driving/128.1;128.2,-3.7", "InvalidQuery"},
      {"/route/v1/driving/polyline(!!)", "InvalidQuery"},
      {"/route/v1/driving/128.1,-95;128.2,-3.7", "InvalidValue"},
      {"/route/v1/driving/" + lon_lat(fire_station), "InvalidOptions"},
      {"/route/v1/bicycle/" + good, "InvalidOptions"},
      {"/route/v1/driving/" + good + "?frobnicate=1", "InvalidOptions"},
      {"/route/v1/driving/" + good + "?geometries=wkt", "InvalidOptions"},
      {"/route/v1/driving/" + good + "?overview=some", "InvalidOptions"},
      {"/route/v1/driving/" + good + "?radiuses=10", "InvalidOptions"},
      {"/route/v1/driving/" + good + "?radiuses=-1;5", "InvalidValue"},
      {"/route/v1/driving/127.90,-3.60;128.2,-3.67", "NoSegment"},  // the sea off Leihitu
      {"/table/v1/driving/" + good + "?sources=0;7", "InvalidOptions"},
      {"/table/v1/driving/" + good + "?annotations=speed", "InvalidOptions"},
      {"/nearest/v1/driving/" + good, "InvalidOptions"},
      {"/nearest/v1/driving/" + lon_lat(fire_station) + "?number=0", "InvalidOptions"},
  };
  for (const auto& [path, code] : cases) {
    const auto [status, body] = served.get(path);
    EXPECT_EQ(status, 400) << path;
    EXPECT_EQ(body["code"], code) << path;
    EXPECT_TRUE(body["message"].is_string()) << path;
  }
  std::string many;
  for (int i = 0; i < 101; ++i) {
    if (i) many += ';';
    many += lon_lat(fire_station);
  }
  EXPECT_EQ(served.get("/table/v1/driving/" + many).second["code"], "TooBig");
  // NoRoute: onto the bridge while the bridge is closed.
  served.live.activate("closure-jembatan-merah-putih");
  const auto [status, body] =
      served.get("/route/v1/driving/" + lon_lat(fire_station) + ";" + lon_lat(on_the_bridge));
  EXPECT_EQ(status, 400);
  EXPECT_EQ(body["code"], "NoRoute");
}

TEST(HttpOsrm, TableEqualsPairwiseRoutesAndNearestEqualsTheSnapper) {
  Served served;
  const geodata::LatLon places[] = {fire_station, airport, galala, {-3.6400, 128.2520}};
  std::string coordinates;
  for (const auto& place : places) {
    if (!coordinates.empty()) coordinates += ';';
    coordinates += lon_lat(place);
  }
  const auto [status, table] =
      served.get("/table/v1/ambulance/" + coordinates + "?annotations=duration,distance");
  ASSERT_EQ(status, 200);
  ASSERT_EQ(table["durations"].size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    for (size_t j = 0; j < 4; ++j) {
      const routing::Route expected = served.reference_route("ambulance", places[i], places[j]);
      EXPECT_EQ(table["durations"][i][j], seconds(expected.duration_ms)) << i << "," << j;
      EXPECT_NEAR(table["distances"][i][j].get<double>(), expected.distance_m, 0.06);
    }
  }
  const auto [s2, part] =
      served.get("/table/v1/ambulance/" + coordinates + "?sources=3&destinations=0;1");
  ASSERT_EQ(s2, 200);
  EXPECT_FALSE(part.contains("distances"));
  EXPECT_EQ(part["durations"],
            Json::array({Json::array({table["durations"][3][0], table["durations"][3][1]})}));
  EXPECT_EQ(part["sources"].size(), 1u);
  EXPECT_EQ(part["destinations"].size(), 2u);

  const auto [s3, nearest] = served.get("/nearest/v1/driving/" + lon_lat(fire_station) + ".json");
  ASSERT_EQ(s3, 200);
  const geodata::Snap snap = served.snapper.snap(fire_station);
  const Json& waypoint = nearest["waypoints"][0];
  EXPECT_NEAR(waypoint["distance"].get<double>(), snap.distance_m, 0.051);
  EXPECT_EQ(waypoint["nodes"], Json::array({served.network.node_osm_id[snap.tail],
                                            served.network.node_osm_id[snap.head]}));
}

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
  test::TestBroker broker("link",
                          tracking::load_fleet(source_dir / "geodata/ambon/fleet-sample.json"));
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

TEST(Polyline, RoundTripsAndRefusesGarbage) {
  const geodata::LatLon points[] = {{38.5, -120.2}, {40.7, -120.95}, {43.252, -126.453}};
  EXPECT_EQ(encode_polyline(points, 5), "_p~iF~ps|U_ulLnnqC_mqNvxq`@");  // Google's example
  const auto decoded = decode_polyline("_p~iF~ps|U_ulLnnqC_mqNvxq`@", 5);
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->size(), 3u);
  EXPECT_NEAR((*decoded)[2].lon, -126.453, 1e-9);
  EXPECT_FALSE(decode_polyline("_p~iF", 5));
  EXPECT_FALSE(decode_polyline(std::string(40, '~'), 5));
}

// The route's GeoJSON is written as text, not built as Json: the same numbers, whatever the
// coordinate (negative, whole, a half micro-degree to round, far off the island).
TEST(JsonText, ALineStringWrittenAsTextParsesToTheSameNumbersAsItsJson) {
  std::mt19937_64 random(5);
  std::uniform_real_distribution<double> lat(-90, 90), lon(-180, 180), near(-0.5, 0.5);
  std::vector<geodata::LatLon> points = {{0, 0},
                                         {-3.693, 128.182},
                                         {-4, 128},
                                         {-0.0000005, 1.0000005},
                                         {89.9999996, -179.9999996},
                                         {-3.1234565, 128.0000004}};
  for (int i = 0; i < 2000; ++i) points.push_back({lat(random), lon(random)});
  for (int i = 0; i < 2000; ++i) points.push_back({-3.7 + near(random), 128.2 + near(random)});
  const std::string text = dispatch::line_string_text(points);
  // (Not always the same text: Json writes some rounded doubles with 17 digits,
  // -3.6087920000000002.)
  EXPECT_TRUE(Json::parse(text) == dispatch::line_string(points)) << "different numbers";
  EXPECT_EQ(Json::parse(dispatch::line_string_text({})), dispatch::line_string({}));
}

TEST(JsonText, AReplysMarkersBecomeTheirTextAndNothingElseIsTouched) {
  Reply reply;
  reply.body = {{"first", add_raw(reply, R"({"type":"LineString","coordinates":[[1.5,2.0]]})")},
                {"not_ours", "\x01raw:7"},
                {"second", Json::array({add_raw(reply, "[1,2,3]")})},
                {"text", "raw:0"}};
  const Json sent = Json::parse(reply_text(reply));
  EXPECT_EQ(sent["first"]["coordinates"][0][1], 2.0);
  EXPECT_EQ(sent["second"][0], Json::array({1, 2, 3}));
  EXPECT_EQ(sent["not_ours"], "\x01raw:7");
  EXPECT_EQ(sent["text"], "raw:0");
  EXPECT_EQ(reply_text(Reply{200, {{"a", 1}}}), R"({"a":1})");
  // A refusal quoting back bytes that are not UTF-8 is still sent, as JSON.
  const Reply refusal{400, {{"error", "near must be LAT,LON, not \xad\xad"}}};
  EXPECT_EQ(Json::parse(reply_text(refusal))["error"], "near must be LAT,LON, not \uFFFD\uFFFD");
}

}  // namespace
}  // namespace siaga::server
