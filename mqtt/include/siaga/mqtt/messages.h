// Decoding what arrives on the topics: protobuf Fix / StatusChange / HazardToggle, and OwnTracks
// JSON locations, which become a Fix for the unit their device is mapped to. Every failure is a
// DecodeError with a one-line reason; nothing here trusts the payload.
#pragma once

#include <siaga.pb.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "siaga/error.h"

namespace siaga::mqtt {

// A payload that is not the message its topic promises: the tracker's fault.
struct DecodeError : InputError {
  using InputError::InputError;
};

// The payload's unit_id must be empty (taken from the topic) or equal to the topic's: a tracker
// can only speak for the unit whose topic it may publish on.
v1::Fix decode_fix(std::string_view payload, std::string_view topic_unit_id);
// Every fix's unit_id must be empty or the topic's; more than max_batch_fixes is refused whole.
inline constexpr int max_batch_fixes = 1000;
v1::FixBatch decode_fix_batch(std::string_view payload, std::string_view topic_unit_id);
v1::StatusChange decode_status(std::string_view payload, std::string_view topic_unit_id);
v1::HazardToggle decode_hazard(std::string_view payload, std::string_view topic_zone_id);

// OwnTracks `{"_type":"location","lat":..,"lon":..,"tst":..}` (vel km/h, cog deg, acc m, batt %)
// as a Fix of `unit_id`; seq is the fix time in seconds (OwnTracks has no sequence number).
// Other _types (lwt, transition, ...) are valid OwnTracks messages but no fixes: nullopt.
std::optional<v1::Fix> decode_owntracks(std::string_view payload, std::string_view unit_id);

// owntracks/{user}/{device} → "user/device"; nullopt for anything else.
std::optional<std::string> parse_owntracks_topic(std::string_view topic);
// siaga/v1/hazards/{zone_id} → zone_id.
std::optional<std::string> parse_hazard_topic(std::string_view topic);

}  // namespace siaga::mqtt
