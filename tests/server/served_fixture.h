// The engine of `siaga serve` on the schematic island over loopback, without the service's
// MQTT and SQLite parts: for the HTTP API's tests.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <cmath>
#include <mutex>
#include <string>

#include "siaga/dispatch/dataset.h"
#include "siaga/dispatch/incident_classes.h"
#include "siaga/geodata/hazards.h"
#include "siaga/routing/dijkstra.h"
#include "siaga/routing/query_pool.h"
#include "siaga/routing/route.h"
#include "siaga/server/http_server.h"
#include "test_support.h"

namespace siaga::server {

// Places on the island the HTTP tests route between.
inline const geodata::LatLon fire_station{-3.6950, 128.1800};  // Damkar Kota Ambon
inline const geodata::LatLon airport{-3.7106, 128.0892};
inline const geodata::LatLon galala{-3.6700, 128.2000};
inline const geodata::LatLon on_the_bridge{-3.6618, 128.2010};  // Jembatan Merah Putih

// "lon,lat" as an OSRM URL writes a coordinate.
inline std::string lon_lat(geodata::LatLon point) {
  return std::to_string(point.lon) + "," + std::to_string(point.lat);
}

// Milliseconds as the API's seconds, rounded to tenths.
inline double seconds(uint32_t ms) {
  return std::round(ms / 100.0) / 10;
}

// The engine of `siaga serve` on the schematic island, with the sample fleet reporting from home,
// served on a free port; no broker unless a test wires one.
struct Served {
  const geodata::RoadNetwork& network = test::ambon().network;
  geodata::Snapper snapper{network};
  routing::LiveMetrics live{
      network, test::ambon_cch(), routing::load_profiles(dispatch::default_profiles_file()),
      geodata::overlay_hazards(
          network,
          geodata::load_hazards(test::source_dir / "geodata/ambon/hazards-illustrative.geojson")
              .zones)};
  std::vector<dispatch::IncidentClass> classes =
      dispatch::load_incident_classes(dispatch::default_incident_types_file(), live.profiles());
  tracking::TrackingStore store{
      tracking::load_fleet(test::source_dir / "geodata/ambon/fleet-sample.json"), network};
  routing::QueryPool queries{test::ambon_cch()};
  Api api{network, snapper, live, store, classes, queries, {}};
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<httplib::Client> client;
  std::mutex log_mutex;
  std::vector<std::string> logged;  // what the server told its operator

  explicit Served(std::string write_token = "", std::function<MqttLink()> mqtt_link = {}) {
    live.set_active({});
    const int64_t now = tracking::now_ms();
    for (const tracking::Unit& unit : store.fleet().units) {
      EXPECT_TRUE(
          store.submit_fix({unit.id, 1, now - 1000, unit.home.lat, unit.home.lon, 0, 0, 5, {}}, now)
              .accepted);
    }
    HttpOptions options;
    options.port = 0;
    options.console_dir = test::source_dir / "tools/server/console";
    options.write_token = std::move(write_token);
    options.log = [this](const std::string& message) {
      std::lock_guard lock(log_mutex);
      logged.push_back(message);
    };
    server = std::make_unique<HttpServer>(api, options, std::move(mqtt_link));
    server->start();
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
  }

  std::pair<int, Json> get(const std::string& path) {
    const auto result = client->Get(path.c_str());
    EXPECT_TRUE(result) << path;
    if (!result) return {0, {}};
    return {result->status, Json::parse(result->body, nullptr, false)};
  }
  std::pair<int, Json> post(const std::string& path, const std::string& body) {
    const auto result = client->Post(path.c_str(), body, "application/json");
    EXPECT_TRUE(result) << path;
    if (!result) return {0, {}};
    return {result->status, Json::parse(result->body, nullptr, false)};
  }
  routing::Route reference_route(const std::string& profile, geodata::LatLon from,
                                 geodata::LatLon to) {
    const uint32_t p = routing::profile_index(live.profiles(), profile);
    const auto set = live.current();
    routing::Dijkstra dijkstra(network);
    const auto weights =
        routing::profile_weights(network, live.profiles()[p], live.hazards(), set->active);
    return routing::route_between(network, weights, snapper.snap(from), snapper.snap(to), dijkstra);
  }
};

}  // namespace siaga::server
