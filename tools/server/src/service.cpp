#include "siaga/server/service.h"

#include <malloc.h>
#include <siaga.pb.h>

#include <fstream>
#include <sstream>

#include "siaga/dispatch/area_labels.h"
#include "siaga/dispatch/incident_classes.h"
#include "siaga/dispatch/response_plans.h"
#include "siaga/geodata/coastline.h"
#include "siaga/geodata/snapper.h"
#include "siaga/mqtt/topics.h"
#include "siaga/routing/query_pool.h"
#include "siaga/server/api.h"
#include "siaga/server/coverage_api.h"
#include "siaga/server/ingest.h"
#include "siaga/server/mutual_aid.h"
#include "siaga/server/public_server.h"
#include "siaga/server/response_metrics.h"

namespace siaga::server {

namespace {

// The log as a stream for the loaders that write to one; flushed line by line into `log`.
class LogLines {
 public:
  explicit LogLines(const std::function<void(const std::string&)>& log) : log_(log) {}
  ~LogLines() {
    std::string line;
    while (std::getline(text_, line)) {
      if (log_ && !line.empty()) log_(line);
    }
  }
  std::ostream& stream() { return text_; }

 private:
  const std::function<void(const std::string&)>& log_;
  std::stringstream text_;
};

// Takes the hazard zones out of the options: they live on in the live metrics only.
std::unique_ptr<dispatch::RoutingSetup> load_setup(ServiceOptions& options) {
  LogLines lines(options.log);
  auto setup = dispatch::load_routing(options.data, std::move(options.layers.hazards),
                                      options.profiles_file, lines.stream());
  setup->live->set_active(options.active_zones);
  return setup;
}

std::optional<CoverageSetup> load_coverage(const ServiceOptions& options,
                                           const geodata::RoadNetwork& network,
                                           const geodata::Snapper& snapper) {
  if (options.coverage_scenario_file.empty() ||
      !std::filesystem::exists(options.coverage_scenario_file))
    return std::nullopt;
  try {
    return load_coverage_setup(network, options.coverage_scenario_file,
                               routing::Segments(snapper.segments()));
  } catch (const dispatch::ScenarioError& error) {
    // A real extract without the scenario's facilities: the rest of the server still runs.
    if (options.log)
      options.log(std::string("live coverage and move-ups are off: ") + error.what() +
                  " (give --coverage-scenario with stations of your own)");
    return std::nullopt;
  }
}

// Streets and facilities from the graph, settlements and landmarks from the OSM file, kecamatan
// from the seats file, each where the data has them.
dispatch::PlaceIndex place_index(const ServiceOptions& options,
                                 const geodata::RoadNetwork& network) {
  std::vector<geodata::NamedPlace> named;
  if (std::filesystem::exists(options.data.osm))
    named = geodata::load_named_places(options.data.osm);
  std::vector<dispatch::AreaSeat> seats;
  if (!options.kecamatan_seats_file.empty() &&
      std::filesystem::exists(options.kecamatan_seats_file))
    seats = dispatch::load_area_seats(options.kecamatan_seats_file);
  return dispatch::PlaceIndex(network, named, seats);
}

std::optional<dispatch::CameraIndex> camera_index(const ServiceOptions& options) {
  if (options.cameras_file.empty() || !std::filesystem::exists(options.cameras_file))
    return std::nullopt;
  return dispatch::CameraIndex(dispatch::load_cameras(options.cameras_file));
}

// The land layer for the console's map: the schematic island's coastline beside the schematic
// roads; for a real extract, the islands its natural=coastline ways close around; else none.
std::string land_layer(const ServiceOptions& options, const geodata::RoadNetwork& network) {
  dispatch::Json land = {{"type", "FeatureCollection"}, {"features", dispatch::Json::array()}};
  if (dispatch::dataset_label(network).value("schematic", false)) {
    if (options.land_file.empty() || !std::filesystem::exists(options.land_file))
      return land.dump();
    std::ifstream in(options.land_file);
    const dispatch::Json drawn = dispatch::Json::parse(in, nullptr, false);
    if (!drawn.is_discarded() && drawn.value("type", "") == "FeatureCollection")
      return drawn.dump();
    if (options.log)
      options.log("no land on the map: " + options.land_file.string() +
                  " is not a GeoJSON FeatureCollection");
    return land.dump();
  }
  if (!std::filesystem::exists(options.data.osm)) return land.dump();
  const geodata::Coastline coastline = geodata::load_coastline(options.data.osm);
  for (const auto& ring : coastline.rings) {
    dispatch::Json coordinates = dispatch::Json::array();
    for (const geodata::LatLon& point : ring) coordinates.push_back({point.lon, point.lat});
    land["features"].push_back(
        {{"type", "Feature"},
         {"properties", {{"source", "OSM natural=coastline"}}},
         {"geometry", {{"type", "Polygon"}, {"coordinates", {coordinates}}}}});
  }
  if (coastline.open_pieces && options.log)
    options.log(
        std::to_string(coastline.open_pieces) +
        " coastline pieces do not close inside the extract: the map shows roads alone there");
  return land.dump();
}

// Options refused whatever the data: before the island is loaded, not after.
ServiceOptions checked(ServiceOptions options) {
  if ((options.replicate || !options.standby_of.empty()) && !options.mqtt)
    throw InputError("a hot-standby pair (--replicate, --standby-of) needs a broker (--mqtt)");
  return options;
}

// The replication's own MQTT session beside the intake's: its acknowledgements are waited for
// by writes, never behind a burst of fixes.
ReplicationOptions replication_options(const ServiceOptions& options) {
  ReplicationOptions replication;
  replication.publish = options.replicate;
  replication.standby_of = options.standby_of;
  replication.token = options.standby_token;
  replication.topics = options.topics;
  replication.state_dir = options.store.state_dir;
  if (options.mqtt) {
    replication.mqtt = *options.mqtt;
    replication.mqtt.client_id += "-replica";
    replication.mqtt.on_link_change = [log = options.log](const std::string& message) {
      if (log) log("replication: " + message);
    };
  }
  replication.log = options.log;
  return replication;
}

mqtt::ClientOptions offline_client() {
  mqtt::ClientOptions client;
  client.client_id = "siaga-engine";
  return client;
}

}  // namespace

// Members in the order they are built; destroyed in reverse, so the servers stop before what they
// read goes away.
struct Service::Parts {
  ServiceOptions options;
  std::unique_ptr<dispatch::RoutingSetup> setup;
  std::vector<dispatch::IncidentClass> classes;
  tracking::TrackingStore store;
  tracking::IncidentStore incidents;
  Replication replication;
  routing::QueryPool queries;
  std::vector<dispatch::ResponsePlan> plans;
  dispatch::AreaLabels areas;
  dispatch::DispatchContext context;
  dispatch::IncidentDesk desk;
  std::vector<dispatch::ResponseTarget> targets;
  std::optional<CoverageSetup> coverage;
  dispatch::PlaceIndex places;
  std::optional<dispatch::CameraIndex> cameras;
  Relocations relocations;
  ResponseMetrics response_metrics;
  Ingest ingest;
  Api api;
  HttpServer http;
  TrackerIntake tracker_intake;
  std::unique_ptr<TrackerServer> trackers;
  std::unique_ptr<PublicReports> public_reports;
  std::unique_ptr<PublicServer> public_server;
  bool started = false;

