#include "siaga/tracking/incident_store.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "incident_connection.h"

namespace siaga::tracking {

namespace {

constexpr const char* incident_columns =
    "id, created_ms, lat, lon, road, kecamatan, desa, snap_m, class, subtype, call_type, "
    "duplicate_of, priority, caller, source, unverified, status, closed_ms, "
    "COALESCE(idempotency_key, '')";
constexpr const char* assignment_columns =
    "incident_id, unit_id, dispatched_by, dispatched_ms, en_route_ms, on_scene_ms, "
    "transporting_ms, at_hospital_ms, cleared_ms, en_route_auto, on_scene_auto, first_eta_ms";

Incident incident_of(const sqlite::Statement& row) {
  Incident incident;
  incident.id = row.text(0);
  incident.created_ms = row.integer(1);
  incident.location = {row.real(2), row.real(3), row.text(4),
                       row.text(5), row.text(6), row.real(7)};
  incident.incident_class = row.text(8);
  incident.subtype = row.text(9);
  incident.call_type = parse_call_type(row.text(10)).value_or(CallType::emergency);
  incident.duplicate_of = row.text(11);
  incident.priority = static_cast<int>(row.integer(12));
  incident.caller = row.text(13);
  incident.source = row.text(14);
  incident.unverified = row.integer(15) != 0;
  incident.status = parse_incident_status(row.text(16)).value_or(IncidentStatus::new_call);
  incident.closed_ms = row.integer(17);
  incident.idempotency_key = row.text(18);
  return incident;
}

UnitAssignment assignment_of(const sqlite::Statement& row) {
  UnitAssignment a;
  a.unit_id = row.text(1);
  a.dispatched_by = row.text(2);
  a.dispatched_ms = row.integer(3);
  a.en_route_ms = row.integer(4);
  a.on_scene_ms = row.integer(5);
  a.transporting_ms = row.integer(6);
  a.at_hospital_ms = row.integer(7);
  a.cleared_ms = row.integer(8);
  a.en_route_auto = row.integer(9) != 0;
  a.on_scene_auto = row.integer(10) != 0;
  a.first_eta_ms = row.integer(11);
  return a;
}

std::string incident_id(int year, int64_t number) {
  char id[32];
  std::snprintf(id, sizeof id, "112-%04d-%06lld", year, static_cast<long long>(number));
  return id;
}

void check_new(const NewIncident& incident) {
  const Location& at = incident.location;
  if (!std::isfinite(at.lat) || !std::isfinite(at.lon) || std::abs(at.lat) > 90 ||
      std::abs(at.lon) > 180)
    throw InputError("location: lat and lon must be finite WGS84 degrees");
  if (!known_incident_class(incident.incident_class))
    throw InputError("class: \"" + incident.incident_class +
                     "\" is not one of medical, fire, security, disaster, rescue, other");
  if (incident.priority < 1 || incident.priority > 3)
    throw InputError("priority: must be 1 (life at risk), 2 or 3");
  if ((incident.call_type == CallType::duplicate) == incident.duplicate_of.empty())
    throw InputError("duplicate_of: a duplicate names the incident it duplicates, and only it");
}

// The column of a unit's step, or nullptr for steps that are not a time of their own.
const char* step_column(UnitStatus status) {
  switch (status) {
    case UnitStatus::en_route:
      return "en_route_ms";
    case UnitStatus::on_scene:
      return "on_scene_ms";
    case UnitStatus::transporting:
      return "transporting_ms";
    case UnitStatus::returning:
    case UnitStatus::available:
    case UnitStatus::out_of_service:
      return "cleared_ms";
    default:
      return nullptr;
  }
}

}  // namespace

IncidentStore::IncidentStore(const std::filesystem::path& file)
    : connection_(std::make_unique<Connection>(file)) {}

IncidentStore::~IncidentStore() = default;

Incident IncidentStore::load(std::string_view id) const {
  sqlite::Database& db = connection_->db;
  sqlite::Statement row(
      db, (std::string("SELECT ") + incident_columns + " FROM incidents WHERE id = ?1").c_str());
  row.bind(1, id);
  if (!row.step()) throw IncidentNotFound("no incident " + std::string(id));
  Incident incident = incident_of(row);
  sqlite::Statement units(
      db, (std::string("SELECT ") + assignment_columns +
           " FROM assignments WHERE incident_id = ?1 ORDER BY dispatched_ms, unit_id")
              .c_str());
  units.bind(1, id);
  while (units.step()) incident.units.push_back(assignment_of(units));
  sqlite::Statement events(
      db, "SELECT seq, time_ms, who, kind, text FROM events WHERE incident_id = ?1 ORDER BY seq");
  events.bind(1, id);
  while (events.step()) {
    incident.events.push_back(
        {events.integer(0), events.integer(1), events.text(2), events.text(3), events.text(4)});
  }
  return incident;
}

IncidentStore::Created IncidentStore::create(const NewIncident& fresh, const std::string& who,
                                             int64_t now_ms) {
  check_new(fresh);
  std::lock_guard lock(mutex_);
  Connection& c = *connection_;
  if (!fresh.idempotency_key.empty()) {
    sqlite::Statement seen(c.db, "SELECT id FROM incidents WHERE idempotency_key = ?1");
    seen.bind(1, fresh.idempotency_key);
    if (seen.step()) return {load(seen.text(0)), true};
  }
  if (fresh.call_type == CallType::duplicate) load(fresh.duplicate_of);  // it must exist
  sqlite::Transaction transaction(c.db);
  const int year = wit_year(now_ms);
  sqlite::Statement next(c.db,
                         "SELECT COALESCE(MAX(number), 0) + 1 FROM incidents WHERE year = ?1");
  next.bind(1, int64_t{year}).step();
  const int64_t number = next.integer(0);
  const std::string id = incident_id(year, number);
  sqlite::Statement insert(c.db, R"(INSERT INTO incidents (id, year, number, created_ms, lat, lon,
    road, kecamatan, desa, snap_m, class, subtype, call_type, duplicate_of, priority, caller,
    source, unverified, status, idempotency_key)
    VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,'new',?19))");
  const Location& at = fresh.location;
  insert.bind(1, id).bind(2, int64_t{year}).bind(3, number).bind(4, now_ms);
  insert.bind(5, at.lat).bind(6, at.lon).bind(7, at.road).bind(8, at.kecamatan).bind(9, at.desa);
  insert.bind(10, at.snap_m).bind(11, fresh.incident_class).bind(12, fresh.subtype);
  insert.bind(13, call_type_name(fresh.call_type)).bind(14, fresh.duplicate_of);
  insert.bind(15, int64_t{fresh.priority}).bind(16, fresh.caller).bind(17, fresh.source);
  insert.bind(18, int64_t{fresh.unverified ? 1 : 0});
  if (fresh.idempotency_key.empty()) {
    insert.bind_null(19);
  } else {
    insert.bind(19, fresh.idempotency_key);
  }
  insert.run();
  c.event(id, now_ms, who, "created",
          fresh.incident_class + " call (" + std::string(call_type_name(fresh.call_type)) +
              ", priority " + std::to_string(fresh.priority) + ") at " + at.road);
  if (!fresh.note.empty()) c.event(id, now_ms, who, "note", fresh.note);
  transaction.commit();
  return {load(id), false};
}

