// `siaga nearest`: the dispatcher's question from the command line, asked of a running server or
// answered offline from a fleet file; `siaga promote`: a hot standby made the primary.
#include <httplib.h>

#include <cstdio>
#include <iostream>

#include "commands.h"
#include "options.h"
#include "siaga/dispatch/dataset.h"
#include "siaga/dispatch/recommendation.h"

namespace siaga::cli {

namespace {

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

std::vector<CommandRegistration> server_client_commands(CLI::App& app, CommandOptions& options) {
  return {nearest_command(app, options), promote_command(app)};
}

}  // namespace siaga::cli
