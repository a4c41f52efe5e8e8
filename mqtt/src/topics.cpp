#include "siaga/mqtt/topics.h"

#include <algorithm>
#include <cctype>

namespace siaga::mqtt {

namespace {
constexpr std::string_view units_prefix = "siaga/v1/units/";
}

std::string fix_topic(std::string_view unit_id) {
  return std::string(units_prefix) + std::string(unit_id) + "/fix";
}
std::string fixes_topic(std::string_view unit_id) {
  return std::string(units_prefix) + std::string(unit_id) + "/fixes";
}
std::string status_topic(std::string_view unit_id) {
  return std::string(units_prefix) + std::string(unit_id) + "/status";
}
std::string hazard_topic(std::string_view zone_id) {
  return "siaga/v1/hazards/" + std::string(zone_id);
}
std::string event_topic(std::string_view kind) {
  return "siaga/v1/events/" + std::string(kind);
}

bool valid_unit_id(std::string_view unit_id) {
  return !unit_id.empty() && unit_id.size() <= 64 &&
         std::all_of(unit_id.begin(), unit_id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
         });
}

std::optional<UnitTopic> parse_unit_topic(std::string_view topic) {
  if (!topic.starts_with(units_prefix)) return std::nullopt;
  topic.remove_prefix(units_prefix.size());
  const size_t slash = topic.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view unit_id = topic.substr(0, slash);
  const std::string_view kind = topic.substr(slash + 1);
  if (!valid_unit_id(unit_id)) return std::nullopt;
  if (kind == "fix") return UnitTopic{std::string(unit_id), UnitTopicKind::fix};
  if (kind == "fixes") return UnitTopic{std::string(unit_id), UnitTopicKind::fixes};
  if (kind == "status") return UnitTopic{std::string(unit_id), UnitTopicKind::status};
  return std::nullopt;
}

}  // namespace siaga::mqtt