void IncidentStore::bulk_load(std::span<const Incident> incidents) {
  std::lock_guard lock(mutex_);
  sqlite::Database& db = connection_->db;
  sqlite::Transaction transaction(db);
  sqlite::Statement insert(db, R"(INSERT INTO incidents (id, year, number, created_ms, lat, lon,
    road, kecamatan, desa, snap_m, class, subtype, call_type, duplicate_of, priority, caller,
    source, unverified, status, closed_ms)
    VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20))");
  sqlite::Statement unit(db, insert_assignment_sql);
  sqlite::Statement event(
      db, "INSERT INTO events (incident_id, time_ms, who, kind, text) VALUES (?1,?2,?3,?4,?5)");
  for (const Incident& incident : incidents) {
    const Location& at = incident.location;
    const int year = wit_year(incident.created_ms);
    const int64_t number = std::stoll(incident.id.substr(incident.id.rfind('-') + 1));
    insert.reset();
    insert.bind(1, incident.id).bind(2, int64_t{year}).bind(3, number);
    insert.bind(4, incident.created_ms).bind(5, at.lat).bind(6, at.lon).bind(7, at.road);
    insert.bind(8, at.kecamatan).bind(9, at.desa).bind(10, at.snap_m);
    insert.bind(11, incident.incident_class).bind(12, incident.subtype);
    insert.bind(13, call_type_name(incident.call_type)).bind(14, incident.duplicate_of);
    insert.bind(15, int64_t{incident.priority}).bind(16, incident.caller).bind(17, incident.source);
    insert.bind(18, int64_t{incident.unverified ? 1 : 0});
    insert.bind(19, incident_status_name(incident.status)).bind(20, incident.closed_ms);
    insert.run();
    for (const UnitAssignment& a : incident.units) insert_assignment(unit, incident.id, a);
    for (const IncidentEvent& e : incident.events) {
      event.reset();
      event.bind(1, incident.id)
          .bind(2, e.time_ms)
          .bind(3, e.who)
          .bind(4, e.kind.empty() ? std::string_view("note") : std::string_view(e.kind))
          .bind(5, e.text)
          .run();
    }
  }
  transaction.commit();
}

