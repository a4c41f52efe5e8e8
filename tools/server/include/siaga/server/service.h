// What `siaga serve` runs, in one process: the island's graph with its CCH and the live metrics of
// every vehicle profile under the hazard layers, the tracking store fed over MQTT by the intake,
// the HTTP API (/v1 and OSRM) and the console. The command line only parses options into
// ServiceOptions, starts the service, and waits for a stop signal.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "siaga/dispatch/dataset.h"
#include "siaga/dispatch/incident_desk.h"
#include "siaga/geodata/server_layers.h"
#include "siaga/mqtt/client.h"
#include "siaga/mqtt/topics.h"
#include "siaga/server/http_server.h"
#include "siaga/server/public_server.h"
#include "siaga/server/replication.h"
#include "siaga/server/tracker_server.h"
#include "siaga/tracking/store.h"

namespace siaga::server {

struct ServiceOptions {
  dispatch::DataPaths data;
  // The hazard zones and the OSM boundaries, read by the caller (geodata::read_server_layers, with
  // GDAL, which the server process never loads: `siaga serve` hands them to `siaga-server`).
  geodata::ServerLayers layers;
  std::vector<std::string> active_zones;  // at start
  std::filesystem::path profiles_file = dispatch::default_profiles_file();
  std::filesystem::path incident_types_file = dispatch::default_incident_types_file();
  std::filesystem::path response_plans_file = dispatch::default_response_plans_file();
  std::filesystem::path auto_status_file = dispatch::default_auto_status_file();
  std::filesystem::path response_targets_file = dispatch::default_response_targets_file();
  std::filesystem::path kecamatan_seats_file;  // for incidents' labels when the map has no
                                               // boundaries; may be missing
  std::filesystem::path fleet_file;
  // Live coverage and move-ups are measured against this scenario's targets and stations; empty
  // or missing: /v1/coverage/live and /v1/moveups answer 503.
  std::filesystem::path coverage_scenario_file;
  // The CCTV register (GeoJSON points); empty or missing: /v1/cameras answers 503.
  std::filesystem::path cameras_file;
  // The land for the console's map (GeoJSON), used with the schematic roads only.
  std::filesystem::path land_file;
  tracking::StoreOptions store;             // the incidents go to incidents.sqlite in its state_dir
  std::optional<mqtt::ClientOptions> mqtt;  // none: no broker, the store fed by nothing
  // The region's topics: siaga/v1 (one region on the broker), or siaga/v2/{region}.
  mqtt::Topics topics;
  // Neighbouring regions' servers (http://HOST:PORT) asked for mutual aid on every
  // recommendation, each given `neighbour_timeout`.
  std::vector<std::string> neighbours;
  std::chrono::milliseconds neighbour_timeout{1500};
  // A hot-standby pair (replication.h): this primary feeds standbys, or this instance starts as
  // the standby of the primary at standby_of (http://HOST:PORT, whose token is standby_token).
  // Both need `mqtt`.
  bool replicate = false;
  std::string standby_of;
  std::string standby_token;
  HttpOptions http;
  std::optional<TrackerListenOptions> trackers;  // the trackers' HTTP(S) listener; none: off
  // The citizens' panic button (/darurat) on its own HTTP(S) listener; none: off. Its photos and
  // key go to the store's state_dir.
  std::optional<PublicListenOptions> public_listen;
  // Told what an operator must know: repaired or rejected hazard features, hazard toggles that
  // arrive over MQTT, failed publications.
  std::function<void(const std::string& message)> log;
};

class Service {
 public:
  // Loads everything and binds the HTTP port; nothing is served before start(). Throws what
  // loading throws (IoError, DataError types) and IoError when the port cannot be bound.
  explicit Service(ServiceOptions options);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  void start();  // the MQTT intake and the HTTP server, each on its own threads
  void stop();   // both, then makes everything the store accepted durable

  int http_port() const;
  int trackers_port() const;  // 0 without the trackers' listener
  int public_port() const;    // 0 without the citizens' listener
  tracking::TrackingStore& store();
  tracking::IncidentStore& incidents();
  Replication& replication();
  // The one line `siaga serve` prints when it is ready: {"ready": true, "listen": URL, ...}.
  dispatch::Json ready_json() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace siaga::server
