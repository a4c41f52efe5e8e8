// The HTTP side of `siaga serve`: the OSRM-compatible and /v1 endpoints of api.h and
// osrm_api.h, Prometheus metrics, and the dispatcher's console as static files; served by an
// event loop that slow clients cannot stall (src/event_http.h).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "siaga/server/api.h"

namespace siaga::server {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8112;                    // 0: any free port (see HttpServer::port)
  std::filesystem::path console_dir;  // the console's page, script and style
  std::filesystem::path leaflet_dir = "/usr/share/javascript/leaflet";  // Debian's libjs-leaflet
  size_t max_body_bytes = 64 * 1024;
  // Connections one address may hold open; the rest are closed at once. A reverse proxy in front
  // of the server is one address for all: raise this there.
  size_t max_connections_per_address = 128;
  unsigned workers = 0;  // threads that answer routes, searches and writes; 0: two per core
  // Non-empty: dispatching and hazard toggles need "Authorization: Bearer <write_token>"; reads
  // stay open (the server listens on loopback or behind the control room's network).
  std::string write_token;
  // More named tokens (name, token): a write is logged with the name of the token it carried.
  std::vector<std::pair<std::string, std::string>> tokens;
  // Told the cause of every 500 (a fault of Siaga's, never the caller's), with the request line.
  std::function<void(const std::string& message)> log;
};

class HttpServer {
 public:
  // Binds at once (throws IoError naming the address when it cannot); serves after start.
  HttpServer(Api& api, HttpOptions options, std::function<MqttLink()> mqtt_link = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  void start();  // serves on its own threads
  void stop();   // stops accepting, finishes the requests under way

  // GET /metrics, in the Prometheus text format.
  std::string metrics_text() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace siaga::server
