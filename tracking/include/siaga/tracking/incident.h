// A 112 call from the first ring to closed: where, what, how serious, what kind of call, which
// units went and when each reached each step, and an append-only log of who did what. The
// incident's own lifecycle is new → dispatched → on_scene → closed, plus cancelled; each unit on
// it keeps its own times (dispatched, en_route, on_scene, transporting, at_hospital, cleared).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "siaga/error.h"
#include "siaga/tracking/unit_status.h"

namespace siaga::tracking {

// No incident has that id.
struct IncidentNotFound : InputError {
  using InputError::InputError;
};

// The change does not fit the incident's state: an illegal transition, a unit already on another
// incident, a closed incident. The message says why (HTTP 409).
struct IncidentConflict : InputError {
  using InputError::InputError;
};

// The incident database could not make the change durable (a full disk, an I/O error): nothing
// of it was kept (HTTP 503).
struct IncidentStorageError : IoError {
  using IoError::IoError;
};

enum class IncidentStatus : uint8_t { new_call, dispatched, on_scene, closed, cancelled };
inline constexpr int incident_status_count = 5;
std::string_view incident_status_name(IncidentStatus status);  // "new", "dispatched", ...
std::optional<IncidentStatus> parse_incident_status(std::string_view name);
bool is_open(IncidentStatus status);  // new, dispatched or on_scene

// What kind of call it was: a real emergency, a request for information, a prank, a silent
// (ghost) call, or a duplicate of another incident.
enum class CallType : uint8_t { emergency, information, prank, ghost, duplicate };
inline constexpr int call_type_count = 5;
std::string_view call_type_name(CallType type);
std::optional<CallType> parse_call_type(std::string_view name);

// The classes of Ambon's 112 (the dispatch room's incident-types.json maps them to unit types).
inline constexpr std::array<std::string_view, 6> incident_class_names = {
    "medical", "fire", "security", "disaster", "rescue", "other"};
bool known_incident_class(std::string_view name);

// One unit's part in an incident: when it reached each step (ms since the epoch, 0 = not yet).
struct UnitAssignment {
  std::string unit_id;
  std::string dispatched_by;
  int64_t dispatched_ms = 0;
  int64_t en_route_ms = 0;
  int64_t on_scene_ms = 0;
  int64_t transporting_ms = 0;
  int64_t at_hospital_ms = 0;
  int64_t cleared_ms = 0;
  bool en_route_auto = false;  // set from GPS, not by the crew
  bool on_scene_auto = false;
  int64_t first_eta_ms = -1;  // the drive time computed at dispatch, -1 when none was

  bool cleared() const { return cleared_ms != 0; }
};

struct IncidentEvent {
  int64_t seq = 0;  // the database's order of events, across incidents
  int64_t time_ms = 0;
  std::string who;  // the token's name, a unit's id for its crew, "auto" for GPS
  std::string
      kind;  // created, note, call_type, priority, unit_dispatched, unit_status, closed, ...
  std::string text;  // a sentence for people
};

struct Location {
  double lat = 0;
  double lon = 0;
  std::string road;       // the street the place was snapped to, or "near …"
  std::string kecamatan;  // the area label, may be empty
  std::string desa;       // the desa/kelurahan label, may be empty
  double snap_m = 0;      // distance from the given point to the road
};

struct Incident {
  std::string id;  // 112-2026-000123, sequential per year (WIT)
  int64_t created_ms = 0;
  Location location;
  std::string incident_class;  // one of incident_class_names
  std::string subtype;         // e.g. house_fire, traffic_accident_trapped; may be empty
  CallType call_type = CallType::emergency;
  std::string duplicate_of;        // with CallType::duplicate
  int priority = 1;                // 1 (life at risk) … 3 (no urgency)
  std::string caller;              // a phone number, may be empty; shown only to token holders
  std::string source = "console";  // console, api, app (the citizens' panic button)
  bool unverified = false;         // a report nobody has confirmed yet (the app)
  IncidentStatus status = IncidentStatus::new_call;
  int64_t closed_ms = 0;        // closed or cancelled
  std::string idempotency_key;  // the create's Idempotency-Key, may be empty
  std::vector<UnitAssignment> units;
  std::vector<IncidentEvent> events;

  const UnitAssignment* unit(std::string_view unit_id) const;
};

// Empty when the incident may go from `from` to `to`, else why not.
std::string incident_transition_error(IncidentStatus from, IncidentStatus to);

// The year of `time_ms` in WIT (UTC+9, Maluku's time, no daylight saving): incident numbers start
// again at 1 each such year.
int wit_year(int64_t time_ms);

}  // namespace siaga::tracking
