// The incident history: a SQLite database (WAL mode, synchronous=FULL) in the state directory.
// Every change is one transaction, committed before the call returns: what a caller was told
// happened survives `kill -9` and power loss. The schema carries a version (PRAGMA user_version)
// and is migrated forward on open; a database from a newer Siaga is refused, never touched.
//
// Thread-safe: one connection, one lock. GPS fixes stay in the tracking journal (store.h); this
// keeps the calls, the units sent, their times, and the log of who did what.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "siaga/tracking/incident.h"

namespace siaga::tracking {

struct NewIncident {
  Location location;
  std::string incident_class;
  std::string subtype;
  CallType call_type = CallType::emergency;
  std::string duplicate_of;
  int priority = 1;
  std::string caller;
  std::string source = "console";
  bool unverified = false;
  std::string note;             // the call taker's first words, may be empty
  std::string idempotency_key;  // a retried create with the same key returns the first incident
};

struct IncidentQuery {
  bool open_only = true;
  int64_t from_ms = 0;  // created at or after
  int64_t to_ms = 0;    // created before; 0 = no end
  size_t limit = 1000;  // newest first
  bool with_events = false;
};

// What response times are computed from: the lean rows of an incident and its units.
struct UnitTiming {
  std::string unit_id;
  int64_t dispatched_ms = 0;
  int64_t en_route_ms = 0;
  int64_t on_scene_ms = 0;
};
struct IncidentTiming {
  std::string id;
  std::string incident_class;
  std::string kecamatan;
  CallType call_type = CallType::emergency;
  IncidentStatus status = IncidentStatus::new_call;
  int64_t created_ms = 0;
  std::vector<UnitTiming> units;  // in the order they were sent
};

class IncidentStore {
 public:
  // `file` empty: in memory (tests). Throws IncidentStorageError when the file cannot be opened
  // or migrated, DataError when its schema is newer than this build knows.
  explicit IncidentStore(const std::filesystem::path& file);
  ~IncidentStore();
  IncidentStore(const IncidentStore&) = delete;
  IncidentStore& operator=(const IncidentStore&) = delete;

  static constexpr int schema_version = 1;

  struct Created {
    Incident incident;
    bool replayed = false;  // the idempotency key was seen before: no new incident was made
  };
  // Throws InputError for an unknown class, a bad priority, a duplicate without what it
  // duplicates, or non-finite coordinates.
  Created create(const NewIncident& incident, const std::string& who, int64_t now_ms);

  std::optional<Incident> get(std::string_view id) const;  // with its units and events
  std::vector<Incident> list(const IncidentQuery& query) const;
  // Every incident created in [from_ms, to_ms) (to_ms 0: no end), oldest first, with its units'
  // times: one query, for reports over hundreds of thousands of calls.
  std::vector<IncidentTiming> timings(int64_t from_ms, int64_t to_ms) const;
  // How many open incidents there are in each open status (new, dispatched, on_scene).
  std::map<std::string, size_t> open_by_status() const;
  // The open incident the unit is on, if any.
  std::optional<std::string> open_incident_of(std::string_view unit_id) const;

  // Each returns the incident as it is after the change, and throws IncidentNotFound,
  // IncidentConflict (with why) or IncidentStorageError; a refused change changes nothing.
  Incident add_note(std::string_view id, const std::string& who, const std::string& text,
                    int64_t now_ms);
  Incident set_call_type(std::string_view id, const std::string& who, CallType type,
                         const std::string& duplicate_of, int64_t now_ms);
  Incident set_priority(std::string_view id, const std::string& who, int priority, int64_t now_ms);
  Incident verify(std::string_view id, const std::string& who, int64_t now_ms);
  // The unit joins the incident (which becomes dispatched); refused when the incident is not
  // open or the unit is on another open incident, or already on this one.
  Incident assign_unit(std::string_view id, std::string_view unit_id, const std::string& who,
                       int64_t first_eta_ms, int64_t now_ms);
  // A unit's step (en_route, on_scene, transporting, returning → at the hospital or cleared,
  // available → cleared); the first on_scene makes the incident on_scene. Steps already
  // recorded keep their first time, except that a crew's report replaces one set from GPS.
  // `automatic`: from GPS, not the crew.
  Incident record_unit_status(std::string_view id, std::string_view unit_id, UnitStatus status,
                              bool automatic, const std::string& who, int64_t now_ms);
  Incident at_hospital(std::string_view id, std::string_view unit_id, const std::string& who,
                       int64_t now_ms);
  // Closed or cancelled; every unit still on it is cleared at that time.
  Incident finish(std::string_view id, IncidentStatus how, const std::string& who,
                  const std::string& note, int64_t now_ms);

 private:
  struct Connection;
  Incident load(std::string_view id) const;  // the lock held
  std::unique_ptr<Connection> connection_;
  mutable std::mutex mutex_;
};

}  // namespace siaga::tracking
