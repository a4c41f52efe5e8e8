// `siaga serve`: the dispatch server (graph, hazards, tracking over MQTT, HTTP API and console in
// one process): its options, and how it runs once it has its GIS layers (serve.h).
#include <iostream>

#include "serve.h"
#include "siaga/server/broker_credentials.h"
#include "siaga/server/service.h"

namespace siaga::cli {

namespace fs = std::filesystem;

namespace {

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

}  // namespace

std::vector<fs::path> hazard_files(const CommandOptions& options, const std::string& given) {
  if (!given.empty()) {
    const std::vector<std::string> names = split_list(given);
    return {names.begin(), names.end()};
  }
  const fs::path illustrative =
      dispatch::data_dir(options.data_dir) / "hazards-illustrative.geojson";
  if (fs::exists(illustrative)) return {illustrative};
  return {};
}

int run_serve(const CommandOptions& options, const ServeArguments& arguments,
              geodata::ServerLayers layers) {
  const sigset_t signals = block_stop_signals();
  server::ServiceOptions service_options;
  service_options.data = paths_of(options);
  service_options.layers = std::move(layers);
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

CLI::App* add_serve_command(CLI::App& app, CommandOptions& options, ServeArguments& arguments) {
  CLI::App* command = app.add_subcommand(
      "serve", "the dispatch server: HTTP API (OSRM-compatible and /v1), console, MQTT tracking");
  add_data_options(command, options);
  command->add_option("--listen", arguments.listen, "HTTP HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  add_mqtt_options(command, arguments.tracking, "siaga-engine", "broker HOST:PORT, or none");
  add_store_options(command, arguments.tracking);
  command->add_option("--hazards", arguments.hazards,
                      "hazard layers FILE[,FILE] (default: the data folder's illustrative layer)");
  command->add_option("--active", arguments.active, "zone ids ID[,ID] active at start");
  command->add_option("--profiles", arguments.profiles, "vehicle profile file (JSON)");
  command->add_option("--incident-types", arguments.incident_types, "incident classes (JSON)");
  command->add_option("--console", arguments.console, "folder of the console's web page");
  command->add_option("--trackers-listen", arguments.trackers_listen,
                      "HOST:PORT for Traccar Client, OsmAnd, OwnTracks (HTTP) and Traccar "
                      "forwarding (port 0: any free port); none by default");
  command->add_option("--trackers-cert", arguments.trackers_certificate,
                      "certificate (PEM) of the trackers' listener: HTTPS only");
  command->add_option("--trackers-key", arguments.trackers_key, "its private key (PEM)");
  command->add_option("--token-file", arguments.token_file,
                      "tokens that writes need: lines of NAME TOKEN (or a bare TOKEN)");
  command->add_option("--coverage-scenario", arguments.coverage_scenario,
                      "targets and stations of /v1/coverage/live and /v1/moveups (default: the "
                      "data folder's scenarios/baseline.json)");
  command->add_option("--public-listen", arguments.public_listen,
                      "HOST:PORT of the citizens' panic button /darurat and its reports (port 0: "
                      "any free port); none by default");
  command->add_option("--public-cert", arguments.public_certificate,
                      "certificate (PEM) of the citizens' listener: HTTPS only");
  command->add_option("--public-key", arguments.public_key, "its private key (PEM)");
  command->add_option("--public-page", arguments.public_page, "folder of the /darurat page");
  command->add_option("--neighbour", arguments.neighbours,
                      "a neighbouring region's server (http://HOST:PORT), asked for its units on "
                      "every recommendation (mutual aid); repeatable");
  command->add_option("--cameras", arguments.cameras,
                      "the CCTV register (GeoJSON points), or none (default: the data folder's "
                      "cameras-SAMPLE.geojson)");
  command->add_flag("--replicate", arguments.replicate,
                    "a hot-standby pair's primary: every change goes to the standby over MQTT "
                    "before a write is answered");
  command->add_option("--standby-of", arguments.standby_of,
                      "start as the hot standby of the primary at http://HOST:PORT (its own "
                      "--state and client id); writes are refused until `siaga promote`");
  return command;
}

}  // namespace siaga::cli
