// The standby's side of replication: an incident as the primary has it, written over ours.
// Incidents and assignments are replaced; events are append-only (the schema's triggers), so the
// primary's events are added with their own seqs and the ones we already have are kept as they
// are. Versions are the newest event's seq: the database's order across incidents, the same on
// both sides, so that after a promotion new events follow on from the primary's.
#include <cstdio>

#include "incident_connection.h"

namespace siaga::tracking {

namespace {

int64_t newest_event(const Incident& incident) {
  int64_t newest = 0;
  for (const IncidentEvent& event : incident.events) newest = std::max(newest, event.seq);
  return newest;
}

int64_t stored_version(sqlite::Database& db, std::string_view id) {
  sqlite::Statement newest(db, "SELECT COALESCE(MAX(seq), 0) FROM events WHERE incident_id = ?1");
  newest.bind(1, id).step();
  return newest.integer(0);
}

// The year and number in 112-YYYY-NNNNNN.
std::pair<int64_t, int64_t> year_and_number(const std::string& id) {
  int year = 0;
  long long number = 0;
  if (std::sscanf(id.c_str(), "112-%4d-%lld", &year, &number) != 2)
    throw IncidentStorageError("replica: \"" + id + "\" is not an incident id");
  return {year, number};
}

void upsert_incident(sqlite::Database& db, const Incident& incident) {
  const auto [year, number] = year_and_number(incident.id);
  sqlite::Statement upsert(db, R"(INSERT INTO incidents (id, year, number, created_ms, lat, lon,
    road, kecamatan, desa, snap_m, class, subtype, call_type, duplicate_of, priority, caller,
    source, unverified, status, closed_ms, idempotency_key)
    VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21)
    ON CONFLICT (id) DO UPDATE SET created_ms = ?4, lat = ?5, lon = ?6, road = ?7,
    kecamatan = ?8, desa = ?9, snap_m = ?10, class = ?11, subtype = ?12, call_type = ?13,
    duplicate_of = ?14, priority = ?15, caller = ?16, source = ?17, unverified = ?18,
    status = ?19, closed_ms = ?20, idempotency_key = ?21)");
  const Location& at = incident.location;
  upsert.bind(1, incident.id).bind(2, year).bind(3, number).bind(4, incident.created_ms);
  upsert.bind(5, at.lat).bind(6, at.lon).bind(7, at.road).bind(8, at.kecamatan);
  upsert.bind(9, at.desa).bind(10, at.snap_m).bind(11, incident.incident_class);
  upsert.bind(12, incident.subtype).bind(13, call_type_name(incident.call_type));
  upsert.bind(14, incident.duplicate_of).bind(15, int64_t{incident.priority});
  upsert.bind(16, incident.caller).bind(17, incident.source);
  upsert.bind(18, int64_t{incident.unverified ? 1 : 0});
  upsert.bind(19, incident_status_name(incident.status)).bind(20, incident.closed_ms);
  if (incident.idempotency_key.empty()) {
    upsert.bind_null(21);
  } else {
    upsert.bind(21, incident.idempotency_key);
  }
  upsert.run();
}

void replace_assignments(sqlite::Database& db, const Incident& incident) {
  sqlite::Statement clear(db, "DELETE FROM assignments WHERE incident_id = ?1");
  clear.bind(1, incident.id).run();
  sqlite::Statement insert(db, insert_assignment_sql);
  for (const UnitAssignment& a : incident.units) insert_assignment(insert, incident.id, a);
}

void add_events(sqlite::Database& db, const Incident& incident) {
  sqlite::Statement insert(db, R"(INSERT OR IGNORE INTO events (seq, incident_id, time_ms, who,
    kind, text) VALUES (?1,?2,?3,?4,?5,?6))");
  for (const IncidentEvent& e : incident.events) {
    insert.reset();
    insert.bind(1, e.seq).bind(2, incident.id).bind(3, e.time_ms).bind(4, e.who);
    insert.bind(5, e.kind).bind(6, e.text).run();
  }
}

}  // namespace

bool IncidentStore::apply_replica(const Incident& incident) {
  std::lock_guard lock(mutex_);
  sqlite::Database& db = connection_->db;
  sqlite::Transaction transaction(db);
  if (newest_event(incident) < stored_version(db, incident.id)) return false;
  upsert_incident(db, incident);
  replace_assignments(db, incident);
  add_events(db, incident);
  transaction.commit();
  return true;
}

int64_t IncidentStore::version_of(std::string_view id) const {
  std::lock_guard lock(mutex_);
  return stored_version(connection_->db, id);
}

}  // namespace siaga::tracking
