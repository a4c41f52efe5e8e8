// The MQTT topic layout under a root: siaga/v1 for a broker that serves one region (version 1,
// the default), siaga/v2/{region} for regions side by side on one broker (cluster), the region
// being its Kepmendagri area code (81.71 Kota Ambon, 81.01 Maluku Tengah):
//   ROOT/units/{unit_id}/fix      Fix (protobuf)
//   ROOT/units/{unit_id}/fixes    FixBatch (protobuf): several fixes, oldest first
//   ROOT/units/{unit_id}/status   StatusChange (protobuf)
//   ROOT/hazards/{zone_id}        HazardToggle (protobuf)
//   ROOT/events/{kind}            engine events (dispatch, incident, hazard)
//   ROOT/replica/{kind}           the primary's feed to its hot standbys (siaga.proto)
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

// One region's topics. A value: copy it where it is needed.
class Topics {
 public:
  Topics() = default;  // version 1: siaga/v1
  // siaga/v2/{region}; throws std::invalid_argument unless `region` is a Kepmendagri code
  // (81, 81.71, 81.71.01, 81.71.01.1001: digits in groups of 2, 2, 2 and 4).
  static Topics of_region(std::string_view region);
  static bool valid_region(std::string_view region);

  const std::string& root() const { return root_; }
  const std::string& region() const { return region_; }  // empty for version 1

  std::string fix(std::string_view unit_id) const;
  std::string fixes(std::string_view unit_id) const;
  std::string status(std::string_view unit_id) const;
  std::string hazard(std::string_view zone_id) const;
  std::string event(std::string_view kind) const;
  // ROOT/replica/{kind}: a primary's feed to its hot standbys (incident, unit, hazard, primary).
  std::string replica(std::string_view kind) const;
  std::string units_filter(std::string_view kind) const;  // ROOT/units/+/KIND, to subscribe
  std::string hazards_filter() const;                     // ROOT/hazards/+

  // ROOT/units/{unit_id}/fix|fixes|status under this root only; nullopt for anything else.
  std::optional<UnitTopic> parse_unit(std::string_view topic) const;
  std::optional<std::string> parse_hazard(std::string_view topic) const;  // → zone_id

 private:
  std::string root_ = "siaga/v1";
  std::string region_;
};

// Version 1's topics (Topics{}), for the code written before regions.
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
