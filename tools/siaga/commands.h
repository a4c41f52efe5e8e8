// The subcommands: each adds its options to the CLI and returns the function that runs it.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace siaga::tools {

// Options shared by the commands that read the island's data.
struct CommandOptions {
  std::string data_dir;
  std::string osm;
  std::string graph;
};

struct CommandRegistration {
  CLI::App* subcommand;
  std::function<int()> run;
};

std::vector<CommandRegistration> register_commands(CLI::App& app, CommandOptions& options);

}  // namespace siaga::tools
