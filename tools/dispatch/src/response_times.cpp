#include "siaga/dispatch/response_times.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "siaga/dispatch/dataset.h"
#include "siaga/text_file.h"

namespace siaga::dispatch {

namespace {

constexpr std::array<std::string_view, interval_count> interval_names = {"processing", "turnout",
                                                                         "travel", "response"};

std::string wit_date(int64_t ms) {
  using namespace std::chrono;
  const year_month_day day(floor<days>(sys_time<milliseconds>(milliseconds(ms) + hours(9))));
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return text;
}

double seconds_between(int64_t from_ms, int64_t to_ms) {
  return static_cast<double>(to_ms - from_ms) / 1000.0;
}

// The samples of one group: per interval, the seconds measured.
using Samples = std::array<std::vector<double>, interval_count>;

void add(Samples& samples, Interval interval, int64_t from_ms, int64_t to_ms) {
  if (from_ms == 0 || to_ms == 0 || to_ms < from_ms) return;  // not reached, or clocks disagree
  samples[static_cast<size_t>(interval)].push_back(seconds_between(from_ms, to_ms));
}

// The call's own intervals (processing, response) from its first dispatch and first arrival
// among `units`, and each unit's turnout and travel.
void add_call(Samples& samples, int64_t created_ms,
              std::span<const tracking::UnitTiming* const> units) {
  int64_t first_dispatch = 0, first_arrival = 0;
  for (const tracking::UnitTiming* unit : units) {
    if (unit->dispatched_ms && (!first_dispatch || unit->dispatched_ms < first_dispatch))
      first_dispatch = unit->dispatched_ms;
    if (unit->on_scene_ms && (!first_arrival || unit->on_scene_ms < first_arrival))
      first_arrival = unit->on_scene_ms;
    add(samples, Interval::turnout, unit->dispatched_ms, unit->en_route_ms);
    add(samples, Interval::travel, unit->en_route_ms, unit->on_scene_ms);
  }
  add(samples, Interval::processing, created_ms, first_dispatch);
  add(samples, Interval::response, created_ms, first_arrival);
}

// Consumes the samples: the selection reorders them in place.
std::array<IntervalStats, interval_count> all_stats(Samples&& samples) {
  std::array<IntervalStats, interval_count> out;
  for (int i = 0; i < interval_count; ++i)
    out[i] = siaga::dispatch::stats_of(std::move(samples[i]));
  return out;
}

double rounded(double value) {
  return std::round(value * 10) / 10;
}

Json stats_json(const IntervalStats& stats) {
  return {{"count", stats.count},
          {"median_s", rounded(stats.median_s)},
          {"p90_s", rounded(stats.p90_s)}};
}

}  // namespace

std::string_view interval_name(Interval interval) {
  return interval_names.at(static_cast<size_t>(interval));
}

std::vector<ResponseTarget> load_response_targets(const std::filesystem::path& file) {
  const nlohmann::json root =
      nlohmann::json::parse(read_text_file(file, "response targets"), nullptr, false);
  if (root.is_discarded() || !root.contains("targets") || !root["targets"].is_array())
    throw DataError(file.string() + ": expected {\"targets\": [...]}");
  std::vector<ResponseTarget> targets;
  for (const nlohmann::json& item : root["targets"]) {
    const std::string where = file.string() + ": target #" + std::to_string(targets.size() + 1);
    if (!item.is_object() || !item.value("class", nlohmann::json()).is_string() ||
        !item.value("interval", nlohmann::json()).is_string() ||
        !item.value("seconds", nlohmann::json()).is_number() ||
        !item.value("source", nlohmann::json()).is_string())
      throw DataError(where + ": needs class, interval, seconds and source");
    ResponseTarget target;
    target.incident_class = item["class"].get<std::string>();
    target.seconds = item["seconds"].get<double>();
    target.source = item["source"].get<std::string>();
    const auto name = std::find(interval_names.begin(), interval_names.end(),
                                item["interval"].get<std::string>());
    if (name == interval_names.end())
      throw DataError(where + ": interval is processing, turnout, travel or response");
    target.interval = static_cast<Interval>(name - interval_names.begin());
    if (!(target.seconds > 0)) throw DataError(where + ": seconds must be positive");
    if (target.source.empty()) throw DataError(where + ": every target cites its source");
    targets.push_back(std::move(target));
  }
  return targets;
}

std::filesystem::path default_response_targets_file() {
  return default_incident_types_file().parent_path() / "response-targets.json";
}

int64_t parse_report_time(std::string_view text, bool end_of_day) {
  if (text.empty()) return 0;
  if (text.find_first_not_of("0123456789") == std::string_view::npos && text.size() <= 15)
    return std::stoll(std::string(text));
  int year = 0;
  unsigned month = 0, day = 0;
  char tail = 0;
  if (text.size() == 10 &&
      std::sscanf(std::string(text).c_str(), "%4d-%2u-%2u%c", &year, &month, &day, &tail) == 3) {
    using namespace std::chrono;
    const year_month_day date{std::chrono::year(year), std::chrono::month(month),
                              std::chrono::day(day)};
    if (date.ok()) {
      const sys_days start = sys_days(date) + days(end_of_day ? 1 : 0);
      return duration_cast<milliseconds>((start - hours(9)).time_since_epoch()).count();
    }
  }
  throw InputError("\"" + std::string(text) +
                   "\" is neither a date (YYYY-MM-DD) nor ms since the epoch");
}

IntervalStats stats_of(std::vector<double> seconds) {
  IntervalStats stats;
  stats.count = seconds.size();
  if (seconds.empty()) return stats;
  // Selection, not a sort: a year of calls has hundreds of thousands of samples per report.
  const size_t n = seconds.size();
  const auto kth = [&](size_t k) {
    std::nth_element(seconds.begin(), seconds.begin() + static_cast<ptrdiff_t>(k), seconds.end());
    return seconds[k];
  };
  stats.p90_s = kth(static_cast<size_t>(std::ceil(0.9 * static_cast<double>(n))) - 1);
  const double upper = kth(n / 2);
  // The lower middle of an even count is the largest of the elements before the upper one.
  stats.median_s =
      n % 2 ? upper
            : (*std::max_element(seconds.begin(), seconds.begin() + static_cast<ptrdiff_t>(n / 2)) +
               upper) /
                  2;
  return stats;
}

namespace {

// Group members by name, each looked up once per distinct name however many calls share it.
class Members {
 public:
  Samples& operator[](std::string_view name) {
    const auto found = cache_.find(name);
    if (found != cache_.end()) return *found->second;
    Samples& samples = members_[std::string(name)];
    cache_.emplace(members_.find(name)->first, &samples);
    return samples;
  }
  std::map<std::string, Samples, std::less<>>& all() { return members_; }

