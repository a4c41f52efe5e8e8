#include "siaga/dispatch/incident_stream.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "siaga/dispatch/dataset.h"
#include "siaga/text_file.h"
#include "siaga/tracking/incident.h"

namespace siaga::dispatch {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// Reads one field, naming the file and the field's path when it is missing or wrong.
struct Reader {
  std::string file;

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw StreamError(file + ": \"" + field + "\" " + problem);
  }
  const Json& need(const Json& item, const std::string& where, const char* field) const {
    if (!item.is_object() || !item.contains(field)) fail(where + field, "is missing");
    return item[field];
  }
  double number(const Json& item, const std::string& where, const char* field, double min,
                bool min_allowed) const {
    const Json& value = need(item, where, field);
    if (!value.is_number() || !std::isfinite(value.get<double>()))
      fail(where + field, "must be a number");
    const double x = value.get<double>();
    if (x < min || (!min_allowed && x == min)) {
      std::ostringstream bound;
      bound << (min_allowed ? ">= " : "> ") << min;
      fail(where + field, "must be " + bound.str() + ", not " + value.dump());
    }
    return x;
  }
  double optional_number(const Json& item, const std::string& where, const char* field,
                         double fallback) const {
    if (!item.contains(field)) return fallback;
    return number(item, where, field, 0, true);
  }
  std::string text(const Json& item, const std::string& where, const char* field) const {
    const Json& value = need(item, where, field);
    if (!value.is_string() || value.get<std::string>().empty())
      fail(where + field, "must be a non-empty string");
    return value.get<std::string>();
  }
  double share(const Json& item, const std::string& where) const {
    const double x = number(item, where, "share", 0, true);
    if (x > 1) fail(where + "share", "must be at most 1");
    return x;
  }
  void shares_sum_to_one(double sum, const std::string& field) const {
    if (std::abs(sum - 1) > 0.005) fail(field, "shares sum to " + std::to_string(sum) + ", not 1");
  }
};

StreamClass parse_class(const Reader& read, const Json& item, const std::string& where) {
  StreamClass result;
  result.incident_class = read.text(item, where, "class");
  if (!tracking::known_incident_class(result.incident_class))
    read.fail(where + "class", "is not a class of Ambon 112 (\"" + result.incident_class + "\")");
  result.share = read.share(item, where);
  result.on_scene_minutes = read.number(item, where, "on_scene_minutes", 0, false);
  result.transport_share = read.optional_number(item, where, "transport_share", 0);
  if (result.transport_share > 1) read.fail(where + "transport_share", "must be at most 1");
  result.hospital_minutes = read.optional_number(item, where, "hospital_minutes", 0);
  double subtype_shares = 0;
  if (item.contains("subtypes")) {
    if (!item["subtypes"].is_array()) read.fail(where + "subtypes", "must be a list");
    for (size_t i = 0; i < item["subtypes"].size(); ++i) {
      const std::string at = where + "subtypes[" + std::to_string(i) + "].";
      const Json& subtype = item["subtypes"][i];
      result.subtypes.push_back({read.text(subtype, at, "subtype"), read.share(subtype, at)});
      subtype_shares += result.subtypes.back().share;
    }
  }
  if (subtype_shares > 1 + 1e-9) read.fail(where + "subtypes", "shares sum to more than 1");
  return result;
}

void parse_flood_day(const Reader& read, const Json& root, const fs::path& folder,
                     IncidentStream& stream) {
  if (!root.contains("flood_day")) return;
  const Json& flood = root["flood_day"];
  const std::string where = "flood_day.";
  stream.flood_day.scenario_file = folder / read.text(flood, where, "scenario");
  stream.flood_day.rate_multiplier = read.number(flood, where, "rate_multiplier", 1, true);
  stream.flood_day.start_hour = read.number(flood, where, "start_hour", 0, true);
  stream.flood_day.hours = read.number(flood, where, "hours", 0, false);
  if (stream.flood_day.start_hour + stream.flood_day.hours > 24)
    read.fail(where + "hours", "must end within the day (start_hour + hours <= 24)");
}

}  // namespace