std::optional<Incident> IncidentStore::get(std::string_view id) const {
  std::lock_guard lock(mutex_);
  try {
    return load(id);
  } catch (const IncidentNotFound&) {
    return std::nullopt;
  }
}

std::vector<Incident> IncidentStore::list(const IncidentQuery& query) const {
  std::lock_guard lock(mutex_);
  sqlite::Database& db = connection_->db;
  const std::string where =
      std::string(" WHERE created_ms >= ?1 AND (?2 = 0 OR created_ms < ?2)") +
      (query.open_only ? " AND status IN ('new', 'dispatched', 'on_scene')" : "");
  sqlite::Statement rows(db, (std::string("SELECT ") + incident_columns + " FROM incidents" +
                              where + " ORDER BY created_ms DESC, id DESC LIMIT ?3")
                                 .c_str());
  rows.bind(1, query.from_ms).bind(2, query.to_ms).bind(3, static_cast<int64_t>(query.limit));
  std::vector<Incident> incidents;
  std::map<std::string, size_t, std::less<>> index;
  while (rows.step()) {
    incidents.push_back(incident_of(rows));
    index[incidents.back().id] = incidents.size() - 1;
  }
  if (incidents.empty()) return incidents;
  // The units (and events) of every incident listed, in one query each.
  const std::string of_listed = " WHERE incident_id IN (SELECT id FROM incidents" + where +
                                " ORDER BY created_ms DESC, id DESC LIMIT ?3)";
  sqlite::Statement units(db, (std::string("SELECT ") + assignment_columns + " FROM assignments" +
                               of_listed + " ORDER BY dispatched_ms, unit_id")
                                  .c_str());
  units.bind(1, query.from_ms).bind(2, query.to_ms).bind(3, static_cast<int64_t>(query.limit));
  while (units.step()) incidents[index.at(units.text(0))].units.push_back(assignment_of(units));
  if (query.with_events) {
    sqlite::Statement events(db, ("SELECT incident_id, seq, time_ms, who, kind, text FROM events" +
                                  of_listed + " ORDER BY seq")
                                     .c_str());
    events.bind(1, query.from_ms).bind(2, query.to_ms).bind(3, static_cast<int64_t>(query.limit));
    while (events.step()) {
      incidents[index.at(events.text(0))].events.push_back(
          {events.integer(1), events.integer(2), events.text(3), events.text(4), events.text(5)});
    }
  }
  return incidents;
}

