// `siaga serve`: the dispatch server (graph, hazards, tracking over MQTT, HTTP API and console in
// one process), and `siaga nearest`: the dispatcher's question from the command line, asked of a
// running server or answered offline from a fleet file.
#include <httplib.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "options.h"
#include "siaga/dispatch/dataset.h"
#include "siaga/dispatch/recommendation.h"
#include "siaga/server/api.h"
#include "siaga/server/broker_credentials.h"
#include "siaga/server/http_server.h"
#include "siaga/server/ingest.h"
#include "siaga/server/tracking_json.h"

namespace siaga::cli {

namespace {

namespace fs = std::filesystem;

struct ServeArguments {
  TrackingArguments tracking;
  std::string listen = "127.0.0.1:8112";
  std::string hazards;  // FILE[,FILE]; default: the data folder's illustrative layer
  std::string active;   // ID[,ID] active at start
  std::string profiles = dispatch::default_profiles_file().string();
  std::string incident_types = dispatch::default_incident_types_file().string();
  std::string console = (fs::path(SIAGA_SOURCE_DIR) / "tools/server/console").string();
  std::string token_file;  // the write token, for dispatch and hazard toggles
};

// The first line of the token file, without surrounding blanks; refuses an empty one.
std::string read_token(const std::string& file) {
  std::ifstream in(file);
  std::string token;
  if (!in || !std::getline(in, token)) throw IoError("cannot read the token file " + file);
  token.erase(0, token.find_first_not_of(" \t\r"));
  token.erase(token.find_last_not_of(" \t\r") + 1);
  if (token.size() < 16)
    throw InputError("the token in " + file + " is shorter than 16 characters");
  return token;
}

std::vector<std::string> hazard_files(const CommandOptions& options, const std::string& given) {
  if (!given.empty()) return split_list(given);
  const fs::path illustrative =
      dispatch::data_dir(options.data_dir) / "hazards-illustrative.geojson";
  if (fs::exists(illustrative)) return {illustrative.string()};
  return {};
}

server::HttpOptions http_options(const ServeArguments& arguments) {
  server::HttpOptions options;
  // HOST:PORT as for the broker, and HOST:0 for any free port (tests, several servers).
  if (arguments.listen.ends_with(":0")) {
    options.host = arguments.listen.substr(0, arguments.listen.size() - 2);
    options.port = 0;
  } else {
    const mqtt::Endpoint listen = mqtt::parse_endpoint(arguments.listen);
    options.host = listen.host;
    options.port = listen.port;
  }
  options.console_dir = arguments.console;
  options.log = [](const std::string& message) { std::cerr << "siaga serve: " << message << "\n"; };
  if (!arguments.token_file.empty()) options.write_token = read_token(arguments.token_file);
  return options;
}

// A hazard toggle from MQTT (BPBD's field devices) changes the live metrics like the HTTP one.
void apply_hazard_toggle(routing::LiveMetrics& live, const v1::HazardToggle& toggle) {
  try {
    const uint64_t version =
        toggle.active() ? live.activate(toggle.zone_id()) : live.deactivate(toggle.zone_id());
    std::cerr << "siaga serve: hazard " << toggle.zone_id() << (toggle.active() ? " on" : " off")
              << " (metrics version " << version << ")\n";
  } catch (const routing::UnknownZone& error) {
    std::cerr << "siaga serve: hazard toggle ignored: " << error.what() << "\n";
  }
}

int run_serve(const CommandOptions& options, const ServeArguments& arguments) {
  const sigset_t signals = block_stop_signals();
  const auto setup = dispatch::load_routing(
      paths_of(options), hazard_files(options, arguments.hazards), arguments.profiles, std::cerr);
  setup->live->set_active(split_list(arguments.active));
  const geodata::Snapper snapper(setup->network);
  const auto classes =
      dispatch::load_incident_classes(arguments.incident_types, setup->live->profiles());
  tracking::TrackingStore store(tracking::load_fleet(fleet_file(options, arguments.tracking.fleet)),
                                setup->network, store_options(arguments.tracking, false));
  routing::QueryPool queries(*setup->cch);

  const bool use_mqtt = arguments.tracking.mqtt != "none";
  // Without a broker the intake is built but never started (it needs a client id all the same).
  mqtt::ClientOptions client;
  client.client_id = "siaga-engine";
  if (use_mqtt) client = mqtt_client(arguments.tracking, "siaga-engine", server::engine_user);
  server::Ingest ingest(store, client, [&live = *setup->live](const v1::HazardToggle& toggle) {
    apply_hazard_toggle(live, toggle);
  });
  server::Api api{setup->network, snapper, *setup->live, store, classes, queries, {}};
  if (use_mqtt) {
    api.publish = [&ingest](const std::string& topic, const std::string& payload) {
      try {
        ingest.client().publish(topic, payload);
        return true;
      } catch (const mqtt::ClientError& error) {
        std::cerr << "siaga serve: " << error.what() << "\n";
        return false;
      }
    };
    ingest.start();
  }
  const server::HttpOptions http_settings = http_options(arguments);
  server::HttpServer http(api, http_settings, [&ingest, use_mqtt] {
    if (!use_mqtt) return server::MqttLink{};
    return server::MqttLink{ingest.client().connected(), ingest.client().connect_count()};
  });
  http.start();
  const std::string url = "http://" + http_settings.host + ":" + std::to_string(http.port());
  Json ready = {{"ready", true}, {"listen", url}, {"console", url + "/"}};
  ready.update(dispatch::dataset_label(setup->network));
  ready["mqtt"] = arguments.tracking.mqtt;
  ready["writes_need_token"] = !http_settings.write_token.empty();
  ready["units"] = store.fleet().units.size();
  ready["synth::sample_fleet"] = store.fleet().sample;
  ready["hazard_zones"] = setup->live->hazards().zones.size();
  ready["state"] = store.options().state_dir.string();
  std::cout << ready.dump() << std::endl;

  int signal = 0;
  sigwait(&signals, &signal);
  http.stop();
  if (use_mqtt) ingest.stop();
  sync_and_report_stopped(store);
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
  command->add_option("--token-file", arguments->token_file,
                      "file holding the token that dispatch and hazard toggles require");
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
  const geodata::Snapper snapper(setup->network);
  const auto classes = dispatch::load_incident_classes(dispatch::default_incident_types_file(),
                                                       setup->live->profiles());
  const std::vector<tracking::UnitState> units =
      dispatch::units_at_home(tracking::load_fleet(arguments.fleet), snapper, tracking::now_ms());
  routing::CchQuery query(*setup->cch);
  const dispatch::DispatchContext context{setup->network, snapper, *setup->live, classes};
  const dispatch::Ranking ranking = dispatch::rank_units(
      context, units, at, arguments.type, static_cast<size_t>(std::max(1, arguments.k)), query);
  Json answer = dispatch::ranking_json(context, ranking, tracking::now_ms());
  answer["positions"] = "each unit at its home station (offline, from the fleet file)";
  print_answer(answer, arguments.table);
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

}  // namespace

std::vector<CommandRegistration> serve_commands(CLI::App& app, CommandOptions& options) {
  return {serve_command(app, options), nearest_command(app, options)};
}

}  // namespace siaga::cli
