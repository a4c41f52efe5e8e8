#include "commands.h"

namespace siaga::cli {

void add_data_options(CLI::App* command, CommandOptions& options) {
  command->add_option("--data-dir", options.data_dir,
                      "folder with pulau-ambon.osm.pbf or ambon-schematic.osm.pbf");
  command->add_option("--osm", options.osm, "OSM file (.osm.pbf, .osm, .osm.bz2)");
  command->add_option("--graph", options.graph, "graph file (built from the OSM file if stale)");
}

dispatch::DataPaths paths_of(const CommandOptions& options) {
  return dispatch::resolve_paths(options.data_dir, options.osm, options.graph);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma - start);
    if (!item.empty()) items.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

std::vector<CommandRegistration> register_commands(CLI::App& app, CommandOptions& options) {
  std::vector<CommandRegistration> commands;
  for (auto& group :
       {route_commands(app, options), synth_commands(app, options), tracking_commands(app, options),
        serve_commands(app, options), coverage_commands(app, options),
        incident_commands(app, options), simulate_commands(app, options)}) {
    commands.insert(commands.end(), group.begin(), group.end());
  }
  return commands;
}

}  // namespace siaga::cli
