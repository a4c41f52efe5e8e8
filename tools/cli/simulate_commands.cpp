// `siaga simulate`: the planner's simulation of Ambon's 112 days (tools/dispatch/simulation.h).
#include <fstream>
#include <iostream>

#include "commands.h"
#include "options.h"
#include "siaga/dispatch/simulation.h"

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
    dispatch::SimulationOptions simulation;
    simulation.days = arguments.days;
    simulation.load = arguments.load;
    simulation.flood_day = arguments.flood_day;
    simulation.seed = arguments.seed;
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

}  // namespace

std::vector<CommandRegistration> simulate_commands(CLI::App& app, CommandOptions& options) {
  return {simulate_command(app, options)};
}

}  // namespace siaga::cli