std::vector<IncidentTiming> IncidentStore::timings(int64_t from_ms, int64_t to_ms) const {
  std::lock_guard lock(mutex_);
  // A merge of two scans in id order (incidents by their key, assignments clustered by it): for
  // a year of calls several times faster than SQLite's own join or a hash join.
  sqlite::Statement rows(connection_->db, R"(SELECT id, class, kecamatan, call_type, status,
    created_ms FROM incidents WHERE +created_ms >= ?1 AND (?2 = 0 OR +created_ms < ?2)
    ORDER BY id)");
  rows.bind(1, from_ms).bind(2, to_ms);
  sqlite::Statement units(connection_->db, R"(SELECT incident_id, unit_id, dispatched_ms,
    en_route_ms, on_scene_ms FROM assignments ORDER BY incident_id)");
  bool more_units = units.step();
  std::vector<IncidentTiming> timings;
  while (rows.step()) {
    IncidentTiming& timing = timings.emplace_back(
        IncidentTiming{rows.text(0),
                       rows.text(1),
                       rows.text(2),
                       parse_call_type(rows.view(3)).value_or(CallType::emergency),
                       parse_incident_status(rows.view(4)).value_or(IncidentStatus::new_call),
                       rows.integer(5),
                       {}});
    while (more_units && units.view(0) < timing.id) more_units = units.step();
    while (more_units && units.view(0) == timing.id) {
      timing.units.push_back({units.text(1), units.integer(2), units.integer(3), units.integer(4)});
      more_units = units.step();
    }
    std::sort(timing.units.begin(), timing.units.end(),
              [](const auto& a, const auto& b) { return a.dispatched_ms < b.dispatched_ms; });
  }
  return timings;
}

std::map<std::string, size_t> IncidentStore::open_by_status() const {
  std::map<std::string, size_t> counts = {{"new", 0}, {"dispatched", 0}, {"on_scene", 0}};
  std::lock_guard lock(mutex_);
  sqlite::Statement rows(connection_->db,
                         "SELECT status, COUNT(*) FROM incidents WHERE status IN ('new', "
                         "'dispatched', 'on_scene') GROUP BY status");
  while (rows.step()) counts[rows.text(0)] = static_cast<size_t>(rows.integer(1));
  return counts;
}

std::optional<std::string> IncidentStore::open_incident_of(std::string_view unit_id) const {
  std::lock_guard lock(mutex_);
  sqlite::Statement row(
      connection_->db, "SELECT incident_id FROM assignments WHERE unit_id = ?1 AND cleared_ms = 0");
  row.bind(1, unit_id);
  if (!row.step()) return std::nullopt;
  return row.text(0);
}

Incident IncidentStore::add_note(std::string_view id, const std::string& who,
                                 const std::string& text, int64_t now_ms) {
  if (text.empty() || text.size() > 4000) throw InputError("text: 1 to 4000 characters");
  std::lock_guard lock(mutex_);
  load(id);  // it exists; notes may follow even a closed incident
  sqlite::Transaction transaction(connection_->db);
  connection_->event(id, now_ms, who, "note", text);
  transaction.commit();
  return load(id);
}

