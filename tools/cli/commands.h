// The subcommands: each adds its options to the CLI and returns the function that runs it, which
// calls one library function and prints its answer.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "siaga/dispatch/dataset.h"
#include "siaga/dispatch/geojson.h"

namespace siaga::cli {

using dispatch::Json;

// Options shared by the commands that read the island's data.
struct CommandOptions {
  std::string data_dir;
  std::string osm;
  std::string graph;
  std::vector<std::string> command_line;  // argv, for `siaga serve` to hand over to siaga-server
};

struct CommandRegistration {
  CLI::App* subcommand;
  std::function<int()> run;
};

std::vector<CommandRegistration> register_commands(CLI::App& app, CommandOptions& options);

// import, route, isochrone, graph export, facilities (route_commands.cpp).
std::vector<CommandRegistration> route_commands(CLI::App& app, CommandOptions& options);

// synth-ambon, synth-hazards, synth-fleet, fleet-sim (synth_commands.cpp).
std::vector<CommandRegistration> synth_commands(CLI::App& app, CommandOptions& options);

// track, units, broker-config, broker-credentials, broker-certificate (tracking_commands.cpp).
std::vector<CommandRegistration> tracking_commands(CLI::App& app, CommandOptions& options);

// --data-dir, --osm, --graph, and the paths they resolve to.
void add_data_options(CLI::App* command, CommandOptions& options);
dispatch::DataPaths paths_of(const CommandOptions& options);

// "a,b,,c" → {a, b, c}
std::vector<std::string> split_list(const std::string& text);

// report, incidents export (incident_commands.cpp).
std::vector<CommandRegistration> incident_commands(CLI::App& app, CommandOptions& options);

// nearest, promote (server_client_commands.cpp); serve is serve.h's.
std::vector<CommandRegistration> server_client_commands(CLI::App& app, CommandOptions& options);

// coverage, plan-stations (coverage_commands.cpp).
std::vector<CommandRegistration> coverage_commands(CLI::App& app, CommandOptions& options);

// simulate, drill (simulate_commands.cpp).
std::vector<CommandRegistration> simulate_commands(CLI::App& app, CommandOptions& options);

}  // namespace siaga::cli
