// What a planner reads of a simulation: a run's counts and response-time report, and policies
// compared over the same seed.
#include <cmath>
#include <sstream>

#include "siaga/dispatch/simulation.h"

namespace siaga::dispatch {

namespace {

double share(size_t part, size_t whole) {
  return share_of(static_cast<double>(part), static_cast<double>(whole));
}

Json counts_json(const SimulationWorld& world, const PolicyRun& run) {
  const SimulationOptions& options = run.options;
  const SimulationResult& result = run.result;
  Json answer;
  answer["stream"] = world.stream.name;
  answer["policy"] = policy_name(options.policy);
  answer["seed"] = options.seed;
  answer["days"] = options.days;
  answer["load"] = options.load;
  answer["flood_day"] = options.flood_day;
  if (options.flood_day) {
    Json names = Json::array();
    for (size_t area : world.flood_areas) names.push_back(world.stream.areas[area].kecamatan);
    answer["flood_kecamatan"] = names;
  }
  answer["reports"] = result.reports;
  answer["prank_calls"] = result.pranks;
  answer["waited_for_a_unit"] = result.waited;
  answer["share_waited"] = share(result.waited, result.reports);
  answer["short_of_plan"] = result.short_of_plan;
  answer["share_short_of_plan"] = share(result.short_of_plan, result.reports);
  answer["relocations"] = result.moveups;
  answer["wall_seconds"] = std::round(result.wall_seconds * 1000) / 1000;
  answer["simulated_days_per_second"] =
      result.wall_seconds > 0 ? std::round(options.days / result.wall_seconds * 10) / 10 : 0;
  return answer;
}

std::string minutes(double seconds) {
  std::ostringstream text;
  text.precision(seconds < 600 ? 2 : 1);
  text << std::fixed << seconds / 60;
  return text.str();
}

}  // namespace

PolicyRun run_policy(SimulationWorld& world, const SimulationOptions& options) {
  PolicyRun run{options, simulate(world, options), {}};
  run.report = response_report(run.result.incidents, world.fleet, world.targets, run.result.from_ms,
                               run.result.to_ms);
  return run;
}

Json simulation_json(const SimulationWorld& world, const PolicyRun& run) {
  Json answer = counts_json(world, run);
  answer["dataset"] = dataset_label(world.setup->network);
  answer["report"] = report_json(run.report);
  return answer;
}

Json comparison_json(const SimulationWorld& world, std::span<const PolicyRun> runs) {
  Json answer;
  answer["dataset"] = dataset_label(world.setup->network);
  answer["runs"] = Json::array();
  for (const PolicyRun& run : runs) {
    Json entry = counts_json(world, run);
    const IntervalStats& response = run.report.overall[static_cast<int>(Interval::response)];
    entry["response"] = {
        {"count", response.count}, {"median_s", response.median_s}, {"p90_s", response.p90_s}};
    Json targets = Json::array();
    for (const TargetResult& target : run.report.targets)
      targets.push_back({{"class", target.target.incident_class},
                         {"interval", interval_name(target.target.interval)},
                         {"minutes", target.target.seconds / 60},
                         {"count", target.count},
                         {"within", target.within},
                         {"share", share(target.within, target.count)},
                         {"median_s", target.stats.median_s},
                         {"p90_s", target.stats.p90_s}});
    entry["targets"] = targets;
    answer["runs"].push_back(entry);
  }
  return answer;
}

std::string comparison_markdown(const SimulationWorld& world, std::span<const PolicyRun> runs) {
  std::ostringstream out;
  out << "# Simulated 112 days: policies compared\n\n";
  if (!runs.empty()) {
    const SimulationOptions& first = runs.front().options;
    out << "Stream `" << world.stream.name << "`, " << first.days << " days at " << first.load
        << "× the reported rate" << (first.flood_day ? ", with the flood day" : "") << ", seed "
        << first.seed << "; the same calls for every policy. Data: `"
        << world.setup->network.dataset << "`"
        << (world.setup->network.schematic ? " (SCHEMATIC roads, not real ones)" : "") << ".\n\n";
  }
  out << "| policy | reports | waited | short of plan | relocations | response median min | "
         "response p90 min |\n|---|---|---|---|---|---|---|\n";
  for (const PolicyRun& run : runs) {
    const IntervalStats& response = run.report.overall[static_cast<int>(Interval::response)];
    out << "| " << policy_name(run.options.policy) << " | " << run.result.reports << " | "
        << run.result.waited << " | " << run.result.short_of_plan << " | " << run.result.moveups
        << " | " << minutes(response.median_s) << " | " << minutes(response.p90_s) << " |\n";
  }
  out << "\n| target | policy | calls | within | median min | p90 min |\n"
         "|---|---|---|---|---|---|\n";
  for (size_t t = 0; !runs.empty() && t < runs.front().report.targets.size(); ++t) {
    for (const PolicyRun& run : runs) {
      const TargetResult& target = run.report.targets[t];
      out << "| " << target.target.incident_class << " " << interval_name(target.target.interval)
          << " ≤ " << minutes(target.target.seconds) << " min | " << policy_name(run.options.policy)
          << " | " << target.count << " | " << share(target.within, target.count) * 100 << " % | "
          << minutes(target.stats.median_s) << " | " << minutes(target.stats.p90_s) << " |\n";
    }
  }
  return out.str();
}

}  // namespace siaga::dispatch
