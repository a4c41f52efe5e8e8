#include "commands.h"

#include "serve.h"

namespace siaga::cli {

std::vector<CommandRegistration> register_commands(CLI::App& app, CommandOptions& options) {
  std::vector<CommandRegistration> commands;
  for (auto& group :
       {route_commands(app, options), synth_commands(app, options), tracking_commands(app, options),
        server_client_commands(app, options), coverage_commands(app, options),
        incident_commands(app, options), simulate_commands(app, options)}) {
    commands.insert(commands.end(), group.begin(), group.end());
  }
  auto serve = std::make_shared<ServeArguments>();
  commands.push_back({add_serve_command(app, options, *serve),
                      [&options, serve] { return hand_over_to_server(options, *serve); }});
  return commands;
}

}  // namespace siaga::cli