  explicit Parts(ServiceOptions given)
      : options(checked(std::move(given))),
        setup(load_setup(options)),
        classes(
            dispatch::load_incident_classes(options.incident_types_file, setup->live->profiles())),
        store(tracking::load_fleet(options.fleet_file), setup->network, store_options()),
        incidents(options.store.state_dir.empty() ? std::filesystem::path()
                                                  : options.store.state_dir / "incidents.sqlite"),
        replication(replication_options(options), incidents, store,
                    [this](const std::string& zone_id, bool active) {
                      v1::HazardToggle toggle;
                      toggle.set_zone_id(zone_id);
                      toggle.set_active(active);
                      apply_hazard_toggle(toggle);
                    }),
        queries(*setup->cch),
        plans(dispatch::load_response_plans(options.response_plans_file, classes,
                                            setup->live->profiles())),
        areas(std::move(options.layers.kecamatan), std::move(options.layers.desa),
              options.kecamatan_seats_file),
        context{setup->network, store.snapper(), *setup->live, classes},
        desk(context, store, incidents, queries, plans, desk_options()),
        targets(dispatch::load_response_targets(options.response_targets_file)),
        coverage(load_coverage(options, setup->network, store.snapper())),
        places(place_index(options, setup->network)),
        cameras(camera_index(options)),
        // Without a broker the intake is built but never started (it needs a client id all the
        // same).
        ingest(
            store, options.mqtt.value_or(offline_client()),
            [this](const v1::HazardToggle& toggle) { apply_hazard_toggle(toggle); },
            [this](std::string_view unit_id, uint64_t) { on_fix_accepted(unit_id); },
            [this](const tracking::StatusReport& report) {
              if (replication.role() != Role::primary) return;
              if (const auto status = tracking::parse_unit_status(report.status))
                desk.on_status_accepted(report.unit_id, *status, report.incident_id);
            },
            options.topics),
        api{setup->network, store.snapper(), *setup->live, store, classes, queries, {}},
        http(api, options.http, [this] { return mqtt_link(); }),
        tracker_intake(store, [this](std::string_view unit_id) { on_fix_accepted(unit_id); }) {
    if (options.trackers)
      trackers = std::make_unique<TrackerServer>(tracker_intake, *options.trackers);
    if (options.public_listen) {
      PublicReportOptions report_options;
      report_options.state_dir = options.store.state_dir;
      public_reports = std::make_unique<PublicReports>(api, report_options);
      public_server = std::make_unique<PublicServer>(*public_reports, *options.public_listen);
      api.public_reports = public_reports.get();
    }
    if (options.mqtt)
      api.publish = [this](const auto& topic, const auto& payload) {
        return publish(topic, payload);
      };
    api.topics = options.topics;
    if (!options.neighbours.empty())
      api.ask_neighbours = [this](const Json& request) {
        return ask_neighbours(this->options.neighbours, request, this->options.neighbour_timeout);
      };
    api.desk = &desk;
    api.incidents = &incidents;
    if (replication.enabled()) api.replication = &replication;
    api.response_targets = targets;
    api.response_metrics = &response_metrics;
    if (coverage) api.coverage = &*coverage;
    api.relocations = &relocations;
    api.places = &places;
    if (cameras) api.cameras = &*cameras;
    api.land_geojson = land_layer(options, setup->network);
    desk.on_change([this](const dispatch::IncidentChange& change) {
      replication.incident_changed(change.incident);
      response_metrics.observe(change);
      tell(change);
    });
  }

