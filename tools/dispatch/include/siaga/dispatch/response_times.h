// Response times, the figures Ambon's 112 is judged by: for each call and each unit sent, the
// intervals processing (call answered → first unit dispatched), turnout (dispatched → en route),
// travel (en route → on scene) and response (call answered → first unit on scene); their count,
// median and 90th percentile per class, kecamatan, agency and day, the share within each target
// (tools/dispatch/response-targets.json, with sources), and how many calls were pranks.
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "siaga/dispatch/geojson.h"
#include "siaga/tracking/fleet.h"
#include "siaga/tracking/incident_store.h"

namespace siaga::dispatch {

enum class Interval { processing, turnout, travel, response };
inline constexpr int interval_count = 4;
std::string_view interval_name(Interval interval);

struct ResponseTarget {
  std::string incident_class;
  Interval interval = Interval::response;
  double seconds = 0;
  std::string source;
};
// Throws DataError naming the target and the problem, IoError when it cannot be read.
std::vector<ResponseTarget> load_response_targets(const std::filesystem::path& file);
std::filesystem::path default_response_targets_file();

struct IntervalStats {
  size_t count = 0;
  double median_s = 0;
  double p90_s = 0;  // nearest-rank 90th percentile, as NFPA 1710 measures
};
IntervalStats stats_of(std::vector<double> seconds);

struct TargetResult {
  ResponseTarget target;
  size_t count = 0;   // calls (or units) that reached the interval's end
  size_t within = 0;  // of them, within the target
  IntervalStats stats;
};

struct ResponseReport {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  size_t calls = 0;
  std::map<std::string, size_t> by_call_type;  // emergency, information, prank, ghost, duplicate
  std::map<std::string, size_t> by_class;
  std::array<IntervalStats, interval_count> overall;
  // group kind (class, kecamatan, agency, day) → group → per interval
  std::map<std::string, std::map<std::string, std::array<IntervalStats, interval_count>>> groups;
  std::vector<TargetResult> targets;
  // The samples behind each target, for the distribution chart.
  std::vector<std::vector<double>> target_samples;
};

// A report's bound: milliseconds since the epoch, or a WIT date YYYY-MM-DD (its start; with
// `end_of_day`, the start of the next day, so that from=to=a date covers that day). Empty: 0.
// Throws InputError for anything else.
int64_t parse_report_time(std::string_view text, bool end_of_day);

// Days are WIT dates; agencies come from the fleet (a unit not in it counts as "unknown").
ResponseReport response_report(std::span<const tracking::IncidentTiming> incidents,
                               const tracking::Fleet& fleet,
                               std::span<const ResponseTarget> targets, int64_t from_ms,
                               int64_t to_ms);

Json report_json(const ResponseReport& report);
std::string report_csv(const ResponseReport& report);       // group_kind,group,interval,...
std::string report_markdown(const ResponseReport& report);  // tables for a document
// Per target, the distribution of its interval against its limit, drawn with cairo. Throws
// IoError when the file cannot be written.
void write_report_png(const std::filesystem::path& file, const ResponseReport& report);

}  // namespace siaga::dispatch
