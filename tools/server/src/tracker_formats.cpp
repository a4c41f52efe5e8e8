#include "siaga/server/tracker_formats.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

namespace siaga::server {

namespace {

using JsonIn = nlohmann::json;

std::optional<double> number(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<std::string_view> param(const Params& params, const char* name) {
  const auto found = params.find(name);
  if (found == params.end()) return std::nullopt;
  return std::string_view(found->second);
}

double required_number(const Params& params, const char* name) {
  const auto text = param(params, name);
  if (!text) throw TrackerFormatError(std::string("\"") + name + "\" is missing");
  const auto value = number(*text);
  if (!value) throw TrackerFormatError(std::string("\"") + name + "\" is not a number");
  return *value;
}

std::optional<double> optional_number(const Params& params, const char* name) {
  const auto text = param(params, name);
  if (!text || text->empty()) return std::nullopt;
  const auto value = number(*text);
  if (!value) throw TrackerFormatError(std::string("\"") + name + "\" is not a number");
  return value;
}

// A JSON member as a number, nullopt when absent or null.
std::optional<double> json_number(const JsonIn& object, const char* name) {
  if (!object.is_object() || !object.contains(name) || object[name].is_null()) return std::nullopt;
  if (!object[name].is_number())
    throw TrackerFormatError(std::string("\"") + name + "\" is not a number");
  return object[name].get<double>();
}

double json_required(const JsonIn& object, const char* name) {
  const auto value = json_number(object, name);
  if (!value) throw TrackerFormatError(std::string("\"") + name + "\" is missing");
  return *value;
}

std::string json_id(const JsonIn& object, const char* name) {
  if (!object.is_object() || !object.contains(name))
    throw TrackerFormatError(std::string("\"") + name + "\" is missing");
  const JsonIn& id = object[name];
  if (id.is_string() && !id.get<std::string>().empty()) return id.get<std::string>();
  if (id.is_number_integer()) return std::to_string(id.get<int64_t>());
  throw TrackerFormatError(std::string("\"") + name + "\" must be a non-empty string");
}

JsonIn parse_object(std::string_view body) {
  JsonIn json = JsonIn::parse(body.begin(), body.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object())
    throw TrackerFormatError("the body is not a JSON object");
  return json;
}

float non_negative(std::optional<double> value) {
  return value && *value > 0 ? static_cast<float>(*value) : 0.0f;
}

std::optional<float> battery_share(std::optional<double> level, double full) {
  if (!level || *level < 0) return std::nullopt;  // -1: the phone does not know
  return static_cast<float>(std::clamp(*level / full, 0.0, 1.0));
}

TrackerReport report_of(std::string device_id, double lat, double lon, int64_t time_ms) {
  TrackerReport report;
  report.device_id = std::move(device_id);
  report.fix.lat = lat;
  report.fix.lon = lon;
  report.fix.time_ms = time_ms;
  report.fix.seq = static_cast<uint64_t>(std::max<int64_t>(0, time_ms));
  return report;
}

int digits(std::string_view text, size_t at, size_t count) {
  int value = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

int64_t parse_tracker_time(std::string_view text) {
  using namespace std::chrono;
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    if (text.size() > 15) throw TrackerFormatError("timestamp is out of range");
    const int64_t value = std::stoll(std::string(text));
    // As Traccar reads it: below 2^31 it is seconds, above it milliseconds.
    return value < std::numeric_limits<int32_t>::max() ? value * 1000 : value;
  }
  // 2026-12-02T01:00:00.123Z, 2026-12-02T09:00:00+08:00, 2026-12-02 01:00:00
  const int year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  const int hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (text.size() < 19 || year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 ||
      second < 0 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') ||
      text[13] != ':' || text[16] != ':')
    throw TrackerFormatError("timestamp \"" + std::string(text) + "\" is not a time");
  const year_month_day date{std::chrono::year(year),
                            std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60)
    throw TrackerFormatError("timestamp \"" + std::string(text) + "\" is not a time");
  int64_t ms = duration_cast<milliseconds>(sys_days(date).time_since_epoch()).count() +
               ((hour * 60 + minute) * 60 + second) * int64_t{1000};
  size_t at = 19;
  if (at < text.size() && text[at] == '.') {  // fractions of a second
    int64_t scale = 100;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, scale /= 10)
      ms += (text[at] - '0') * scale;
  }
  if (at == text.size() || text.substr(at) == "Z") return ms;
  const char sign = text[at];
  const int offset_h = digits(text, at + 1, 2);
  const size_t colon = at + 3 < text.size() && text[at + 3] == ':' ? 1 : 0;
  const int offset_m = digits(text, at + 3 + colon, 2);
  if ((sign != '+' && sign != '-') || offset_h < 0 || offset_m < 0 || at + 5 + colon != text.size())
    throw TrackerFormatError("timestamp \"" + std::string(text) + "\" has no readable offset");
  const int64_t offset_ms = (offset_h * 60 + offset_m) * int64_t{60'000};
  return sign == '+' ? ms - offset_ms : ms + offset_ms;
}

TrackerReport decode_osmand_params(const Params& params) {
  auto id = param(params, "id");
  if (!id || id->empty()) id = param(params, "deviceid");
  if (!id || id->empty()) throw TrackerFormatError("\"id\" (or \"deviceid\") is missing");
  const auto valid = param(params, "valid");
  const auto timestamp = param(params, "timestamp");
  TrackerReport report = report_of(
      std::string(*id), required_number(params, "lat"), required_number(params, "lon"),
      timestamp && !timestamp->empty() ? parse_tracker_time(*timestamp) : tracking::now_ms());
  report.fix.speed_mps = non_negative(optional_number(params, "speed")) * knots_to_mps;
  auto bearing = optional_number(params, "bearing");
  if (!bearing) bearing = optional_number(params, "heading");
  report.fix.heading_deg = non_negative(bearing);
  auto accuracy = optional_number(params, "accuracy");
  // Without an accuracy, hdop times a typical 5 m user range error stands for it.
  if (!accuracy) {
    if (const auto hdop = optional_number(params, "hdop")) accuracy = *hdop * 5;
  }
  report.fix.accuracy_m = non_negative(accuracy);
  if (const auto batt = battery_share(optional_number(params, "batt"), 100))
    report.fix.battery = batt;
  report.valid = !valid || (*valid != "false" && *valid != "0");
  return report;
}

TrackerReport decode_osmand_json(std::string_view body) {
  const JsonIn json = parse_object(body);
  const std::string id = json_id(json, "device_id");
  if (!json.contains("location") || !json["location"].is_object())
    throw TrackerFormatError("\"location\" is missing");
  const JsonIn& location = json["location"];
  if (!location.contains("coords") || !location["coords"].is_object())
    throw TrackerFormatError("\"coords\" is missing");
  const JsonIn& coords = location["coords"];
  if (!location.contains("timestamp") || !location["timestamp"].is_string())
    throw TrackerFormatError("\"timestamp\" is missing");
  TrackerReport report =
      report_of(id, json_required(coords, "latitude"), json_required(coords, "longitude"),
                parse_tracker_time(location["timestamp"].get<std::string>()));
  report.fix.speed_mps = non_negative(json_number(coords, "speed"));  // already m/s
  report.fix.heading_deg = non_negative(json_number(coords, "heading"));
  report.fix.accuracy_m = non_negative(json_number(coords, "accuracy"));
  if (location.contains("battery")) {
    if (const auto level = battery_share(json_number(location["battery"], "level"), 1))
      report.fix.battery = level;
  }
  return report;
}

TrackerReport decode_traccar_forward(std::string_view body) {
  const JsonIn json = parse_object(body);
  if (!json.contains("position") || !json["position"].is_object())
    throw TrackerFormatError("\"position\" is missing");
  if (!json.contains("device") || !json["device"].is_object())
    throw TrackerFormatError("\"device\" is missing");
  const JsonIn& position = json["position"];
  if (!position.contains("fixTime") || !position["fixTime"].is_string())
    throw TrackerFormatError("\"fixTime\" is missing");
  TrackerReport report =
      report_of(json_id(json["device"], "uniqueId"), json_required(position, "latitude"),
                json_required(position, "longitude"),
                parse_tracker_time(position["fixTime"].get<std::string>()));
  report.fix.speed_mps = non_negative(json_number(position, "speed")) * knots_to_mps;
  report.fix.heading_deg = non_negative(json_number(position, "course"));
  report.fix.accuracy_m = non_negative(json_number(position, "accuracy"));
  if (position.contains("attributes")) {
    if (const auto level = battery_share(json_number(position["attributes"], "batteryLevel"), 100))
      report.fix.battery = level;
  }
  report.valid = !position.contains("valid") || !position["valid"].is_boolean() ||
                 position["valid"].get<bool>();
  return report;
}

}  // namespace siaga::server