  // Every fix the store accepted, from MQTT or from an HTTP tracker: the desk follows units on
  // calls, the relocations units on their way to a post.
  // A standby only keeps the fixes: its primary decides what they mean for the incidents.
  void on_fix_accepted(std::string_view unit_id) {
    if (replication.role() != Role::primary) return;
    desk.on_fix_accepted(unit_id);
    relocations.on_fix(store, unit_id, tracking::now_ms());
  }

  // The engine's own status changes go to the standby (the crews' reach it from the broker).
  tracking::StoreOptions store_options() {
    tracking::StoreOptions store_options = options.store;
    store_options.engine_status_changed = [this](const tracking::StatusReport& change) {
      replication.unit_status_changed(change);
    };
    return store_options;
  }

  dispatch::DeskOptions desk_options() {
    dispatch::DeskOptions desk_options;
    desk_options.rules = dispatch::load_auto_status_rules(options.auto_status_file);
    desk_options.kecamatan_of = [this](geodata::LatLon at) { return areas.kecamatan(at); };
    desk_options.desa_of = [this](geodata::LatLon at) { return areas.desa(at); };
    return desk_options;
  }

  // Every durable change of an incident on ROOT/events/incident; a unit sent also on
  // ROOT/events/dispatch, for the crew's device.
  void tell(const dispatch::IncidentChange& change) {
    if (!options.mqtt) return;
    const tracking::Incident& incident = change.incident;
    v1::IncidentEvent event;
    event.set_incident_id(incident.id);
    event.set_kind(change.event.kind);
    event.set_status(std::string(tracking::incident_status_name(incident.status)));
    event.set_unit_id(std::string(change.unit_id));
    event.set_text(change.event.text);
    event.set_who(change.event.who);
    event.set_time_ms(change.event.time_ms);
    event.set_incident_class(incident.incident_class);
    event.set_lat(incident.location.lat);
    event.set_lon(incident.location.lon);
    publish(options.topics.event("incident"), event.SerializeAsString());
    if (change.event.kind != "unit_dispatched") return;
    const auto state = store.unit(change.unit_id, tracking::now_ms());
    if (!state) return;
    v1::DispatchEvent dispatched;
    dispatched.set_unit_id(state->unit.id);
    dispatched.set_incident_id(incident.id);
    dispatched.set_incident_type(incident.incident_class);
    dispatched.set_lat(incident.location.lat);
    dispatched.set_lon(incident.location.lon);
    dispatched.set_status_seq(state->status_seq);
    dispatched.set_time_ms(state->status_time_ms);
    publish(options.topics.event("dispatch"), dispatched.SerializeAsString());
  }