Incident IncidentStore::set_call_type(std::string_view id, const std::string& who, CallType type,
                                      const std::string& duplicate_of, int64_t now_ms) {
  if ((type == CallType::duplicate) == duplicate_of.empty())
    throw InputError("duplicate_of: a duplicate names the incident it duplicates, and only it");
  if (duplicate_of == id) throw InputError("duplicate_of: an incident cannot duplicate itself");
  std::lock_guard lock(mutex_);
  const Incident before = load(id);
  if (!duplicate_of.empty()) load(duplicate_of);
  sqlite::Transaction transaction(connection_->db);
  sqlite::Statement update(connection_->db,
                           "UPDATE incidents SET call_type = ?2, duplicate_of = ?3 WHERE id = ?1");
  update.bind(1, id).bind(2, call_type_name(type)).bind(3, duplicate_of).run();
  connection_->event(id, now_ms, who, "call_type",
                     std::string(call_type_name(before.call_type)) + " → " +
                         std::string(call_type_name(type)) +
                         (duplicate_of.empty() ? "" : " of " + duplicate_of));
  transaction.commit();
  return load(id);
}

Incident IncidentStore::set_priority(std::string_view id, const std::string& who, int priority,
                                     int64_t now_ms) {
  if (priority < 1 || priority > 3) throw InputError("priority: must be 1, 2 or 3");
  std::lock_guard lock(mutex_);
  const Incident before = load(id);
  if (!is_open(before.status)) throw IncidentConflict("the incident is no longer open");
  sqlite::Transaction transaction(connection_->db);
  sqlite::Statement update(connection_->db, "UPDATE incidents SET priority = ?2 WHERE id = ?1");
  update.bind(1, id).bind(2, int64_t{priority}).run();
  connection_->event(id, now_ms, who, "priority",
                     std::to_string(before.priority) + " → " + std::to_string(priority));
  transaction.commit();
  return load(id);
}

Incident IncidentStore::verify(std::string_view id, const std::string& who, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  load(id);
  sqlite::Transaction transaction(connection_->db);
  sqlite::Statement update(connection_->db, "UPDATE incidents SET unverified = 0 WHERE id = ?1");
  update.bind(1, id).run();
  connection_->event(id, now_ms, who, "verified", "the report was confirmed");
  transaction.commit();
  return load(id);
}

Incident IncidentStore::assign_unit(std::string_view id, std::string_view unit_id,
                                    const std::string& who, int64_t first_eta_ms, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Connection& c = *connection_;
  const Incident before = load(id);
  if (!is_open(before.status))
    throw IncidentConflict("the incident is " + std::string(incident_status_name(before.status)) +
                           ": no unit joins it");
  if (before.unit(unit_id)) throw IncidentConflict(std::string(unit_id) + " is already on it");
  sqlite::Statement busy(
      c.db, "SELECT incident_id FROM assignments WHERE unit_id = ?1 AND cleared_ms = 0");
  busy.bind(1, unit_id);
  if (busy.step()) throw IncidentConflict(std::string(unit_id) + " is on incident " + busy.text(0));
  sqlite::Transaction transaction(c.db);
  sqlite::Statement insert(c.db, R"(INSERT INTO assignments (incident_id, unit_id, dispatched_by,
    dispatched_ms, first_eta_ms) VALUES (?1, ?2, ?3, ?4, ?5))");
  insert.bind(1, id).bind(2, unit_id).bind(3, who).bind(4, now_ms).bind(5, first_eta_ms).run();
  if (before.status == IncidentStatus::new_call) c.set_status(id, IncidentStatus::dispatched, 0);
  c.event(id, now_ms, who, "unit_dispatched",
          std::string(unit_id) + " dispatched" +
              (first_eta_ms >= 0 ? ", ETA " + std::to_string((first_eta_ms + 500) / 1000) + " s"
                                 : std::string()));
  transaction.commit();
  return load(id);
}

