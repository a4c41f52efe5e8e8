#include "siaga/mqtt/topics.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace siaga::mqtt {

bool Topics::valid_region(std::string_view region) {
  // Province, regency/city, district, village: 2, 2, 2 and 4 digits, joined by dots.
  constexpr size_t group_sizes[] = {2, 2, 2, 4};
  size_t group = 0;
  while (true) {
    if (group == std::size(group_sizes)) return false;
    const size_t size = group_sizes[group];
    if (region.size() < size ||
        !std::all_of(region.begin(), region.begin() + static_cast<std::ptrdiff_t>(size),
                     [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    region.remove_prefix(size);
    if (region.empty()) return true;
    if (region.front() != '.') return false;
    region.remove_prefix(1);
    ++group;
  }
}

Topics Topics::of_region(std::string_view region) {
  if (!valid_region(region))
    throw std::invalid_argument("not a Kepmendagri area code (e.g. 81.71): " + std::string(region));
  Topics topics;
  topics.region_ = std::string(region);
  topics.root_ = "siaga/v2/" + topics.region_;
  return topics;
}

std::string Topics::fix(std::string_view unit_id) const {
  return root_ + "/units/" + std::string(unit_id) + "/fix";
}
std::string Topics::fixes(std::string_view unit_id) const {
  return root_ + "/units/" + std::string(unit_id) + "/fixes";
}
std::string Topics::status(std::string_view unit_id) const {
  return root_ + "/units/" + std::string(unit_id) + "/status";
}
std::string Topics::hazard(std::string_view zone_id) const {
  return root_ + "/hazards/" + std::string(zone_id);
}
std::string Topics::event(std::string_view kind) const {
  return root_ + "/events/" + std::string(kind);
}

std::string Topics::replica(std::string_view kind) const {
  return root_ + "/replica/" + std::string(kind);
}
std::string Topics::units_filter(std::string_view kind) const {
  return root_ + "/units/+/" + std::string(kind);
}
std::string Topics::hazards_filter() const {
  return root_ + "/hazards/+";
}

std::optional<UnitTopic> Topics::parse_unit(std::string_view topic) const {
  const std::string prefix = root_ + "/units/";
  if (!topic.starts_with(prefix)) return std::nullopt;
  topic.remove_prefix(prefix.size());
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

std::optional<std::string> Topics::parse_hazard(std::string_view topic) const {
  const std::string prefix = root_ + "/hazards/";
  if (!topic.starts_with(prefix)) return std::nullopt;
  topic.remove_prefix(prefix.size());
  if (topic.empty() || topic.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(topic);
}

std::string fix_topic(std::string_view unit_id) {
  return Topics{}.fix(unit_id);
}
std::string fixes_topic(std::string_view unit_id) {
  return Topics{}.fixes(unit_id);
}
std::string status_topic(std::string_view unit_id) {
  return Topics{}.status(unit_id);
}
std::string hazard_topic(std::string_view zone_id) {
  return Topics{}.hazard(zone_id);
}
std::string event_topic(std::string_view kind) {
  return Topics{}.event(kind);
}

bool valid_unit_id(std::string_view unit_id) {
  return !unit_id.empty() && unit_id.size() <= 64 &&
         std::all_of(unit_id.begin(), unit_id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
         });
}

std::optional<UnitTopic> parse_unit_topic(std::string_view topic) {
  return Topics{}.parse_unit(topic);
}

}  // namespace siaga::mqtt
