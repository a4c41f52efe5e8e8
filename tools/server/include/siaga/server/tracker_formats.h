// The HTTP formats of the trackers Ambon's fleets already carry, decoded into one position fix
// each, so that they go through the same validation, snapping and journal as an MQTT fix:
//
// - OsmAnd (what Traccar Client and OsmAnd send): query or form parameters `id`/`deviceid`,
//   `lat`, `lon`, `timestamp`, `speed` (knots: Traccar Client converts the phone's m/s with
//   × 1.943844, and the Traccar server reads it so), `bearing`/`heading`, `altitude`,
//   `accuracy`, `hdop`, `batt` (percent); or the JSON body of Traccar Client 9 and later,
//   `{"location": {"timestamp", "coords": {"latitude", "longitude", "accuracy", "speed" (m/s),
//   "heading", "altitude"}, "battery": {"level" (0–1)}, "is_moving", "event"}, "device_id"}`.
// - Traccar's position forwarding (`forward.type=json`, and the same JSON over MQTT):
//   `{"position": {"latitude", "longitude", "speed" (knots, Traccar's unit), "course",
//   "fixTime" (ISO 8601), "accuracy", "attributes": {"batteryLevel" (percent)}},
//   "device": {"uniqueId"}}`.
// - OwnTracks in HTTP mode: the same JSON as over MQTT (mqtt/messages.h decodes it).
//
// Times may be seconds or milliseconds since the epoch, ISO 8601 (with Z or an offset), or
// "yyyy-MM-dd HH:mm:ss" (UTC). A fix's seq is its time in ms: a replayed request is a duplicate.
#pragma once

#include <string>
#include <string_view>

#include "siaga/server/api.h"
#include "siaga/tracking/store.h"

namespace siaga::server {

// A request that is not the format it claims to be: names what is missing or wrong.
struct TrackerFormatError : InputError {
  using InputError::InputError;
};

struct TrackerReport {
  std::string device_id;      // the tracker's own identifier; the fleet maps it to a unit
  tracking::PositionFix fix;  // unit_id empty until mapped
  bool valid = true;          // false: the tracker says it has no GPS fix (OsmAnd `valid`,
                              // Traccar's `position.valid`)
};

TrackerReport decode_osmand_params(const Params& params);
TrackerReport decode_osmand_json(std::string_view body);
TrackerReport decode_traccar_forward(std::string_view body);

// ms since the epoch; throws TrackerFormatError for anything else.
int64_t parse_tracker_time(std::string_view text);

inline constexpr double knots_to_mps = 0.514444;

}  // namespace siaga::server