IncidentStream parse_incident_stream(const std::string& json_text, const fs::path& file) {
  const Reader read{file.string()};
  Json root;
  try {
    root = Json::parse(json_text);
  } catch (const Json::parse_error& error) {
    throw StreamError(file.string() + ": not JSON: " + error.what());
  }
  if (!root.is_object()) throw StreamError(file.string() + ": not a JSON object");
  IncidentStream stream;
  stream.file = file;
  stream.name = read.text(root, "", "name");
  const fs::path folder = file.parent_path();
  stream.coverage_scenario = folder / read.text(root, "", "coverage_scenario");
  stream.reports_per_day = read.number(root, "", "reports_per_day", 0, false);
  stream.prank_calls_per_report = read.optional_number(root, "", "prank_calls_per_report", 0);
  stream.processing_seconds = read.number(root, "", "processing_seconds", 0, true);
  const Json& turnout = read.need(root, "", "turnout_seconds");
  if (!turnout.is_object()) read.fail("turnout_seconds", "must map unit types to seconds");
  for (const auto& [type, value] : turnout.items())
    stream.turnout_seconds[type] = read.number(turnout, "turnout_seconds.", type.c_str(), 0, true);

  const Json& classes = read.need(root, "", "classes");
  if (!classes.is_array() || classes.empty()) read.fail("classes", "must be a non-empty list");
  double class_shares = 0;
  for (size_t i = 0; i < classes.size(); ++i) {
    stream.classes.push_back(parse_class(read, classes[i], "classes[" + std::to_string(i) + "]."));
    class_shares += stream.classes.back().share;
  }
  read.shares_sum_to_one(class_shares, "classes");

  const Json& areas = read.need(root, "", "kecamatan");
  if (!areas.is_array() || areas.empty()) read.fail("kecamatan", "must be a non-empty list");
  double area_shares = 0;
  for (size_t i = 0; i < areas.size(); ++i) {
    const std::string where = "kecamatan[" + std::to_string(i) + "].";
    stream.areas.push_back({read.text(areas[i], where, "name"), read.share(areas[i], where)});
    area_shares += stream.areas.back().share;
  }
  read.shares_sum_to_one(area_shares, "kecamatan");
  parse_flood_day(read, root, folder, stream);
  return stream;
}

IncidentStream load_incident_stream(const fs::path& file) {
  return parse_incident_stream(read_text_file(file, "incident stream"), file);
}

fs::path default_incident_stream_file() {
  return default_incident_types_file().parent_path() / "incident-stream-ambon.json";
}

CallPlaces call_places(const IncidentStream& stream, const Coverage& coverage) {
  CallPlaces places;
  for (const StreamArea& area : stream.areas) {
    const auto found =
        std::find(coverage.areas.names.begin(), coverage.areas.names.end(), area.kecamatan);
    if (found == coverage.areas.names.end()) {
      std::string known;
      for (const std::string& name : coverage.areas.names)
        known += (known.empty() ? "" : ", ") + name;
      throw StreamError(stream.file.string() + ": kecamatan \"" + area.kecamatan +
                        "\" is not on the map (areas: " + (known.empty() ? "none" : known) + ")");
    }
    const uint32_t index = static_cast<uint32_t>(found - coverage.areas.names.begin());
    places.kecamatan.push_back(area.kecamatan);
    std::vector<uint32_t> segments;
    std::vector<double> cumulative;
    double running = 0;
    for (uint32_t s = 0; s < coverage.segments.size(); ++s) {
      if (coverage.areas.of_segment[s] != index || coverage.demand_km[s] <= 0) continue;
      running += coverage.demand_km[s];
      segments.push_back(s);
      cumulative.push_back(running);
    }
    if (segments.empty())
      throw StreamError(stream.file.string() + ": kecamatan \"" + area.kecamatan +
                        "\" has no street with demand on the map");
    places.segments.push_back(std::move(segments));
    places.cumulative_km.push_back(std::move(cumulative));
  }
  return places;
}

double draw_duration(double mean, std::mt19937_64& random) {
  if (mean <= 0) return 0;
  std::gamma_distribution<double> gamma(4.0, mean / 4.0);
  return gamma(random);
}

namespace {

template <typename Share>
size_t draw_by_share(const std::vector<Share>& items, std::mt19937_64& random) {
  std::uniform_real_distribution<double> uniform(0, 1);
  double x = uniform(random);
  for (size_t i = 0; i < items.size(); ++i) {
    if (x < items[i].share) return i;
    x -= items[i].share;
  }
  return items.size() - 1;  // rounding: the shares sum to 1 within 0.005
}

}  // namespace

DrawnCall draw_call(const IncidentStream& stream, const CallPlaces& places, int64_t time_ms,
                    size_t area, std::mt19937_64& random) {
  DrawnCall call;
  call.time_ms = time_ms;
  call.area = area == std::string::npos ? draw_by_share(stream.areas, random) : area;
  const auto& cumulative = places.cumulative_km[call.area];
  std::uniform_real_distribution<double> along(0, cumulative.back());
  const size_t at =
      std::upper_bound(cumulative.begin(), cumulative.end(), along(random)) - cumulative.begin();
  call.segment = places.segments[call.area][std::min(at, cumulative.size() - 1)];
  call.incident_class = &stream.classes[draw_by_share(stream.classes, random)];
  std::uniform_real_distribution<double> uniform(0, 1);
  double x = uniform(random);
  for (const StreamSubtype& subtype : call.incident_class->subtypes) {
    if (x < subtype.share) {
      call.subtype = subtype.subtype;
      break;
    }
    x -= subtype.share;
  }
  return call;
}

}  // namespace siaga::dispatch