Incident IncidentStore::record_unit_status(std::string_view id, std::string_view unit_id,
                                           UnitStatus status, bool automatic,
                                           const std::string& who, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Connection& c = *connection_;
  const Incident before = load(id);
  const UnitAssignment* assignment = before.unit(unit_id);
  if (!assignment) throw IncidentConflict(std::string(unit_id) + " is not on " + std::string(id));
  const char* column = step_column(status);
  if (!column || assignment->cleared()) return before;  // nothing of the incident's to record
  sqlite::Transaction transaction(c.db);
  // The first time of a step stands; a repeated report changes nothing.
  std::string sql = std::string("UPDATE assignments SET ") + column + " = ?3";
  if (status == UnitStatus::en_route) sql += ", en_route_auto = ?4";
  if (status == UnitStatus::on_scene) sql += ", on_scene_auto = ?4";
  if (status == UnitStatus::returning && assignment->transporting_ms != 0)
    sql += ", at_hospital_ms = CASE at_hospital_ms WHEN 0 THEN ?3 ELSE at_hospital_ms END";
  // A crew's own report replaces a step set from GPS.
  std::string unset = std::string(column) + " = 0";
  if (status == UnitStatus::en_route) unset = "(en_route_ms = 0 OR (?4 = 0 AND en_route_auto = 1))";
  if (status == UnitStatus::on_scene) unset = "(on_scene_ms = 0 OR (?4 = 0 AND on_scene_auto = 1))";
  sql += " WHERE incident_id = ?1 AND unit_id = ?2 AND " + unset;
  sqlite::Statement update(c.db, sql.c_str());
  update.bind(1, id).bind(2, unit_id).bind(3, now_ms);
  if (status == UnitStatus::en_route || status == UnitStatus::on_scene)
    update.bind(4, int64_t{automatic ? 1 : 0});
  update.run();
  if (status == UnitStatus::on_scene &&
      (before.status == IncidentStatus::new_call || before.status == IncidentStatus::dispatched))
    c.set_status(id, IncidentStatus::on_scene, 0);
  c.event(id, now_ms, who, "unit_status",
          std::string(unit_id) + " " + std::string(unit_status_name(status)) +
              (automatic ? " (from GPS)" : ""));
  transaction.commit();
  return load(id);
}

Incident IncidentStore::at_hospital(std::string_view id, std::string_view unit_id,
                                    const std::string& who, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Connection& c = *connection_;
  const Incident before = load(id);
  const UnitAssignment* assignment = before.unit(unit_id);
  if (!assignment) throw IncidentConflict(std::string(unit_id) + " is not on " + std::string(id));
  if (assignment->transporting_ms == 0)
    throw IncidentConflict(std::string(unit_id) + " is not transporting a patient");
  if (assignment->at_hospital_ms != 0) return before;
  sqlite::Transaction transaction(c.db);
  sqlite::Statement update(
      c.db, "UPDATE assignments SET at_hospital_ms = ?3 WHERE incident_id = ?1 AND unit_id = ?2");
  update.bind(1, id).bind(2, unit_id).bind(3, now_ms).run();
  c.event(id, now_ms, who, "unit_status", std::string(unit_id) + " at the hospital");
  transaction.commit();
  return load(id);
}

Incident IncidentStore::finish(std::string_view id, IncidentStatus how, const std::string& who,
                               const std::string& note, int64_t now_ms) {
  expects(how == IncidentStatus::closed || how == IncidentStatus::cancelled,
          "IncidentStore::finish: closed or cancelled");
  std::lock_guard lock(mutex_);
  Connection& c = *connection_;
  const Incident before = load(id);
  if (const std::string why = incident_transition_error(before.status, how); !why.empty())
    throw IncidentConflict(why);
  sqlite::Transaction transaction(c.db);
  sqlite::Statement clear(
      c.db, "UPDATE assignments SET cleared_ms = ?2 WHERE incident_id = ?1 AND cleared_ms = 0");
  clear.bind(1, id).bind(2, now_ms).run();
  c.set_status(id, how, now_ms);
  c.event(id, now_ms, who, how == IncidentStatus::closed ? "closed" : "cancelled",
          note.empty() ? std::string(incident_status_name(how)) : note);
  transaction.commit();
  return load(id);
}

}  // namespace siaga::tracking
