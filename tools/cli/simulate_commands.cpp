// `siaga simulate`: the planner's simulation of Ambon's 112 days (tools/dispatch/simulation.h);
// `siaga drill`: the live exercise through a running server and broker (tools/synth/drill.h).
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "options.h"
#include "siaga/dispatch/simulation.h"
#include "siaga/server/broker_credentials.h"
#include "siaga/synth/drill.h"

namespace siaga::cli {

namespace {

struct SimulateArguments {
  std::string stream;
  std::string fleet;
  std::string policy = "closest";
  std::string format = "json";
  std::string png;
  std::string out;
  double days = 1;
  double load = 1;
  bool flood_day = false;
  uint64_t seed = 1;
};

void emit(const SimulateArguments& arguments, const std::string& text) {
  if (arguments.out.empty()) {
    std::cout << text;
    return;
  }
  std::ofstream file(arguments.out);
  file << text;
  if (!file) throw IoError("cannot write " + arguments.out);
}

int run(const CommandOptions& options, const SimulateArguments& arguments) {
  dispatch::SimulationOptions simulation;
  simulation.days = arguments.days;
  simulation.load = arguments.load;
  simulation.flood_day = arguments.flood_day;
  simulation.seed = arguments.seed;
  dispatch::check_simulation_options(simulation);  // before the seconds of loading the island
  const std::filesystem::path stream = arguments.stream.empty()
                                           ? dispatch::default_incident_stream_file()
                                           : std::filesystem::path(arguments.stream);
  dispatch::SimulationWorld world = dispatch::load_simulation_world(
      paths_of(options), stream, fleet_file(options, arguments.fleet), std::cerr);
  std::vector<dispatch::Policy> policies;
  if (arguments.policy != "moveup") policies.push_back(dispatch::Policy::closest);
  if (arguments.policy != "closest") policies.push_back(dispatch::Policy::moveup);
  std::vector<dispatch::PolicyRun> runs;
  for (dispatch::Policy policy : policies) {
    simulation.policy = policy;
    runs.push_back(dispatch::run_policy(world, simulation));
  }
  if (!arguments.png.empty()) dispatch::write_report_png(arguments.png, runs.back().report);
  if (arguments.format == "md") {
    emit(arguments, runs.size() > 1 ? dispatch::comparison_markdown(world, runs)
                                    : dispatch::report_markdown(runs.front().report));
  } else if (runs.size() > 1) {
    emit(arguments, dispatch::comparison_json(world, runs).dump(2) + "\n");
  } else {
    emit(arguments, dispatch::simulation_json(world, runs.front()).dump(2) + "\n");
  }
  return 0;
}

CommandRegistration simulate_command(CLI::App& app, CommandOptions& options) {
  auto arguments = std::make_shared<SimulateArguments>();
  CLI::App* command = app.add_subcommand(
      "simulate",
      "the planner's simulation: Ambon's 112 days on a simulated clock, with the engine's routes, "
      "response plans and unit lifecycle; the response-time report at the end");
  command->add_option("--scenario", arguments->stream,
                      "incident stream file (default: tools/dispatch/incident-stream-ambon.json)");
  command->add_option("--days", arguments->days, "simulated days (default 1)");
  command->add_option("--load", arguments->load, "× the stream's report rate (default 1)");
  command->add_flag("--flood-day", arguments->flood_day,
                    "the stream's flood day on the first day: zones closed, more reports");
  command
      ->add_option("--policy", arguments->policy,
                   "closest (closest available, no move-ups), moveup (with MEXCLP move-ups), "
                   "or both, compared over the same calls")
      ->check(CLI::IsMember({"closest", "moveup", "both"}));
  command->add_option("--seed", arguments->seed, "random seed (default 1)");
  command->add_option("--fleet", arguments->fleet, "fleet file (default: the sample fleet)");
  command->add_option("--format", arguments->format, "json (default) or md")
      ->check(CLI::IsMember({"json", "md"}));
  command->add_option("--png", arguments->png,
                      "the response-time chart (of the last policy run) as a PNG file");
  command->add_option("--out", arguments->out, "write the answer to this file");
  add_data_options(command, options);
  return {command, [&options, arguments] { return run(options, *arguments); }};
}

struct DrillArguments {
  TrackingArguments tracking;
  std::string server = "127.0.0.1:8112";
  std::string stream;
  std::string token_file;
  bool no_crews = false;
  synth::DrillOptions drill;
};

// The first token of a `serve --token-file` file: the last word of its first line that is
// neither blank nor a comment.
int run_drill(const CommandOptions& options, DrillArguments& arguments) {
  const mqtt::Endpoint server = mqtt::parse_endpoint(arguments.server);
  synth::DrillOptions drill = arguments.drill;
  drill.server_host = server.host;
  drill.server_port = server.port;
  drill.run_crews = !arguments.no_crews;
  if (!arguments.token_file.empty()) drill.token = read_tokens(arguments.token_file).front().second;
  drill.crews.mqtt = mqtt_client(arguments.tracking, "siaga-drill-crews", server::simulator_user);
  const dispatch::DataPaths paths = paths_of(options);
  const geodata::RoadNetwork network = dispatch::load_or_import(paths, std::cerr);
  const tracking::Fleet fleet = tracking::load_fleet(fleet_file(options, arguments.tracking.fleet));
  const dispatch::IncidentStream stream = dispatch::load_incident_stream(
      arguments.stream.empty() ? dispatch::default_incident_stream_file()
                               : std::filesystem::path(arguments.stream));
  const dispatch::Scenario scenario = dispatch::load_scenario(stream.coverage_scenario, network);
  dispatch::Coverage ground = dispatch::coverage_ground(network, scenario);
  dispatch::assign_areas(ground, network, scenario, paths.osm);
  const dispatch::CallPlaces places = dispatch::call_places(stream, ground);
  static std::atomic<bool> stop{false};  // set from the signal handler only
  std::signal(SIGINT, [](int) { stop = true; });
  std::signal(SIGTERM, [](int) { stop = true; });
  const synth::DrillReport report =
      synth::run_drill(network, fleet, stream, places, ground.segments, drill, stop);
  std::cout << synth::drill_json(report).dump(2) << "\n";
  return report.problems.empty() ? 0 : 3;
}

CommandRegistration drill_command(CLI::App& app, CommandOptions& options) {
  auto arguments = std::make_shared<DrillArguments>();
  CLI::App* command = app.add_subcommand(
      "drill",
      "a live exercise through a running server and broker: calls created over HTTP at a rate, "
      "their plans dispatched, simulated crews driving there and back over MQTT; the server's "
      "response-time report at the end");
  command->add_option("--server", arguments->server, "the server's HOST:PORT")
      ->capture_default_str();
  command->add_option("--standby-port", arguments->drill.standby_ports,
                      "a hot standby's port on the server's host, turned to when the server is "
                      "gone or no longer the primary (repeatable)");
  add_mqtt_options(command, arguments->tracking, "siaga-drill-crews", "broker HOST:PORT");
  add_fleet_option(command, arguments->tracking);
  command->add_option("--minutes", arguments->drill.minutes, "calls are created this long")
      ->capture_default_str();
  command->add_option("--rate", arguments->drill.calls_per_minute, "calls per minute")
      ->capture_default_str();
  command
      ->add_option("--scene", arguments->drill.scene_seconds,
                   "seconds a call stays open after its first unit is on scene")
      ->capture_default_str();
  command
      ->add_option("--settle", arguments->drill.settle_seconds,
                   "seconds units may take to arrive after the last call; then the rest are "
                   "cancelled")
      ->capture_default_str();
  command->add_option("--seed", arguments->drill.seed, "random seed")->capture_default_str();
  command->add_option("--scenario", arguments->stream,
                      "incident stream file (default: tools/dispatch/incident-stream-ambon.json)");
  command->add_option("--token-file", arguments->token_file,
                      "the server's token file (serve --token-file): its first token");
  command->add_flag("--no-crews", arguments->no_crews,
                    "crews run elsewhere (fleet-sim --respond): do not start them here");
  add_data_options(command, options);
  return {command, [&options, arguments] { return run_drill(options, *arguments); }};
}

}  // namespace

std::vector<CommandRegistration> simulate_commands(CLI::App& app, CommandOptions& options) {
  return {simulate_command(app, options), drill_command(app, options)};
}

}  // namespace siaga::cli
