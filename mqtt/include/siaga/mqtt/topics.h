// The MQTT topic layout, version 1:
//   siaga/v1/units/{unit_id}/fix      Fix (protobuf)
//   siaga/v1/units/{unit_id}/fixes    FixBatch (protobuf): several fixes, oldest first
//   siaga/v1/units/{unit_id}/status   StatusChange (protobuf)
//   siaga/v1/hazards/{zone_id}        HazardToggle (protobuf)
//   siaga/v1/events/{kind}            engine events (dispatch, ...)
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace siaga::mqtt {

enum class UnitTopicKind { fix, fixes, status };

struct UnitTopic {
  std::string unit_id;
  UnitTopicKind kind;
};

std::string fix_topic(std::string_view unit_id);
std::string fixes_topic(std::string_view unit_id);
std::string status_topic(std::string_view unit_id);
std::string hazard_topic(std::string_view zone_id);
std::string event_topic(std::string_view kind);

// Unit ids are 1–64 characters of [A-Za-z0-9_-], so they never contain MQTT wildcards or '/'.
bool valid_unit_id(std::string_view unit_id);

// Parses siaga/v1/units/{unit_id}/fix|fixes|status; nullopt for anything else.
std::optional<UnitTopic> parse_unit_topic(std::string_view topic);

}  // namespace siaga::mqtt
