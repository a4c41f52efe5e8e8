// OSM tag values a car's import reads: speeds by road class on Ambon, `maxspeed` and `duration`.
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <vector>

#include "siaga/geodata/osm_import.h"

namespace siaga::geodata {

double default_speed_kmh(RoadClass road_class) {
  // Ambon's roads are narrow, steep and winding with mixed traffic (angkot, motorbikes): these
  // are typical free-flow car speeds there, below the legal limits of PP 79/2013.
  switch (road_class) {
    case RoadClass::motorway:
      return 80;
    case RoadClass::trunk:
      return 50;
    case RoadClass::primary:
      return 45;
    case RoadClass::secondary:
      return 40;
    case RoadClass::tertiary:
      return 35;
    case RoadClass::unclassified:
      return 30;
    case RoadClass::residential:
      return 25;
    case RoadClass::living_street:
      return 10;
    case RoadClass::service:
      return 15;
    case RoadClass::road:
      return 20;
    case RoadClass::ferry:
      return 15;
  }
  return 20;
}

std::optional<double> parse_maxspeed_kmh(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  // Zone values such as "ID:urban" (Indonesia: PP 79/2013 urban 50, rural 80, motorway 100).
  if (const size_t colon = value.find(':'); colon != std::string_view::npos) {
    const std::string_view zone = value.substr(colon + 1);
    if (zone == "urban") return 50;
    if (zone == "rural") return 80;
    if (zone == "motorway") return 100;
    if (zone == "living_street") return 20;
    return std::nullopt;
  }
  if (value == "walk") return 5;
  if (value == "none" || value == "signals" || value == "variable") return std::nullopt;
  double number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || number <= 0 || !std::isfinite(number)) return std::nullopt;
  std::string_view unit(end, static_cast<size_t>(value.data() + value.size() - end));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  if (unit.empty() || unit == "km/h" || unit == "kmh" || unit == "kph") return number;
  if (unit == "mph") return number * 1.609344;
  if (unit == "knots") return number * 1.852;
  return std::nullopt;
}

std::optional<double> parse_duration_s(std::string_view value) {
  // OSM uses "HH:MM", "HH:MM:SS", plain minutes, or ISO 8601 "PT1H30M".
  auto number = [](std::string_view text) -> std::optional<double> {
    double result = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), result);
    if (error != std::errc() || end != text.data() + text.size() || result < 0) return std::nullopt;
    return result;
  };
  if (value.starts_with("PT")) {
    double seconds = 0;
    std::string_view rest = value.substr(2);
    while (!rest.empty()) {
      const size_t unit_at = rest.find_first_of("HMS");
      if (unit_at == std::string_view::npos) return std::nullopt;
      const auto amount = number(rest.substr(0, unit_at));
      if (!amount) return std::nullopt;
      seconds += *amount * (rest[unit_at] == 'H' ? 3600 : rest[unit_at] == 'M' ? 60 : 1);
      rest.remove_prefix(unit_at + 1);
    }
    return seconds > 0 ? std::optional(seconds) : std::nullopt;
  }
  std::vector<double> parts;
  size_t start = 0;
  while (true) {
    const size_t colon = value.find(':', start);
    const auto part = number(value.substr(start, colon - start));
    if (!part) return std::nullopt;
    parts.push_back(*part);
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (parts.size() == 1) return parts[0] * 60;
  if (parts.size() == 2) return parts[0] * 3600 + parts[1] * 60;
  if (parts.size() == 3) return parts[0] * 3600 + parts[1] * 60 + parts[2];
  return std::nullopt;
}

}  // namespace siaga::geodata
