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

// On a terminal only: a log or a test does not want carriage returns.
void progress_bar(size_t done, size_t total) {
  if (!isatty(STDERR_FILENO)) return;
  const int width = 40;
  const int filled = static_cast<int>(width * done / std::max<size_t>(total, 1));
  std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, ' ') << "] " << done
            << "/" << total << (done == total ? "\n" : "") << std::flush;
}

// A target the scenario does not have is refused before the island is loaded and covered, which
// takes seconds.
void check_target(const CoverageArguments& arguments) {
  if (arguments.target.empty()) return;
  dispatch::target_index(dispatch::load_scenario_targets(arguments.scenario), arguments.target);
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
        check_target(*arguments);
        const dispatch::ScenarioCoverage base =
            dispatch::run_scenario(paths_of(options), arguments->scenario, std::cerr);
        if (!arguments->out.empty()) {
          dispatch::write_segments(arguments->out, *base.setup, base.coverage);
          if (!base.coverage.areas.names.empty()) {
            const fs::path out = arguments->out;
            dispatch::write_areas(
                out.parent_path() / (out.stem().string() + "-areas" + out.extension().string()),
                base.coverage);
          }
        }
        if (!arguments->png.empty()) {
          dispatch::write_coverage_png(arguments->png, *base.setup, base.scenario, base.coverage,
                                       dispatch::target_index(base.scenario, arguments->target));
        }
        if (arguments->compare.empty()) {
          std::cout << dispatch::coverage_json(*base.setup, base.scenario, base.coverage).dump(2)
                    << "\n";
          return 0;
        }
        const dispatch::ScenarioCoverage other =
            dispatch::run_scenario(paths_of(options), arguments->compare, std::cerr);
        std::cout << dispatch::compare_json(*base.setup, base.scenario, base.coverage,
                                            other.scenario, other.coverage)
                         .dump(2)
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
            check_target(*arguments);
            const dispatch::ScenarioCoverage run =
                dispatch::run_scenario(paths_of(options), arguments->scenario, std::cerr);
            const size_t index = dispatch::target_index(run.scenario, arguments->target);
            const auto sites = dispatch::plan_stations(*run.setup, run.coverage, index,
                                                       arguments->add, progress_bar);
            const Json out = dispatch::station_plan_json(run, index, sites);
            std::cout << out.dump(2) << "\n";
            return 0;
          }};
}

}  // namespace

std::vector<CommandRegistration> coverage_commands(CLI::App& app, CommandOptions& options) {
  return {coverage_command(app, options), plan_command(app, options)};
}

}  // namespace siaga::cli
