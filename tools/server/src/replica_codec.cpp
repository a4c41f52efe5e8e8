#include "replica_codec.h"

namespace siaga::server {

namespace {

void put_assignment(const tracking::UnitAssignment& a, v1::ReplicaAssignment& out) {
  out.set_unit_id(a.unit_id);
  out.set_dispatched_by(a.dispatched_by);
  out.set_dispatched_ms(a.dispatched_ms);
  out.set_en_route_ms(a.en_route_ms);
  out.set_on_scene_ms(a.on_scene_ms);
  out.set_transporting_ms(a.transporting_ms);
  out.set_at_hospital_ms(a.at_hospital_ms);
  out.set_cleared_ms(a.cleared_ms);
  out.set_en_route_auto(a.en_route_auto);
  out.set_on_scene_auto(a.on_scene_auto);
  out.set_first_eta_ms(a.first_eta_ms);
}

tracking::UnitAssignment assignment_of(const v1::ReplicaAssignment& in) {
  tracking::UnitAssignment a;
  a.unit_id = in.unit_id();
  a.dispatched_by = in.dispatched_by();
  a.dispatched_ms = in.dispatched_ms();
  a.en_route_ms = in.en_route_ms();
  a.on_scene_ms = in.on_scene_ms();
  a.transporting_ms = in.transporting_ms();
  a.at_hospital_ms = in.at_hospital_ms();
  a.cleared_ms = in.cleared_ms();
  a.en_route_auto = in.en_route_auto();
  a.on_scene_auto = in.on_scene_auto();
  a.first_eta_ms = in.first_eta_ms();
  return a;
}

}  // namespace

v1::IncidentReplica to_replica(const tracking::Incident& incident) {
  v1::IncidentReplica out;
  out.set_id(incident.id);
  out.set_created_ms(incident.created_ms);
  const tracking::Location& at = incident.location;
  out.set_lat(at.lat);
  out.set_lon(at.lon);
  out.set_road(at.road);
  out.set_kecamatan(at.kecamatan);
  out.set_desa(at.desa);
  out.set_snap_m(at.snap_m);
  out.set_incident_class(incident.incident_class);
  out.set_subtype(incident.subtype);
  out.set_call_type(std::string(tracking::call_type_name(incident.call_type)));
  out.set_duplicate_of(incident.duplicate_of);
  out.set_priority(incident.priority);
  out.set_caller(incident.caller);
  out.set_source(incident.source);
  out.set_unverified(incident.unverified);
  out.set_status(std::string(tracking::incident_status_name(incident.status)));
  out.set_closed_ms(incident.closed_ms);
  out.set_idempotency_key(incident.idempotency_key);
  for (const tracking::UnitAssignment& unit : incident.units)
    put_assignment(unit, *out.add_units());
  for (const tracking::IncidentEvent& event : incident.events) {
    v1::ReplicaEvent& e = *out.add_events();
    e.set_seq(event.seq);
    e.set_time_ms(event.time_ms);
    e.set_who(event.who);
    e.set_kind(event.kind);
    e.set_text(event.text);
  }
  return out;
}

tracking::Incident from_replica(const v1::IncidentReplica& in) {
  tracking::Incident incident;
  incident.id = in.id();
  incident.created_ms = in.created_ms();
  incident.location = {in.lat(), in.lon(), in.road(), in.kecamatan(), in.desa(), in.snap_m()};
  if (!tracking::known_incident_class(in.incident_class()))
    throw InputError("replica " + in.id() + ": unknown class \"" + in.incident_class() + "\"");
  incident.incident_class = in.incident_class();
  incident.subtype = in.subtype();
  const auto call_type = tracking::parse_call_type(in.call_type());
  const auto status = tracking::parse_incident_status(in.status());
  if (!call_type || !status)
    throw InputError("replica " + in.id() + ": unknown call type or status");
  incident.call_type = *call_type;
  incident.status = *status;
  incident.duplicate_of = in.duplicate_of();
  incident.priority = in.priority();
  incident.caller = in.caller();
  incident.source = in.source();
  incident.unverified = in.unverified();
  incident.closed_ms = in.closed_ms();
  incident.idempotency_key = in.idempotency_key();
  for (const v1::ReplicaAssignment& unit : in.units())
    incident.units.push_back(assignment_of(unit));
  for (const v1::ReplicaEvent& e : in.events())
    incident.events.push_back({e.seq(), e.time_ms(), e.who(), e.kind(), e.text()});
  return incident;
}

v1::UnitReplica to_replica(const tracking::StatusReport& change) {
  v1::UnitReplica out;
  out.set_unit_id(change.unit_id);
  out.set_seq(change.seq);
  out.set_status(change.status);
  out.set_incident_id(change.incident_id);
  out.set_time_ms(change.time_ms);
  return out;
}

tracking::StatusReport from_replica(const v1::UnitReplica& in) {
  return {in.unit_id(), in.seq(), in.status(), in.incident_id(), in.time_ms()};
}

}  // namespace siaga::server
