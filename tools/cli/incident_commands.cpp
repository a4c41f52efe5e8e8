// The incident history from the command line: `siaga report` (response times against the
// targets) and `siaga incidents export` (CSV or GeoJSON), read from the state directory's
// incidents.sqlite. Reading while `siaga serve` runs is safe: the database is in WAL mode.
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.h"
#include "options.h"
#include "siaga/dispatch/incident_export.h"
#include "siaga/dispatch/response_times.h"
#include "siaga/tracking/incident_store.h"

namespace siaga::cli {

namespace {

namespace fs = std::filesystem;

struct HistoryArguments {
  TrackingArguments tracking;
  std::string from;
  std::string to;
  std::string format = "json";
  std::string png;
  std::string out;
  std::string targets = dispatch::default_response_targets_file().string();
};

// The state directory's incident history; refused when there is none, rather than made empty.
std::unique_ptr<tracking::IncidentStore> open_history(const HistoryArguments& arguments) {
  const fs::path file = state_dir(arguments.tracking.state) / "incidents.sqlite";
  if (!fs::exists(file)) throw IoError("no incident history at " + file.string());
  return std::make_unique<tracking::IncidentStore>(file);
}

void add_period_options(CLI::App* command, HistoryArguments& arguments) {
  command->add_option("--from", arguments.from,
                      "first day (YYYY-MM-DD, WIT) or ms since the epoch");
  command->add_option("--to", arguments.to, "last day (YYYY-MM-DD, WIT, included) or ms");
  command->add_option("--state", arguments.tracking.state,
                      "state directory (default $SIAGA_STATE_DIR, else build/state)");
}

// To --out when given, else to stdout.
void emit(const HistoryArguments& arguments, const std::string& text) {
  if (arguments.out.empty()) {
    std::cout << text;
    return;
  }
  std::ofstream file(arguments.out, std::ios::binary);
  file << text;
  if (!file) throw IoError("cannot write " + arguments.out);
}

CommandRegistration report_command(CLI::App& app, CommandOptions& options) {
  auto arguments = std::make_shared<HistoryArguments>();
  CLI::App* command = app.add_subcommand(
      "report", "response times against the targets, per class, kecamatan, agency and day");
  add_period_options(command, *arguments);
  add_fleet_option(command, arguments->tracking);
  command->add_option("--format", arguments->format, "json, csv or md")
      ->check(CLI::IsMember({"json", "csv", "md"}));
  command->add_option("--png", arguments->png, "the distribution per target, as a chart");
  command->add_option("--out", arguments->out, "write here instead of to stdout");
  command->add_option("--targets", arguments->targets, "response targets (JSON)");
  return {command, [&options, arguments] {
            const int64_t from = dispatch::parse_report_time(arguments->from, false);
            const int64_t to = dispatch::parse_report_time(arguments->to, true);
            const auto history = open_history(*arguments);
            const dispatch::ResponseReport report = dispatch::response_report(
                history->timings(from, to),
                tracking::load_fleet(fleet_file(options, arguments->tracking.fleet)),
                dispatch::load_response_targets(arguments->targets), from, to);
            if (!arguments->png.empty()) dispatch::write_report_png(arguments->png, report);
            if (arguments->format == "csv") {
              emit(*arguments, dispatch::report_csv(report));
            } else if (arguments->format == "md") {
              emit(*arguments, dispatch::report_markdown(report));
            } else {
              emit(*arguments, dispatch::report_json(report).dump(2) + "\n");
            }
            return 0;
          }};
}

CommandRegistration incidents_command(CLI::App& app, CommandOptions&) {
  auto arguments = std::make_shared<HistoryArguments>();
  arguments->format = "csv";
  CLI::App* command = app.add_subcommand("incidents", "the incident history");
  command->require_subcommand(1);
  CLI::App* export_command =
      command->add_subcommand("export", "every call as CSV or GeoJSON, oldest first");
  add_period_options(export_command, *arguments);
  export_command->add_option("--format", arguments->format, "csv or geojson")
      ->check(CLI::IsMember({"csv", "geojson"}));
  export_command->add_option("--out", arguments->out, "write here instead of to stdout");
  return {command, [arguments] {
            tracking::IncidentQuery query;
            query.open_only = false;
            query.from_ms = dispatch::parse_report_time(arguments->from, false);
            query.to_ms = dispatch::parse_report_time(arguments->to, true);
            query.limit = 10'000'000;
            std::vector<tracking::Incident> incidents = open_history(*arguments)->list(query);
            std::reverse(incidents.begin(), incidents.end());  // oldest first
            emit(*arguments, arguments->format == "csv"
                                 ? dispatch::incidents_csv(incidents)
                                 : dispatch::incidents_geojson(incidents).dump() + "\n");
            return 0;
          }};
}

}  // namespace

std::vector<CommandRegistration> incident_commands(CLI::App& app, CommandOptions& options) {
  return {report_command(app, options), incidents_command(app, options)};
}

}  // namespace siaga::cli
