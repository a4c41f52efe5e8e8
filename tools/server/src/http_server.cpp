#include "siaga/server/http_server.h"

#include <httplib.h>

#include <array>
#include <chrono>

#include "event_http.h"
#include "gzip.h"
#include "http_metrics.h"
#include "listener.h"
#include "secrets.h"
#include "siaga/server/cameras_api.h"
#include "siaga/server/coverage_api.h"
#include "siaga/server/incidents_api.h"
#include "siaga/server/osrm_api.h"
#include "siaga/server/public_reports.h"
#include "siaga/server/replication.h"

namespace siaga::server {

struct HttpServer::Impl {
  Api& api;
  HttpOptions options;
  std::function<MqttLink()> mqtt_link;
  EventHttp http;
  int port = 0;
  EndpointStatsTable stats;
  // The road network as GeoJSON, the same for the process's life: built once, kept gzipped (on
  // the island 1.7 MB of text, 0.3 MB compressed), sent so to the console's browser.
  std::string network_gzip;

  Impl(Api& api, HttpOptions options, std::function<MqttLink()> link)
      : api(api),
        options(std::move(options)),
        mqtt_link(std::move(link)),
        http(transport_options(this->options)) {}

  static EventHttpOptions transport_options(const HttpOptions& options) {
    EventHttpOptions transport;
    transport.max_body_bytes = options.max_body_bytes;
    transport.max_connections_per_address = options.max_connections_per_address;
    transport.workers = options.workers;
    return transport;
  }

  MqttLink link() const { return mqtt_link ? mqtt_link() : MqttLink{}; }

  // Who the request comes from: the name of the token it carries, "console" when the server
  // needs none; nullopt when it needs one and the request has none that matches.
  std::optional<Caller> caller_of(const httplib::Request& request) const {
    if (options.write_token.empty() && options.tokens.empty()) return Caller{};
    const std::string given = request.get_header_value("Authorization");
    std::optional<Caller> found;
    if (!options.write_token.empty() && same_secret(given, "Bearer " + options.write_token))
      found = Caller{"dispatcher", true};
    for (const auto& [name, token] : options.tokens) {  // every one compared, found or not
      if (same_secret(given, "Bearer " + token) && !found) found = Caller{name, true};
    }
    return found;
  }
  bool authorized(const httplib::Request& request) const { return caller_of(request).has_value(); }
  // Reads are open; callers' numbers only for token holders.
  Caller reader_of(const httplib::Request& request) const {
    return caller_of(request).value_or(Caller{"anonymous", false});
  }

  // A write endpoint: refused with 401 unless the request carries the server's token.
  template <typename Handler>
  auto guarded(Handler handler) {
    return [this, handler](const httplib::Request& request, httplib::Response& response) {
      if (!authorized(request)) return refuse_unauthorized(response);
      if (const auto refusal = api.replication ? api.replication->write_refusal() : std::nullopt) {
        Reply reply = error_reply(503, *refusal);
        reply.body["role"] = role_name(api.replication->role());
        response.set_header("Retry-After", "5");
        return send(response, reply);
      }
      handler(request, response);
      // Answered once the standby's copy is with the broker: "yes", "no" (timed out), "off".
      if (api.replication)
        response.set_header("Siaga-Replicated", api.replication->wait_replicated());
    };
  }

  void refuse_unauthorized(httplib::Response& response) {
    response.set_header("WWW-Authenticate", "Bearer");
    send(response, error_reply(401,
                               "a write needs the header Authorization: Bearer "
                               "<token> (siaga serve --token-file)"));
  }

  // A hot-standby pair (replication.h): its state, a new standby's starting point, promotion.
  void add_replica_routes() {
    http.get(
        "/v1/replica/status",
        [this](const auto&, auto& response) {
          send(response, {200, api.replication ? api.replication->status_json()
                                               : Json{{"role", "primary"}, {"paired", false}}});
        },
        Lane::io);  // a promotion asks it of the old primary: it must not queue behind routing
    http.get("/v1/replica/snapshot", [this](const auto& request, httplib::Response& response) {
      if (!authorized(request)) return refuse_unauthorized(response);
      if (!api.replication) return send(response, error_reply(404, "this server is not paired"));
      response.set_content(api.replication->snapshot(), "application/x-protobuf");
    });
    http.post("/v1/admin/promote", [this](const auto& request, auto& response) {
      if (!authorized(request)) return refuse_unauthorized(response);
      if (!api.replication)
        return send(response, error_reply(400, "this server is not part of a hot-standby pair"));
      const auto promotion = api.replication->promote([this] {
        if (!api.desk) return;
        const size_t freed = api.desk->free_units_without_incident();
        if (freed && options.log)
          options.log("promotion: " + std::to_string(freed) +
                      " units whose dispatch the old primary never recorded are free again");
        api.desk->follow_open_incidents();
      });
      Reply reply = promotion.status == 200
                        ? Reply{200, {{"role", "primary"}, {"message", promotion.message}}}
                        : error_reply(promotion.status, promotion.message);
      reply.body["epoch"] = promotion.epoch;
      reply.body["took_ms"] = promotion.took_ms;
      send(response, reply);
    });
  }

