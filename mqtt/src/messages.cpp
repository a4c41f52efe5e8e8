#include "siaga/mqtt/messages.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "siaga/mqtt/topics.h"

namespace siaga::mqtt {

namespace {

template <typename Message>
Message parse(std::string_view payload, const char* what) {
  Message message;
  if (!message.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    throw DecodeError(std::string("payload is not a valid ") + what + " message");
  }
  return message;
}

void check_unit(std::string* unit_id, std::string_view topic_unit_id) {
  if (unit_id->empty()) {
    *unit_id = topic_unit_id;
  } else if (*unit_id != topic_unit_id) {
    throw DecodeError("unit_id \"" + *unit_id + "\" differs from the topic's \"" +
                      std::string(topic_unit_id) + "\"");
  }
}

double number(const nlohmann::json& json, const char* key) {
  const auto it = json.find(key);
  if (it == json.end() || !it->is_number()) {
    throw DecodeError(std::string("OwnTracks location without a numeric \"") + key + "\"");
  }
  return it->get<double>();
}

}  // namespace

v1::Fix decode_fix(std::string_view payload, std::string_view topic_unit_id) {
  auto fix = parse<v1::Fix>(payload, "Fix");
  check_unit(fix.mutable_unit_id(), topic_unit_id);
  return fix;
}

v1::FixBatch decode_fix_batch(std::string_view payload, std::string_view topic_unit_id) {
  auto batch = parse<v1::FixBatch>(payload, "FixBatch");
  if (batch.fixes_size() > max_batch_fixes)
    throw DecodeError("FixBatch of " + std::to_string(batch.fixes_size()) + " fixes (at most " +
                      std::to_string(max_batch_fixes) + ")");
  for (v1::Fix& fix : *batch.mutable_fixes()) check_unit(fix.mutable_unit_id(), topic_unit_id);
  return batch;
}

v1::StatusChange decode_status(std::string_view payload, std::string_view topic_unit_id) {
  auto status = parse<v1::StatusChange>(payload, "StatusChange");
  check_unit(status.mutable_unit_id(), topic_unit_id);
  return status;
}

v1::HazardToggle decode_hazard(std::string_view payload, std::string_view topic_zone_id) {
  auto toggle = parse<v1::HazardToggle>(payload, "HazardToggle");
  if (toggle.zone_id().empty()) toggle.set_zone_id(std::string(topic_zone_id));
  if (toggle.zone_id() != topic_zone_id) throw DecodeError("zone_id differs from the topic's");
  return toggle;
}

std::optional<v1::Fix> decode_owntracks(std::string_view payload, std::string_view unit_id) {
  const auto json = nlohmann::json::parse(payload, nullptr, false);
  if (json.is_discarded() || !json.is_object()) throw DecodeError("OwnTracks payload is not JSON");
  const auto type = json.find("_type");
  if (type == json.end() || !type->is_string())
    throw DecodeError("OwnTracks message without _type");
  if (*type != "location") return std::nullopt;
  v1::Fix fix;
  fix.set_unit_id(std::string(unit_id));
  const double tst = number(json, "tst");
  if (!std::isfinite(tst) || tst < 0 || tst > 1e11)
    throw DecodeError("OwnTracks tst is not a time");
  fix.set_seq(static_cast<uint64_t>(tst));
  fix.set_time_ms(static_cast<int64_t>(tst * 1000));
  fix.set_lat(number(json, "lat"));
  fix.set_lon(number(json, "lon"));
  if (json.contains("vel") && json["vel"].is_number()) {
    fix.set_speed_mps(static_cast<float>(json["vel"].get<double>() / 3.6));
  }
  if (json.contains("cog") && json["cog"].is_number()) {
    fix.set_heading_deg(json["cog"].get<float>());
  }
  if (json.contains("acc") && json["acc"].is_number()) fix.set_accuracy_m(json["acc"].get<float>());
  if (json.contains("batt") && json["batt"].is_number()) {
    fix.set_battery(static_cast<float>(json["batt"].get<double>() / 100.0));
  }
  return fix;
}

std::optional<std::string> parse_owntracks_topic(std::string_view topic) {
  constexpr std::string_view prefix = "owntracks/";
  if (!topic.starts_with(prefix)) return std::nullopt;
  topic.remove_prefix(prefix.size());
  const size_t slash = topic.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == topic.size() ||
      topic.find('/', slash + 1) != std::string_view::npos) {
    return std::nullopt;  // owntracks/user/device/event and the like are not locations
  }
  return std::string(topic);
}

std::optional<std::string> parse_hazard_topic(std::string_view topic) {
  return Topics{}.parse_hazard(topic);
}

}  // namespace siaga::mqtt