  void log(const std::string& message) const {
    if (options.log) options.log(message);
  }

  // A hazard toggle from MQTT (BPBD's field devices) changes the live metrics like the HTTP one.
  void apply_hazard_toggle(const v1::HazardToggle& toggle) {
    try {
      const uint64_t version = toggle.active() ? setup->live->activate(toggle.zone_id())
                                               : setup->live->deactivate(toggle.zone_id());
      log("hazard " + toggle.zone_id() + (toggle.active() ? " on" : " off") + " (metrics version " +
          std::to_string(version) + ")");
      desk.on_metrics_changed();
    } catch (const routing::UnknownZone& error) {
      log(std::string("hazard toggle ignored: ") + error.what());
    }
  }

  bool publish(const std::string& topic, const std::string& payload) {
    try {
      ingest.client().publish(topic, payload);
      return true;
    } catch (const mqtt::ClientError& error) {
      log(error.what());
      return false;
    }
  }

  MqttLink mqtt_link() {
    if (!options.mqtt) return {};
    return {ingest.client().connected(), ingest.client().connect_count()};
  }
};

Service::Service(ServiceOptions options) : parts_(std::make_unique<Parts>(std::move(options))) {}

Service::~Service() {
  stop();
}

void Service::start() {
  // Importing, building the CCH and the first customizations leave tens of MB freed inside the
  // heap, which glibc keeps unless asked: on the island 117 MB resident before, 90 MB after.
  malloc_trim(0);
  parts_->replication.start("http://" + parts_->options.http.host + ":" +
                            std::to_string(http_port()));
  if (parts_->options.mqtt) parts_->ingest.start();
  parts_->http.start();
  if (parts_->trackers) parts_->trackers->start();
  if (parts_->public_server) parts_->public_server->start();
  parts_->started = true;
}

void Service::stop() {
  if (!parts_->started) return;
  parts_->http.stop();
  if (parts_->trackers) parts_->trackers->stop();
  if (parts_->public_server) parts_->public_server->stop();
  if (parts_->options.mqtt) parts_->ingest.stop();
  parts_->replication.stop();
  parts_->store.sync();
  parts_->started = false;
}

int Service::http_port() const {
  return parts_->http.port();
}

int Service::public_port() const {
  return parts_->public_server ? parts_->public_server->port() : 0;
}

int Service::trackers_port() const {
  return parts_->trackers ? parts_->trackers->port() : 0;
}

tracking::TrackingStore& Service::store() {
  return parts_->store;
}

tracking::IncidentStore& Service::incidents() {
  return parts_->incidents;
}

Replication& Service::replication() {
  return parts_->replication;
}

dispatch::Json Service::ready_json() const {
  const Parts& parts = *parts_;
  const std::string url = "http://" + parts.options.http.host + ":" + std::to_string(http_port());
  dispatch::Json ready = {{"ready", true}, {"listen", url}, {"console", url + "/"}};
  ready.update(dispatch::dataset_label(parts.setup->network));
  ready["mqtt"] = parts.options.mqtt ? parts.options.mqtt->broker.host + ":" +
                                           std::to_string(parts.options.mqtt->broker.port)
                                     : "none";
  ready["writes_need_token"] =
      !parts.options.http.write_token.empty() || !parts.options.http.tokens.empty();
  ready["topics"] = parts.options.topics.root();
  ready["neighbours"] = parts.options.neighbours;
  ready["role"] = role_name(parts.replication.role());
  if (!parts.options.standby_of.empty()) ready["standby_of"] = parts.options.standby_of;
  ready["units"] = parts.store.fleet().units.size();
  ready["sample_fleet"] = parts.store.fleet().sample;
  ready["hazard_zones"] = parts.setup->live->hazards().zones.size();
  ready["state"] = parts.store.options().state_dir.string();
  ready["incident_areas"] = parts.areas.method();
  ready["cameras"] = parts.cameras ? Json(parts.cameras->file().cameras.size()) : Json(nullptr);
  ready["sample_cameras"] = parts.cameras && parts.cameras->file().sample;
  ready["public"] = parts.public_server
                        ? Json((parts.public_server->https() ? "https://" : "http://") +
                               parts.options.public_listen->host + ":" +
                               std::to_string(public_port()) + "/darurat/")
                        : Json(nullptr);
  ready["trackers"] =
      parts.trackers ? Json((parts.trackers->https() ? "https://" : "http://") +
                            parts.options.trackers->host + ":" + std::to_string(trackers_port()))
                     : Json(nullptr);
  return ready;
}

}  // namespace siaga::server