  // Wraps a handler: times it, counts its status, and turns any escaped exception into a 500
  // with a JSON error, so that no request can take the server down.
  template <typename Handler>
  server::Handler timed(Endpoint endpoint, Handler handler) {
    return [this, endpoint, handler](const httplib::Request& request, httplib::Response& response) {
      const auto start = std::chrono::steady_clock::now();
      try {
        handler(request, response);
      } catch (const std::exception& error) {
        send(response, error_reply(500, std::string("internal error: ") + error.what()));
        if (options.log) {
          options.log("internal error on " + request.method + " " + request.path + ": " +
                      error.what());
        }
      }
      stats[static_cast<size_t>(endpoint)].record(std::chrono::steady_clock::now() - start,
                                                  response.status);
    };
  }

  void add_osrm(const char* service, Endpoint endpoint,
                Reply (*answer)(Api&, std::string_view, std::string_view, const Params&)) {
    http.get(std::string("/") + service + R"(/v1/([^/]+)/([^/]+))",
             timed(endpoint,
                   [this, answer](const httplib::Request& request, httplib::Response& response) {
                     send(response, answer(api, request.matches[1].str(), request.matches[2].str(),
                                           request.params));
                   }),
             Lane::compute);
  }

  void add_routes() {
    add_osrm("route", Endpoint::route, osrm_route);
    add_osrm("table", Endpoint::table, osrm_table);
    add_osrm("nearest", Endpoint::nearest, osrm_nearest);
    http.post("/v1/recommend",
              timed(Endpoint::recommend, [this](const auto& request, auto& response) {
                send(response, recommend(api, request.body));
              }));
    http.post("/v1/dispatch",
              timed(Endpoint::dispatch, guarded([this](const auto& request, auto& response) {
                      send(response, dispatch(api, request.body));
                    })));
    http.get("/v1/units", timed(Endpoint::units, [this](const auto&, auto& response) {
               send(response, units(api));
             }));
    http.get("/v1/hazards", timed(Endpoint::hazards, [this](const auto&, auto& response) {
               send(response, hazards(api));
             }));
    http.post(R"(/v1/hazards/([^/]+)/(activate|deactivate))",
              timed(Endpoint::hazard_toggle,
                    guarded([this](const httplib::Request& request, auto& response) {
                      send(response, toggle_hazard(api, request.matches[1].str(),
                                                   request.matches[2].str() == "activate"));
                    })));
    http.get("/v1/incident-types",
             timed(Endpoint::incident_types,
                   [this](const auto&, auto& response) { send(response, incident_types(api)); }));
    http.get("/health",
             timed(Endpoint::health,
                   [this](const auto&, auto& response) { send(response, health(api, link())); }),
             Lane::io);  // answers while every worker routes: what a load balancer's probe needs
    http.get("/metrics", timed(Endpoint::metrics, [this](const auto&, auto& response) {
               response.set_content(server::metrics_text(api, link(), stats, http.counters()),
                                    "text/plain; version=0.0.4");
             }));
    http.get("/v1/network", timed(Endpoint::network, [this](const auto& request, auto& response) {
               response.set_header("Vary", "Accept-Encoding");
               if (accepts_gzip(request.get_header_value("Accept-Encoding"))) {
                 response.set_header("Content-Encoding", "gzip");
                 response.set_content(network_gzip, "application/json");
               } else {
                 response.set_content(gunzip(network_gzip), "application/json");
               }
             }));
    http.get("/v1/facilities", timed(Endpoint::facilities, [this](const auto&, auto& response) {
               response.set_content(dispatch::facilities_geojson(api.network, "all").dump(),
                                    "application/json");
             }));
    add_incident_routes();
    add_replica_routes();
    http.get("/v1/coverage/live",
             timed(Endpoint::coverage_live, [this](const auto& request, auto& response) {
               send(response, live_coverage(api, request.params));
             }));
    http.get("/v1/moveups", timed(Endpoint::moveups, [this](const auto&, auto& response) {
               send(response, moveups(api));
             }));
    http.get("/v1/places", timed(Endpoint::places, [this](const auto& request, auto& response) {
               send(response, places(api, request.params));
             }));
    http.get("/v1/labels", timed(Endpoint::labels, [this](const auto&, auto& response) {
               send(response, labels(api));
             }));
    http.get("/v1/land", timed(Endpoint::land, [this](const auto&, auto& response) {
               response.set_content(api.land_geojson, "application/json");
             }));
    http.get("/v1/cameras", timed(Endpoint::cameras, [this](const auto& request, auto& response) {
               send(response, cameras(api, request.params));
             }));
    http.post("/v1/moveups/accept",
              timed(Endpoint::moveup_accept, guarded([this](const auto& request, auto& response) {
                      send(response, accept_moveup(api, request.body));
                    })));
    http.get(
        "/",
        [](const auto&, httplib::Response& response) {
          response.set_redirect("/console/index.html");
        },
        Lane::io);
  }

