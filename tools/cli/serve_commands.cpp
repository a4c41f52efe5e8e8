// `siaga serve`: the dispatch server (graph, hazards, tracking over MQTT, HTTP API and console in
// one process), and `siaga nearest`: the dispatcher's question from the command line, asked of a
// running server or answered offline from a fleet file.
#include <httplib.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "options.h"
#include "siaga/dispatch/dataset.h"
#include "siaga/dispatch/recommendation.h"
#include "siaga/server/api.h"
#include "siaga/server/broker_credentials.h"
#include "siaga/server/service.h"
#include "siaga/server/tracking_json.h"

namespace siaga::cli {

namespace {

namespace fs = std::filesystem;

struct ServeArguments {
  TrackingArguments tracking;
  std::vector<std::string> neighbours;  // mutual aid: the neighbouring regions' servers
  std::string listen = "127.0.0.1:8112";
  std::string hazards;  // FILE[,FILE]; default: the data folder's illustrative layer
  std::string active;   // ID[,ID] active at start
  std::string profiles = dispatch::default_profiles_file().string();
  std::string incident_types = dispatch::default_incident_types_file().string();
  std::string console = (fs::path(SIAGA_SOURCE_DIR) / "tools/server/console").string();
  std::string trackers_listen;  // HOST:PORT of the trackers' HTTP(S) listener; empty: none
  std::string trackers_certificate;
  std::string trackers_key;
  std::string token_file;         // the tokens writes need (dispatch, incidents, hazard toggles)
  std::string coverage_scenario;  // live coverage's targets and stations; default: baseline
  std::string cameras;            // the CCTV register; default: the data folder's sample; none
  std::string public_listen;      // HOST:PORT of the citizens' panic button; empty: none
  std::string public_certificate;
  std::string public_key;
  std::string public_page = (fs::path(SIAGA_SOURCE_DIR) / "tools/server/darurat").string();
  bool replicate = false;  // a hot-standby pair's primary
  std::string standby_of;  // http://HOST:PORT: start as its standby
};

// The tokens that writes need: one per line, "NAME TOKEN" (the name goes into the incidents' log)
// or a bare TOKEN (named "dispatcher"); blank lines and # comments are skipped. Each token is 16
// characters at least.
std::vector<std::string> hazard_files(const CommandOptions& options, const std::string& given) {
  if (!given.empty()) return split_list(given);
  const fs::path illustrative =
      dispatch::data_dir(options.data_dir) / "hazards-illustrative.geojson";
  if (fs::exists(illustrative)) return {illustrative.string()};
  return {};
}

// HOST:PORT as for the broker, and HOST:0 for any free port (tests, several servers).
std::pair<std::string, int> listen_address(const std::string& text) {
  if (text.ends_with(":0")) return {text.substr(0, text.size() - 2), 0};
  const mqtt::Endpoint listen = mqtt::parse_endpoint(text);
  return {listen.host, listen.port};
}

// The citizens' listener: HTTPS with a certificate; plain HTTP is for loopback and a TLS proxy.
server::PublicListenOptions public_listen_options(const ServeArguments& arguments) {
  server::PublicListenOptions options;
  std::tie(options.host, options.port) = listen_address(arguments.public_listen);
  if (arguments.public_certificate.empty() != arguments.public_key.empty())
    throw InputError("--public-cert and --public-key go together");
  options.certificate = arguments.public_certificate;
  options.key = arguments.public_key;
  options.page_dir = arguments.public_page;
  if (options.certificate.empty() && options.host != "127.0.0.1" && options.host != "localhost")
    std::cerr << "siaga serve: the citizens' listener on " << options.host
              << " speaks plain HTTP: phones will not give the page their position; give "
                 "--public-cert and --public-key, or put a TLS proxy in front\n";
  return options;
}

server::HttpOptions http_options(const ServeArguments& arguments) {
  server::HttpOptions options;
  std::tie(options.host, options.port) = listen_address(arguments.listen);
  options.console_dir = arguments.console;
  options.log = [](const std::string& message) { std::cerr << "siaga serve: " << message << "\n"; };
  if (!arguments.token_file.empty()) options.tokens = read_tokens(arguments.token_file);
  return options;
}

int run_serve(const CommandOptions& options, const ServeArguments& arguments) {
  const sigset_t signals = block_stop_signals();
  server::ServiceOptions service_options;
  service_options.data = paths_of(options);
  service_options.hazard_files = hazard_files(options, arguments.hazards);
  service_options.active_zones = split_list(arguments.active);
  service_options.profiles_file = arguments.profiles;
  service_options.incident_types_file = arguments.incident_types;
  service_options.fleet_file = fleet_file(options, arguments.tracking.fleet);
  service_options.kecamatan_seats_file =
      dispatch::data_dir(options.data_dir) / "kecamatan-seats.json";
  service_options.coverage_scenario_file =
      arguments.coverage_scenario.empty()
          ? dispatch::data_dir(options.data_dir) / "scenarios/baseline.json"
          : fs::path(arguments.coverage_scenario);
  if (!arguments.coverage_scenario.empty() && !fs::exists(arguments.coverage_scenario))
    throw IoError("no coverage scenario " + arguments.coverage_scenario);
  if (arguments.cameras.empty())
    service_options.cameras_file = dispatch::data_dir(options.data_dir) / "cameras-SAMPLE.geojson";
  else if (arguments.cameras != "none")
    service_options.cameras_file = arguments.cameras;
  if (!service_options.cameras_file.empty() && !arguments.cameras.empty() &&
      !fs::exists(service_options.cameras_file))
    throw IoError("no cameras file " + arguments.cameras);
  service_options.land_file = dispatch::data_dir(options.data_dir) / "land-schematic.geojson";
  service_options.store = store_options(arguments.tracking, false);
  if (arguments.tracking.mqtt != "none")
    // A standby's own session: two engines with one client id would throw each other off.
    service_options.mqtt = mqtt_client(
        arguments.tracking, arguments.standby_of.empty() ? "siaga-engine" : "siaga-standby",
        server::engine_user);
  service_options.replicate = arguments.replicate;
  service_options.standby_of = arguments.standby_of;
  // The pair shares its token file: the standby shows the primary its first token.
  if (!arguments.token_file.empty())
    service_options.standby_token = read_tokens(arguments.token_file).front().second;
  service_options.topics = region_topics(arguments.tracking);
  service_options.neighbours = arguments.neighbours;
  service_options.http = http_options(arguments);
  if (!arguments.trackers_listen.empty()) {
    server::TrackerListenOptions trackers;
    const auto [host, port] = listen_address(arguments.trackers_listen);
    trackers.host = host;
    trackers.port = port;
    if (arguments.trackers_certificate.empty() != arguments.trackers_key.empty())
      throw InputError("--trackers-cert and --trackers-key go together");
    trackers.certificate = arguments.trackers_certificate;
    trackers.key = arguments.trackers_key;
    // Devices send their secrets with every fix: in clear only on loopback or behind a TLS proxy.
    if (trackers.certificate.empty() && trackers.host != "127.0.0.1" &&
        trackers.host != "localhost")
      std::cerr << "siaga serve: the trackers' listener on " << trackers.host
                << " speaks plain HTTP: give --trackers-cert and --trackers-key, or put a TLS "
                   "proxy in front\n";
    service_options.trackers = trackers;
  }
  if (!arguments.public_listen.empty())
    service_options.public_listen = public_listen_options(arguments);
  service_options.log = [](const std::string& message) {
    std::cerr << "siaga serve: " << message << "\n";
  };
  server::Service service(std::move(service_options));
  service.start();
  std::cout << service.ready_json().dump() << std::endl;
  int signal = 0;
  sigwait(&signals, &signal);
  service.stop();
  sync_and_report_stopped(service.store());
  return 0;
}

CommandRegistration serve_command(CLI::App& app, CommandOptions& options) {
  auto arguments = std::make_shared<ServeArguments>();
  CLI::App* command = app.add_subcommand(
      "serve", "the dispatch server: HTTP API (OSRM-compatible and /v1), console, MQTT tracking");
  add_data_options(command, options);
  command->add_option("--listen", arguments->listen, "HTTP HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  add_mqtt_options(command, arguments->tracking, "siaga-engine", "broker HOST:PORT, or none");
  add_store_options(command, arguments->tracking);
  command->add_option("--hazards", arguments->hazards,
                      "hazard layers FILE[,FILE] (default: the data folder's illustrative layer)");
  command->add_option("--active", arguments->active, "zone ids ID[,ID] active at start");
  command->add_option("--profiles", arguments->profiles, "vehicle profile file (JSON)");
  command->add_option("--incident-types", arguments->incident_types, "incident classes (JSON)");
  command->add_option("--console", arguments->console, "folder of the console's web page");
  command->add_option("--trackers-listen", arguments->trackers_listen,
                      "HOST:PORT for Traccar Client, OsmAnd, OwnTracks (HTTP) and Traccar "
                      "forwarding (port 0: any free port); none by default");
  command->add_option("--trackers-cert", arguments->trackers_certificate,
                      "certificate (PEM) of the trackers' listener: HTTPS only");
  command->add_option("--trackers-key", arguments->trackers_key, "its private key (PEM)");
  command->add_option("--token-file", arguments->token_file,
                      "tokens that writes need: lines of NAME TOKEN (or a bare TOKEN)");
  command->add_option("--coverage-scenario", arguments->coverage_scenario,
                      "targets and stations of /v1/coverage/live and /v1/moveups (default: the "
                      "data folder's scenarios/baseline.json)");
  command->add_option("--public-listen", arguments->public_listen,
                      "HOST:PORT of the citizens' panic button /darurat and its reports (port 0: "
                      "any free port); none by default");
  command->add_option("--public-cert", arguments->public_certificate,
                      "certificate (PEM) of the citizens' listener: HTTPS only");
  command->add_option("--public-key", arguments->public_key, "its private key (PEM)");
  command->add_option("--public-page", arguments->public_page, "folder of the /darurat page");
  command->add_option("--neighbour", arguments->neighbours,
                      "a neighbouring region's server (http://HOST:PORT), asked for its units on "
                      "every recommendation (mutual aid); repeatable");
  command->add_option("--cameras", arguments->cameras,
                      "the CCTV register (GeoJSON points), or none (default: the data folder's "
                      "cameras-SAMPLE.geojson)");
  command->add_flag("--replicate", arguments->replicate,
                    "a hot-standby pair's primary: every change goes to the standby over MQTT "
                    "before a write is answered");
  command->add_option("--standby-of", arguments->standby_of,
                      "start as the hot standby of the primary at http://HOST:PORT (its own "
                      "--state and client id); writes are refused until `siaga promote`");
  return {command, [&options, arguments] { return run_serve(options, *arguments); }};
}

struct NearestArguments {
  std::string at;
  std::string type;
  int k = 3;
  std::string server = "127.0.0.1:8112";
  std::string fleet;   // offline: the fleet file's units, each at home
  bool table = false;  // one line per unit instead of JSON
};

// The answer as a dispatcher reads it aloud: rank, unit, ETA, distance; then who cannot come.
void print_answer(const Json& answer, bool table) {
  if (!table) {
    std::cout << answer.dump(2) << "\n";
    return;
  }
  for (const Json& unit : answer["recommended"]) {
    const double eta = unit["eta_s"];
    char line[256];
    std::snprintf(line, sizeof line, "%d. %-8s %2d min %02d s  %5.1f km  %s\n",
                  unit["rank"].get<int>(), unit["unit_id"].get<std::string>().c_str(),
                  static_cast<int>(eta) / 60, static_cast<int>(eta) % 60,
                  unit["distance_m"].get<double>() / 1000,
                  unit["call_sign"].get<std::string>().c_str());
    std::cout << line;
  }
  if (answer["recommended"].empty()) std::cout << "no available unit can reach the incident\n";
  for (const Json& unit : answer["unreachable"])
    std::cout << "   " << unit["unit_id"].get<std::string>() << ": no route, "
              << unit["reason"].get<std::string>() << "\n";
}

int ask_server(const NearestArguments& arguments, geodata::LatLon at) {
  const mqtt::Endpoint server = mqtt::parse_endpoint(arguments.server);
  httplib::Client client(server.host, server.port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(30, 0);
  const Json body = {
      {"lat", at.lat}, {"lon", at.lon}, {"type", arguments.type}, {"k", arguments.k}};
  const httplib::Result result = client.Post("/v1/recommend", body.dump(), "application/json");
  if (!result) {
    throw IoError("no answer from the server at " + arguments.server + " (" +
                  httplib::to_string(result.error()) + "); is `siaga serve` running?");
  }
  const Json answer = Json::parse(result->body, nullptr, false);
  if (result->status != 200) {
    throw InputError("the server refused: " +
                     (answer.is_object() ? answer.value("error", result->body) : result->body));
  }
  print_answer(answer, arguments.table);
  return 0;
}

int answer_offline(const CommandOptions& options, const NearestArguments& arguments,
                   geodata::LatLon at) {
  const auto setup =
      dispatch::load_routing(paths_of(options), {}, dispatch::default_profiles_file(), std::cerr);
  const auto classes = dispatch::load_incident_classes(dispatch::default_incident_types_file(),
                                                       setup->live->profiles());
  print_answer(
      dispatch::recommend_from_homes(*setup, classes, tracking::load_fleet(arguments.fleet), at,
                                     arguments.type, static_cast<size_t>(std::max(1, arguments.k))),
      arguments.table);
  return 0;
}

CommandRegistration nearest_command(CLI::App& app, CommandOptions& options) {
  auto arguments = std::make_shared<NearestArguments>();
  CLI::App* command = app.add_subcommand(
      "nearest", "the units that reach an incident first (asks a running server, or --fleet)");
  command->add_option("--at", arguments->at, "incident as LAT,LON")->required();
  command->add_option("--type", arguments->type, "medical, fire, security, disaster, rescue")
      ->required();
  command->add_option("--k", arguments->k, "how many units")->capture_default_str();
  command->add_option("--server", arguments->server, "server HOST:PORT")->capture_default_str();
  command->add_option("--fleet", arguments->fleet,
                      "answer offline from this fleet file, every unit at home and available");
  command->add_flag("--table", arguments->table, "one line per unit instead of JSON");
  add_data_options(command, options);
  return {command, [&options, arguments] {
            const geodata::LatLon at = geodata::parse_lat_lon(arguments->at);
            if (!arguments->fleet.empty()) return answer_offline(options, *arguments, at);
            return ask_server(*arguments, at);
          }};
}

struct PromoteArguments {
  std::string server = "127.0.0.1:8112";
  std::string token_file;
};

// `siaga promote`: the operator's act that makes a standby the primary. The server refuses while
// the old primary still answers as primary.
CommandRegistration promote_command(CLI::App& app) {
  auto arguments = std::make_shared<PromoteArguments>();
  CLI::App* command = app.add_subcommand(
      "promote", "make a hot standby the primary (refused while the primary still answers)");
  command->add_option("--server", arguments->server, "the standby's HOST:PORT")
      ->capture_default_str();
  command->add_option("--token-file", arguments->token_file, "the pair's token file");
  return {command, [arguments] {
            const mqtt::Endpoint server = mqtt::parse_endpoint(arguments->server);
            httplib::Client client(server.host, server.port);
            client.set_connection_timeout(5, 0);
            client.set_read_timeout(30, 0);
            if (!arguments->token_file.empty())
              client.set_bearer_token_auth(read_tokens(arguments->token_file).front().second);
            const auto result = client.Post("/v1/admin/promote", "{}", "application/json");
            if (!result)
              throw IoError("no answer from " + arguments->server + " (" +
                            httplib::to_string(result.error()) + ")");
            if (result->status != 200) {
              const Json refusal = Json::parse(result->body, nullptr, false);
              throw IoError(
                  arguments->server + " refused (" + std::to_string(result->status) + "): " +
                  (refusal.is_object() ? refusal.value("error", result->body) : result->body));
            }
            std::cout << result->body << std::endl;
            return 0;
          }};
}

}  // namespace

std::vector<CommandRegistration> serve_commands(CLI::App& app, CommandOptions& options) {
  return {serve_command(app, options), nearest_command(app, options), promote_command(app)};
}

}  // namespace siaga::cli
