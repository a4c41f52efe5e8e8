// `siaga`: one executable, one subcommand per job. Answers are JSON on stdout; errors are one line
// on stderr with a non-zero exit status.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace siaga::cli;
  CLI::App app{"Siaga: which emergency unit reaches an incident on Pulau Ambon first, by road."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("siaga ") + SIAGA_VERSION);
  // Errors are one line on stderr, like every other error of siaga.
  app.failure_message([](const CLI::App*, const CLI::Error& error) {
    return "siaga: error: " + std::string(error.what()) + " (see --help)\n";
  });

  CommandOptions options;
  options.command_line.assign(argv, argv + argc);
  std::vector<CommandRegistration> commands = register_commands(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  for (const CommandRegistration& command : commands) {
    if (!command.subcommand->parsed()) continue;
    try {
      return command.run();
    } catch (const std::exception& error) {
      std::cerr << "siaga " << command.subcommand->get_name() << ": error: " << error.what()
                << "\n";
      return 1;
    }
  }
  return 1;
}
