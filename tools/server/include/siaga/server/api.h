// What `siaga serve` holds while it runs, and the HTTP API's answers computed from it. The answers
// are plain functions from a request's parts to a Reply, with no HTTP library in sight, so that
// tests and fuzzers call them directly and the server only wires them to URLs.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "siaga/dispatch/cameras.h"
#include "siaga/dispatch/geojson.h"
#include "siaga/dispatch/incident_classes.h"
#include "siaga/dispatch/incident_desk.h"
#include "siaga/dispatch/place_search.h"
#include "siaga/dispatch/response_times.h"
#include "siaga/geodata/snapper.h"
#include "siaga/mqtt/topics.h"
#include "siaga/routing/live_metrics.h"
#include "siaga/routing/query_pool.h"
#include "siaga/tracking/store.h"

namespace siaga::server {

using dispatch::Json;

// A JSON answer and its HTTP status. Big parts written straight to JSON text (a route's thousand
// coordinates: as a Json tree, two allocations a point and most of the request's time) stand in
// the body as the marker add_raw() returned until reply_text() puts raw[i] in its place.
struct Reply {
  Reply() = default;
  Reply(int status, Json body) : status(status), body(std::move(body)) {}
  int status = 200;
  Json body;
  std::vector<std::string> raw;
};

// Keeps `json_text` in the reply; what to put in the body where it goes.
Json add_raw(Reply& reply, std::string json_text);
// The body as JSON text, every marker replaced by its text.
std::string reply_text(const Reply& reply);

// Query-string parameters, as HTTP libraries hand them over.
using Params = std::multimap<std::string, std::string>;

// What a neighbouring region's server answered to the same recommendation (mutual aid, see
// mutual_aid.h): its JSON answer, or why there is none.
struct NeighbourAnswer {
  std::string url;
  Json answer;        // its POST /v1/recommend answer when `error` is empty
  std::string error;  // "timed out", "answered 503: …"
};

// Everything the API reads and changes. Publishing is a callback so that the engine does not need
// a broker in tests of the API alone; `siaga serve` wires it to its MQTT client.
struct Api {
  using Publish = std::function<bool(const std::string& topic, const std::string& payload)>;

  const geodata::RoadNetwork& network;
  const geodata::Snapper& snapper;
  routing::LiveMetrics& live;
  tracking::TrackingStore& store;
  std::span<const dispatch::IncidentClass> incident_classes;
  routing::QueryPool& queries;
  Publish publish;  // may be empty: events are then not published
  std::function<int64_t()> clock = tracking::now_ms;
  // The incident history and the desk that works on it; null when this server keeps none (the
  // /v1/incidents endpoints then answer 503).
  dispatch::IncidentDesk* desk = nullptr;
  tracking::IncidentStore* incidents = nullptr;
  std::span<const dispatch::ResponseTarget> response_targets = {};  // for the response-time report
  class ResponseMetrics* response_metrics = nullptr;                // for /metrics; may be null
  // The scenario live coverage and move-ups are measured against; null: they answer 503.
  const struct CoverageSetup* coverage = nullptr;
  class Relocations* relocations = nullptr;        // accepted move-ups; null: accepting answers 503
  const dispatch::PlaceIndex* places = nullptr;    // place search; null: /v1/places answers 503
  const dispatch::CameraIndex* cameras = nullptr;  // the CCTV register; null: /v1/cameras 503
  // The citizens' reports (their counters and photos); null without the public listener.
  const class PublicReports* public_reports = nullptr;
  // A hot-standby pair's replication (replication.h); null when this server is not in one.
  class Replication* replication = nullptr;
  // The MQTT topics events go out on: siaga/v1, or siaga/v2/{region} (whose code then labels the
  // recommendations).
  mqtt::Topics topics{};
  // Mutual aid: asks the neighbouring regions' servers for their ranking of a call; empty: no
  // neighbours configured.
  std::function<std::vector<NeighbourAnswer>(const Json& request)> ask_neighbours{};
  // GET /v1/land: the land layer as GeoJSON (the schematic island's coastline, or none).
  std::string land_geojson = R"({"type":"FeatureCollection","features":[]})";
};

// {"error": message} with the status; every 4xx and 5xx of the /v1 API looks like this.
Reply error_reply(int status, std::string message);

// POST /v1/recommend {lat, lon, type, k}
Reply recommend(Api& api, std::string_view body);
// POST /v1/dispatch {unit_id, incident_id, [type, lat, lon]}
Reply dispatch(Api& api, std::string_view body);
// GET /v1/units
Reply units(Api& api);
// GET /v1/hazards: a GeoJSON FeatureCollection of every zone with its `active` flag.
Reply hazards(Api& api);
// POST /v1/hazards/{id}/activate|deactivate
Reply toggle_hazard(Api& api, std::string_view zone_id, bool active);
// GET /v1/places?q=TEXT[&limit=N]: places by name (streets, settlements, landmarks, facilities,
// kecamatan), best first; "A dekat B" gives A's point nearest B. 400 for an empty or overlong q.
Reply places(Api& api, const Params& params);
// GET /v1/labels: the kecamatan and settlements as GeoJSON points, for the map's names.
Reply labels(Api& api);

// GET /v1/incident-types: the classes and the unit types answering each.
Reply incident_types(Api& api);
// The engine's MQTT session as /health and /metrics show it.
struct MqttLink {
  bool connected = false;
  uint64_t connects = 0;  // sessions opened since start: above one, the link has dropped
};

// GET /health
Reply health(Api& api, MqttLink mqtt);
// GET /v1/network: the road network as GeoJSON, one MultiLineString per road class.
Json network_geojson(const geodata::RoadNetwork& network);

}  // namespace siaga::server