 private:
  std::map<std::string, Samples, std::less<>> members_;
  std::unordered_map<std::string_view, Samples*> cache_;  // views into members_' keys
};

void append(Samples& into, const Samples& from) {
  for (int i = 0; i < interval_count; ++i)
    into[i].insert(into[i].end(), from[i].begin(), from[i].end());
}

}  // namespace

ResponseReport response_report(std::span<const tracking::IncidentTiming> incidents,
                               const tracking::Fleet& fleet,
                               std::span<const ResponseTarget> targets, int64_t from_ms,
                               int64_t to_ms) {
  ResponseReport report;
  report.from_ms = from_ms;
  report.to_ms = to_ms;
  std::unordered_map<std::string_view, std::string_view> agency_of;
  for (const tracking::Unit& unit : fleet.units) agency_of.emplace(unit.id, unit.agency);
  Samples overall, call;
  std::map<std::string, Members> groups;
  Members& by_class = groups["class"];
  Members& by_kecamatan = groups["kecamatan"];
  Members& by_day = groups["day"];
  Members& by_agency = groups["agency"];
  std::unordered_map<int64_t, std::string> day_names;  // WIT day number → YYYY-MM-DD
  std::vector<std::vector<double>> target_samples(targets.size());
  std::unordered_map<std::string_view, std::vector<size_t>> targets_of;  // class → its targets
  for (size_t t = 0; t < targets.size(); ++t) targets_of[targets[t].incident_class].push_back(t);
  std::vector<const tracking::UnitTiming*> all;
  std::vector<std::pair<std::string_view, std::vector<const tracking::UnitTiming*>>> agencies;
  for (const tracking::IncidentTiming& incident : incidents) {
    ++report.calls;
    ++report.by_call_type[std::string(tracking::call_type_name(incident.call_type))];
    ++report.by_class[incident.incident_class];
    if (incident.units.empty()) continue;
    all.clear();
    agencies.clear();
    for (const tracking::UnitTiming& unit : incident.units) {
      all.push_back(&unit);
      const auto known = agency_of.find(unit.unit_id);
      const std::string_view agency = known == agency_of.end() ? "unknown" : known->second;
      auto group = std::find_if(agencies.begin(), agencies.end(),
                                [&](const auto& entry) { return entry.first == agency; });
      if (group == agencies.end()) group = agencies.insert(agencies.end(), {agency, {}});
      group->second.push_back(&unit);
    }
    for (auto& samples : call) samples.clear();
    add_call(call, incident.created_ms, all);
    const int64_t day = (incident.created_ms + 9 * 3'600'000) / 86'400'000;
    auto named = day_names.find(day);
    if (named == day_names.end())
      named = day_names.emplace(day, wit_date(incident.created_ms)).first;
    append(overall, call);
    append(by_class[incident.incident_class], call);
    append(by_kecamatan[incident.kecamatan.empty() ? "(unknown)" : incident.kecamatan], call);
    append(by_day[named->second], call);
    for (const auto& [agency, units] : agencies)
      add_call(by_agency[agency], incident.created_ms, units);
    if (const auto mine = targets_of.find(incident.incident_class); mine != targets_of.end()) {
      for (size_t t : mine->second) {
        const auto& measured = call[static_cast<size_t>(targets[t].interval)];
        target_samples[t].insert(target_samples[t].end(), measured.begin(), measured.end());
      }
    }
  }
  report.overall = all_stats(std::move(overall));
  for (auto& [kind, members] : groups) {
    for (auto& [name, samples] : members.all())
      report.groups[kind][name] = all_stats(std::move(samples));
  }
  for (size_t t = 0; t < targets.size(); ++t) {
    TargetResult result{targets[t], target_samples[t].size(), 0, stats_of(target_samples[t])};
    for (double seconds : target_samples[t]) result.within += seconds <= targets[t].seconds;
    report.targets.push_back(result);
  }
  report.target_samples = std::move(target_samples);
  return report;
}

Json report_json(const ResponseReport& report) {
  Json out = {{"from_ms", report.from_ms},
              {"to_ms", report.to_ms == 0 ? Json(nullptr) : Json(report.to_ms)},
              {"calls", report.calls},
              {"by_call_type", report.by_call_type},
              {"calls_by_class", report.by_class}};
  Json overall = Json::object();
  for (int i = 0; i < interval_count; ++i)
    overall[std::string(interval_names[i])] = stats_json(report.overall[i]);
  out["intervals"] = overall;
  for (const auto& [kind, members] : report.groups) {
    Json group = Json::object();
    for (const auto& [name, stats] : members) {
      Json intervals = Json::object();
      for (int i = 0; i < interval_count; ++i)
        intervals[std::string(interval_names[i])] = stats_json(stats[i]);
      group[name] = intervals;
    }
    out["by_" + kind] = group;
  }
  Json targets = Json::array();
  for (const TargetResult& result : report.targets) {
    targets.push_back(
        {{"class", result.target.incident_class},
         {"interval", interval_name(result.target.interval)},
         {"target_s", result.target.seconds},
         {"source", result.target.source},
         {"count", result.count},
         {"within", result.within},
         {"share", result.count ? Json(std::round(1000.0 * result.within / result.count) / 1000)
                                : Json(nullptr)},
         {"median_s", rounded(result.stats.median_s)},
         {"p90_s", rounded(result.stats.p90_s)},
         {"p90_within_target",
          result.count ? Json(result.stats.p90_s <= result.target.seconds) : Json(nullptr)}});
  }
  out["targets"] = targets;
  return out;
}

std::string report_csv(const ResponseReport& report) {
  std::string csv = "group_kind,group,interval,count,median_s,p90_s\n";
  const auto row = [&](const std::string& kind, const std::string& name,
                       const std::array<IntervalStats, interval_count>& stats) {
    for (int i = 0; i < interval_count; ++i) {
      char line[256];
      std::snprintf(line, sizeof line, "%s,\"%s\",%s,%zu,%.1f,%.1f\n", kind.c_str(), name.c_str(),
                    std::string(interval_names[i]).c_str(), stats[i].count, stats[i].median_s,
                    stats[i].p90_s);
      csv += line;
    }
  };
  row("all", "all", report.overall);
  for (const auto& [kind, members] : report.groups) {
    for (const auto& [name, stats] : members) row(kind, name, stats);
  }
  return csv;
}

std::string report_markdown(const ResponseReport& report) {
  std::string md = "# Response times\n\n";
  md.append(std::to_string(report.calls)).append(" calls:");
  for (const auto& [type, count] : report.by_call_type)
    md.append(" ").append(std::to_string(count)).append(" ").append(type).append(",");
  md.back() = '.';
  md +=
      "\n\n## Against the targets\n\n| class | interval | target | calls | within | share | "
      "median | 90th percentile |\n|---|---|---|---|---|---|---|---|\n";
  for (const TargetResult& result : report.targets) {
    char line[512];
    std::snprintf(
        line, sizeof line, "| %s | %s | %.0f s | %zu | %zu | %s | %.0f s | %.0f s |\n",
        result.target.incident_class.c_str(),
        std::string(interval_name(result.target.interval)).c_str(), result.target.seconds,
        result.count, result.within,
        result.count ? (std::to_string(100 * result.within / result.count) + " %").c_str() : "–",
        result.stats.median_s, result.stats.p90_s);
    md += line;
  }
  md += "\nSources:\n\n";
  for (const TargetResult& result : report.targets) {
    md.append("- ").append(result.target.incident_class).append(" ");
    md.append(interval_name(result.target.interval)).append(": ").append(result.target.source);
    md.append("\n");
  }
  for (const auto& [kind, members] : report.groups) {
    md.append("\n## By ").append(kind).append("\n\n| ").append(kind);
    md.append(" | processing median / p90 | turnout | travel | response | calls |\n");
    md.append("|---|---|---|---|---|---|\n");
    for (const auto& [name, stats] : members) {
      md.append("| ").append(name);
      for (int i = 0; i < interval_count; ++i) {
        char cell[64];
        std::snprintf(cell, sizeof cell, " | %.0f / %.0f s", stats[i].median_s, stats[i].p90_s);
        md += cell;
      }
      md.append(" | ")
          .append(std::to_string(stats[static_cast<size_t>(Interval::response)].count))
          .append(" |\n");
    }
  }
  return md;
}

}  // namespace siaga::dispatch
