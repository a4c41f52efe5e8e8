// `siaga coverage` and `siaga plan-stations`: the planners' commands over scenario files.
#include <unistd.h>

#include <iostream>

#include "commands.h"
#include "siaga/dispatch/coverage_map.h"
#include "siaga/dispatch/coverage_report.h"
#include "siaga/dispatch/station_planning.h"

namespace siaga::cli {

namespace {

namespace fs = std::filesystem;

struct CoverageArguments {
  std::string scenario;
  std::string compare;
  std::string out;
  std::string target;
  std::string png;
  size_t add = 3;
};

// The graph with the scenario's hazard layers, and its zones switched on.
std::unique_ptr<dispatch::RoutingSetup> setup_for(const CommandOptions& options,
                                                  const std::string& file,
                                                  dispatch::Scenario& scenario) {
  geodata::RoadNetwork network = dispatch::load_or_import(paths_of(options), std::cerr);
  scenario = dispatch::load_scenario(file, network);
  std::vector<std::string> hazard_files;
  for (const auto& path : scenario.hazard_files) hazard_files.push_back(path.string());
  auto setup = dispatch::build_routing(std::move(network), hazard_files,
                                       dispatch::default_profiles_file(), std::cerr);
  setup->live->set_active(scenario.active_hazards);
  return setup;
}

// The named target's index; the first when no name is given.
size_t target_index(const dispatch::Scenario& scenario, const std::string& name) {
  if (name.empty()) return 0;
  for (size_t i = 0; i < scenario.targets.size(); ++i) {
    if (scenario.targets[i].name == name) return i;
  }
  throw InputError("no target \"" + name + "\" in the scenario");
}

// On a terminal only: a log or a test does not want carriage returns.
void progress_bar(size_t done, size_t total) {
  if (!isatty(STDERR_FILENO)) return;
  const int width = 40;
  const int filled = static_cast<int>(width * done / std::max<size_t>(total, 1));
  std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] " << done
            << "/" << total << (done == total ? "\n" : "") << std::flush;
}

CommandRegistration coverage_command(CLI::App& app, CommandOptions& options) {
  auto arguments = std::make_shared<CoverageArguments>();
  CLI::App* command = app.add_subcommand(
      "coverage", "share of the demand within each response-time target, from all stations");
  command->add_option("--scenario", arguments->scenario, "scenario file (JSON)")->required();
  command->add_option("--compare", arguments->compare, "a second scenario to compare against");
  command->add_option("--out", arguments->out,
                      "minutes per street and target (.geojson or .gpkg, for QGIS); the areas "
                      "go beside it as NAME-areas.EXT");
  command->add_option("--png", arguments->png, "a map of one target's coverage (PNG)");
  command->add_option("--target", arguments->target, "the map's target (default: the first)");
  add_data_options(command, options);
  return {
      command, [&options, arguments] {
        dispatch::Scenario base;
        const auto setup = setup_for(options, arguments->scenario, base);
        dispatch::Coverage coverage = dispatch::compute_coverage(*setup, base);
        dispatch::assign_areas(coverage, setup->network, base, paths_of(options).osm);
        if (!arguments->out.empty()) {
          dispatch::write_segments(arguments->out, *setup, coverage);
          if (!coverage.areas.names.empty()) {
            const fs::path out = arguments->out;
            dispatch::write_areas(
                out.parent_path() / (out.stem().string() + "-areas" + out.extension().string()),
                coverage);
          }
        }
        if (!arguments->png.empty()) {
          dispatch::write_coverage_png(arguments->png, *setup, base, coverage,
                                       target_index(base, arguments->target));
        }
        if (arguments->compare.empty()) {
          std::cout << dispatch::coverage_json(*setup, base, coverage).dump(2) << "\n";
          return 0;
        }
        dispatch::Scenario other;
        const auto other_setup = setup_for(options, arguments->compare, other);
        dispatch::Coverage other_coverage = dispatch::compute_coverage(*other_setup, other);
        dispatch::assign_areas(other_coverage, other_setup->network, other, paths_of(options).osm);
        std::cout << dispatch::compare_json(*setup, base, coverage, other, other_coverage).dump(2)
                  << "\n";
        return 0;
      }};
}

CommandRegistration plan_command(CLI::App& app, CommandOptions& options) {
  auto arguments = std::make_shared<CoverageArguments>();
  CLI::App* command = app.add_subcommand(
      "plan-stations", "K new station sites that bring the most demand within a target");
  command->add_option("--scenario", arguments->scenario, "scenario file (JSON)")->required();
  command->add_option("--add", arguments->add, "how many sites")->capture_default_str();
  command->add_option("--target", arguments->target, "target name (default: the first)");
  add_data_options(command, options);
  return {command, [&options, arguments] {
            dispatch::Scenario scenario;
            const auto setup = setup_for(options, arguments->scenario, scenario);
            const dispatch::Coverage coverage = dispatch::compute_coverage(*setup, scenario);
            const size_t index = target_index(scenario, arguments->target);
            const auto sites =
                dispatch::plan_stations(*setup, coverage, index, arguments->add, progress_bar);
            Json out = dispatch::dataset_label(setup->network);
            const dispatch::TargetCoverage& target = coverage.targets[index];
            out["scenario"] = scenario.name;
            out["target"] = {{"name", target.target.name},
                             {"unit_type", target.target.unit_type},
                             {"minutes", target.target.minutes}};
            out["share_now"] =
                std::round(1000 * target.covered_km / coverage.total_demand_km) / 1000;
            Json list = Json::array();
            for (const dispatch::SiteSuggestion& site : sites) {
              list.push_back({{"lat", site.position.lat},
                              {"lon", site.position.lon},
                              {"near", site.near},
                              {"gain_km", site.gain_km},
                              {"share_after", site.share_after}});
            }
            out["suggested_sites"] = list;
            out["method"] = "greedy maximal covering over the nodes of tertiary and larger roads";
            std::cout << out.dump(2) << "\n";
            return 0;
          }};
}

}  // namespace

std::vector<CommandRegistration> coverage_commands(CLI::App& app, CommandOptions& options) {
  return {coverage_command(app, options), plan_command(app, options)};
}

}  // namespace siaga::cli
