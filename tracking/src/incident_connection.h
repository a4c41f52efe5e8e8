// The incident database's schema and its one connection: shared by the store (incident_store.cpp)
// and the standby's replica (incident_replica.cpp). Private to tracking/.
#pragma once

#include <string>
#include <string_view>

#include "siaga/tracking/incident_store.h"
#include "sqlite.h"

namespace siaga::tracking {

// Version 1. Incidents and assignments are clustered by incident id (WITHOUT ROWID), so that a
// report reads both in one ordered pass. Events are append-only (triggers refuse UPDATE and
// DELETE); a unit has at most one assignment that is not cleared, whatever the code above does (a
// partial unique index).
inline constexpr const char* schema_v1 = R"(
CREATE TABLE incidents (
  id TEXT PRIMARY KEY, year INTEGER NOT NULL, number INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  lat REAL NOT NULL, lon REAL NOT NULL, road TEXT NOT NULL, kecamatan TEXT NOT NULL,
  desa TEXT NOT NULL, snap_m REAL NOT NULL,
  class TEXT NOT NULL, subtype TEXT NOT NULL, call_type TEXT NOT NULL,
  duplicate_of TEXT NOT NULL, priority INTEGER NOT NULL, caller TEXT NOT NULL,
  source TEXT NOT NULL, unverified INTEGER NOT NULL, status TEXT NOT NULL,
  closed_ms INTEGER NOT NULL DEFAULT 0, idempotency_key TEXT UNIQUE,
  UNIQUE (year, number)) WITHOUT ROWID;
CREATE INDEX incidents_by_time ON incidents (created_ms);
CREATE INDEX incidents_by_status ON incidents (status);
CREATE TABLE assignments (
  incident_id TEXT NOT NULL REFERENCES incidents (id), unit_id TEXT NOT NULL,
  dispatched_by TEXT NOT NULL, dispatched_ms INTEGER NOT NULL,
  en_route_ms INTEGER NOT NULL DEFAULT 0, on_scene_ms INTEGER NOT NULL DEFAULT 0,
  transporting_ms INTEGER NOT NULL DEFAULT 0, at_hospital_ms INTEGER NOT NULL DEFAULT 0,
  cleared_ms INTEGER NOT NULL DEFAULT 0, en_route_auto INTEGER NOT NULL DEFAULT 0,
  on_scene_auto INTEGER NOT NULL DEFAULT 0, first_eta_ms INTEGER NOT NULL DEFAULT -1,
  PRIMARY KEY (incident_id, unit_id)) WITHOUT ROWID;
CREATE UNIQUE INDEX one_open_assignment_per_unit ON assignments (unit_id) WHERE cleared_ms = 0;
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, incident_id TEXT NOT NULL REFERENCES incidents (id),
  time_ms INTEGER NOT NULL, who TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX events_by_incident ON events (incident_id, seq);
CREATE TRIGGER events_are_not_updated BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'incident events are append-only'); END;
CREATE TRIGGER events_are_not_deleted BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'incident events are append-only'); END;
)";

struct IncidentStore::Connection {
  sqlite::Database db;

  explicit Connection(const std::filesystem::path& file) : db(file) {
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
    // Reports read the whole history: map it rather than copy it page by page.
    db.exec("PRAGMA mmap_size = 268435456; PRAGMA cache_size = -32768;");
    migrate();
  }

  int user_version() {
    sqlite::Statement version(db, "PRAGMA user_version");
    version.step();
    return static_cast<int>(version.integer(0));
  }

  // Each step takes the schema from one version to the next, in one transaction.
  void migrate() {
    const int found = user_version();
    if (found > schema_version) {
      throw DataError("the incident database has schema version " + std::to_string(found) +
                      ", newer than this Siaga's " + std::to_string(schema_version) +
                      "; refusing to touch it");
    }
    if (found == 0) {
      sqlite::Transaction transaction(db);
      db.exec(schema_v1);
      db.exec("PRAGMA user_version = 1");
      transaction.commit();
    }
  }

  void event(std::string_view id, int64_t time_ms, const std::string& who, const char* kind,
             const std::string& text) {
    sqlite::Statement insert(
        db, "INSERT INTO events (incident_id, time_ms, who, kind, text) VALUES (?1,?2,?3,?4,?5)");
    insert.bind(1, id).bind(2, time_ms).bind(3, who).bind(4, std::string_view(kind)).bind(5, text);
    insert.run();
  }

  void set_status(std::string_view id, IncidentStatus status, int64_t closed_ms) {
    sqlite::Statement update(db, "UPDATE incidents SET status = ?2, closed_ms = ?3 WHERE id = ?1");
    update.bind(1, id).bind(2, incident_status_name(status)).bind(3, closed_ms).run();
  }
};

// A whole assignment row, every column: bulk loads and a standby's replica write them as given.
inline constexpr const char* insert_assignment_sql =
    R"(INSERT INTO assignments (incident_id, unit_id, dispatched_by, dispatched_ms, en_route_ms,
    on_scene_ms, transporting_ms, at_hospital_ms, cleared_ms, en_route_auto, on_scene_auto,
    first_eta_ms) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12))";

inline void insert_assignment(sqlite::Statement& insert, std::string_view incident_id,
                              const UnitAssignment& a) {
  insert.reset();
  insert.bind(1, incident_id).bind(2, a.unit_id).bind(3, a.dispatched_by);
  insert.bind(4, a.dispatched_ms).bind(5, a.en_route_ms).bind(6, a.on_scene_ms);
  insert.bind(7, a.transporting_ms).bind(8, a.at_hospital_ms).bind(9, a.cleared_ms);
  insert.bind(10, int64_t{a.en_route_auto}).bind(11, int64_t{a.on_scene_auto});
  insert.bind(12, a.first_eta_ms).run();
}

}  // namespace siaga::tracking