  void add_incident_routes() {
    http.get("/v1/reports/response-times",
             timed(Endpoint::response_times, [this](const auto& request, auto& response) {
               send(response, response_times(api, request.params));
             }));
    const std::string one = R"(/v1/incidents/([A-Za-z0-9_-]{1,64}))";
    http.post(
        "/v1/incidents",
        timed(Endpoint::incidents_create, guarded([this](const auto& request, auto& response) {
                send(response,
                     create_incident(api, request.body, request.get_header_value("Idempotency-Key"),
                                     *caller_of(request)));
              })));
    http.get("/v1/incidents",
             timed(Endpoint::incidents_list, [this](const auto& request, auto& response) {
               send(response, list_incidents(api, request.params, reader_of(request)));
             }));
    http.get(one, timed(Endpoint::incident, [this](const auto& request, auto& response) {
               send(response, get_incident(api, request.matches[1].str(), reader_of(request)));
             }));
    http.get(one + "/photo", [this](const auto& request, httplib::Response& response) {
      const PhotoReply photo = incident_photo(api.public_reports, request.matches[1].str());
      if (photo.status != 200) return send(response, error_reply(404, "no photo"));
      response.set_content(photo.bytes, photo.content_type);
    });
    http.get(one + "/cameras",
             timed(Endpoint::incident_cameras, [this](const auto& request, auto& response) {
               send(response, incident_cameras(api, request.matches[1].str(), request.params));
             }));
    http.post(one + "/recommend",
              timed(Endpoint::incident_recommend, [this](const auto& request, auto& response) {
                send(response, recommend_for_incident(api, request.matches[1].str()));
              }));
    http.post(one + "/units",
              timed(Endpoint::incident_units, guarded([this](const auto& request, auto& response) {
                      send(response, dispatch_to_incident(api, request.matches[1].str(),
                                                          request.body, *caller_of(request)));
                    })));
    http.post(one + "/events",
              timed(Endpoint::incident_events, guarded([this](const auto& request, auto& response) {
                      send(response, incident_event(api, request.matches[1].str(), request.body,
                                                    *caller_of(request)));
                    })));
    http.post(one + "/close",
              timed(Endpoint::incident_close, guarded([this](const auto& request, auto& response) {
                      send(response, close_incident(api, request.matches[1].str(), request.body,
                                                    *caller_of(request)));
                    })));
  }
};

HttpServer::HttpServer(Api& api, HttpOptions options, std::function<MqttLink()> mqtt_link)
    : impl_(std::make_unique<Impl>(api, std::move(options), std::move(mqtt_link))) {
  Impl& impl = *impl_;
  impl.network_gzip = gzip(network_geojson(api.network).dump());
  if (!impl.options.console_dir.empty()) impl.http.mount("/console", impl.options.console_dir);
  if (!impl.options.leaflet_dir.empty()) impl.http.mount("/leaflet", impl.options.leaflet_dir);
  impl.http.on_error([](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty()) return;  // a handler's own answer
    const std::string what = response.status == 404   ? "no such endpoint: " + request.path
                             : response.status == 413 ? "request body too large"
                             : response.status == 431 ? "request header too large"
                             : response.status == 503 ? "busy: every worker is answering, retry"
                                                      : "bad request";
    send(response, error_reply(response.status, what));
  });
  impl.add_routes();
  impl.port = impl.http.bind(impl.options.host, impl.options.port);
}

HttpServer::~HttpServer() {
  stop();
}

int HttpServer::port() const {
  return impl_->port;
}

void HttpServer::start() {
  // Already bound: connections made before the thread runs wait in the listen backlog.
  impl_->http.start();
}

void HttpServer::stop() {
  impl_->http.stop();
}

std::string HttpServer::metrics_text() const {
  return server::metrics_text(impl_->api, impl_->link(), impl_->stats, impl_->http.counters());
}

}  // namespace siaga::server
