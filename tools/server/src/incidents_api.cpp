#include "siaga/server/incidents_api.h"

#include <chrono>
#include <cstdio>

#include "request_body.h"
#include "siaga/dispatch/response_plans.h"
#include "siaga/geodata/snapper.h"
#include "siaga/server/public_reports.h"
#include "siaga/server/tracking_json.h"

namespace siaga::server {

namespace {

using tracking::Incident;

double seconds(int64_t ms) {
  return std::round(static_cast<double>(ms) / 100.0) / 10;
}

// 2026-12-02T01:00:00.000Z
std::string iso_time(int64_t ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(ms)};
  const auto day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss clock(time - day);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long long>(clock.hours().count()),
                static_cast<long long>(clock.minutes().count()),
                static_cast<long long>(clock.seconds().count()),
                static_cast<long long>(clock.subseconds().count()));
  return text;
}

Json unit_json(const tracking::UnitAssignment& unit, const dispatch::IncidentDesk* desk,
               const tracking::TrackingStore* units, int64_t now_ms) {
  Json times = Json::object();
  for (const auto& [name, ms] : {std::pair{"dispatched_ms", unit.dispatched_ms},
                                 {"en_route_ms", unit.en_route_ms},
                                 {"on_scene_ms", unit.on_scene_ms},
                                 {"transporting_ms", unit.transporting_ms},
                                 {"at_hospital_ms", unit.at_hospital_ms},
                                 {"cleared_ms", unit.cleared_ms}}) {
    times[name] = ms == 0 ? Json(nullptr) : Json(ms);
  }
  Json out = {
      {"unit_id", unit.unit_id},
      {"dispatched_by", unit.dispatched_by},
      {"times", times},
      {"en_route_auto", unit.en_route_auto},
      {"on_scene_auto", unit.on_scene_auto},
      {"first_eta_s", unit.first_eta_ms < 0 ? Json(nullptr) : Json(seconds(unit.first_eta_ms))}};
  if (units) {
    if (const auto state = units->unit(unit.unit_id, now_ms)) out["status"] = shown_status(*state);
  }
  if (const auto eta = desk && !unit.cleared() ? desk->eta(unit.unit_id) : std::nullopt) {
    out["eta"] = {
        {"remaining_s", eta->reachable ? Json(seconds(eta->remaining_ms)) : Json(nullptr)},
        {"arrives_ms", eta->reachable ? Json(eta->computed_ms + eta->remaining_ms) : Json(nullptr)},
        {"computed_ms", eta->computed_ms},
        {"delayed", eta->delayed},
        {"reachable", eta->reachable}};
  }
  return out;
}

// The reply of a desk's work: the incident's errors mapped to their statuses.
template <typename Work>
Reply answered(Api& api, Work work) {
  if (!api.desk || !api.incidents) return error_reply(503, "this server keeps no incidents");
  try {
    return work();
  } catch (const tracking::IncidentNotFound& error) {
    return error_reply(404, error.what());
  } catch (const tracking::IncidentConflict& error) {
    return error_reply(409, error.what());
  } catch (const tracking::IncidentStorageError& error) {
    return error_reply(503, std::string("not stored: ") + error.what());
  } catch (const geodata::SnapError& error) {
    return error_reply(422,
                       std::string("the incident is not on the island's roads: ") + error.what());
  } catch (const InputError& error) {
    return error_reply(400, error.what());
  }
}

// The incident as the /v1 API shows it, with the link to its photo when a citizen sent one.
Json incident_with_photo(Api& api, const Incident& incident, const Caller& caller) {
  Json out = incident_json(incident, api.desk, &api.store, caller.trusted, api.clock());
  const bool photo = api.public_reports && api.public_reports->photo_of(incident.id);
  out["photo_url"] = photo ? Json("/v1/incidents/" + incident.id + "/photo") : Json(nullptr);
  return out;
}

Reply incident_reply(Api& api, int status, const Incident& incident, const Caller& caller) {
  return {status, incident_with_photo(api, incident, caller)};
}

// How far the place is from the nearest road, for a 422's body; null when it is off the map.
Json nearest_road_m(const Api& api, geodata::LatLon at) {
  try {
    return std::round(api.snapper.snap(at, {200'000}).distance_m);
  } catch (const geodata::SnapError&) {
    return nullptr;
  }
}

tracking::NewIncident new_incident(const Json& json) {
  tracking::NewIncident incident;
  const auto lat = body::finite_number(json, "lat"), lon = body::finite_number(json, "lon");
  if (!lat || !lon) throw InputError("lat and lon must be finite numbers");
  incident.location.lat = *lat;
  incident.location.lon = *lon;
  const auto incident_class = body::text(json, "class");
  if (!incident_class) throw InputError("class must be one of medical, fire, security, ...");
  incident.incident_class = *incident_class;
  incident.subtype = body::optional_text(json, "subtype", 64);
  if (json.contains("call_type")) {
    const auto type = tracking::parse_call_type(body::optional_text(json, "call_type", 32));
    if (!type)
      throw InputError("call_type must be emergency, information, prank, ghost, duplicate");
    incident.call_type = *type;
  }
  incident.duplicate_of = body::optional_text(json, "duplicate_of", 64);
  if (json.contains("priority")) {
    if (!json["priority"].is_number_integer()) throw InputError("priority must be 1, 2 or 3");
    incident.priority = json["priority"].get<int>();
  }
  incident.caller = body::optional_text(json, "caller", 32);
  incident.note = body::optional_text(json, "note", 4000);
  incident.source = body::optional_text(json, "source", 16);
  if (incident.source.empty()) incident.source = "console";
  if (incident.source != "console" && incident.source != "api")
    throw InputError("source must be console or api");
  return incident;
}

std::vector<std::string> unit_ids_of(const Json& json) {
  std::vector<std::string> ids;
  if (const auto one = body::text(json, "unit_id")) ids.push_back(*one);
  if (json.contains("unit_ids")) {
    if (!json["unit_ids"].is_array()) throw InputError("unit_ids must be a list of unit ids");
    for (const Json& id : json["unit_ids"]) {
      if (!id.is_string() || id.get<std::string>().empty())
        throw InputError("unit_ids must be a list of unit ids");
      ids.push_back(id.get<std::string>());
    }
  }
  if (ids.empty() || ids.size() > 20) throw InputError("unit_id, or unit_ids (1 to 20 of them)");
  return ids;
}

// A WIT date (from its start; `to` through its end) or ms since the epoch; 0 when absent.
int64_t time_param(const Params& params, const char* name, bool end_of_day) {
  const auto found = params.find(name);
  return found == params.end() ? 0 : dispatch::parse_report_time(found->second, end_of_day);
}

}  // namespace

Json incident_json(const Incident& incident, const dispatch::IncidentDesk* desk,
                   const tracking::TrackingStore* units, bool show_caller, int64_t now_ms) {
  const tracking::Location& at = incident.location;
  Json out = {{"id", incident.id},
              {"status", tracking::incident_status_name(incident.status)},
              {"created_ms", incident.created_ms},
              {"created_at", iso_time(incident.created_ms)},
              {"age_s", seconds(now_ms - incident.created_ms)},
              {"class", incident.incident_class},
              {"subtype", incident.subtype},
              {"call_type", tracking::call_type_name(incident.call_type)},
              {"duplicate_of", incident.duplicate_of},
              {"priority", incident.priority},
              {"source", incident.source},
              {"unverified", incident.unverified},
              {"location",
               {{"lat", at.lat},
                {"lon", at.lon},
                {"road", at.road},
                {"kecamatan", at.kecamatan},
                {"desa", at.desa},
                {"snap_m", std::round(at.snap_m * 10) / 10}}},
              {"closed_ms", incident.closed_ms == 0 ? Json(nullptr) : Json(incident.closed_ms)}};
  if (show_caller) out["caller"] = incident.caller;
  Json list = Json::array();
  for (const tracking::UnitAssignment& unit : incident.units)
    list.push_back(unit_json(unit, desk, units, now_ms));
  out["units"] = list;
  Json events = Json::array();
  for (const tracking::IncidentEvent& event : incident.events) {
    events.push_back({{"seq", event.seq},
                      {"time_ms", event.time_ms},
                      {"who", event.who},
                      {"kind", event.kind},
                      {"text", event.text}});
  }
  out["events"] = events;
  return out;
}

Reply create_incident(Api& api, std::string_view text, std::string_view idempotency_key,
                      const Caller& caller) {
  const body::Body request = body::parse(text);
  if (request.error) return *request.error;
  if (idempotency_key.size() > 128) return error_reply(400, "Idempotency-Key: at most 128 bytes");
  tracking::NewIncident incident;
  try {
    incident = new_incident(request.json);
  } catch (const InputError& error) {
    return error_reply(400, error.what());
  }
  incident.idempotency_key = std::string(idempotency_key);
  Reply reply = answered(api, [&] {
    const auto created = api.desk->create(incident, caller.who);
    Reply ok = incident_reply(api, created.replayed ? 200 : 201, created.incident, caller);
    ok.body["replayed"] = created.replayed;
    return ok;
  });
  if (reply.status == 422)
    reply.body["nearest_road_m"] =
        nearest_road_m(api, {incident.location.lat, incident.location.lon});
  return reply;
}

Reply list_incidents(Api& api, const Params& params, const Caller& caller) {
  return answered(api, [&] {
    tracking::IncidentQuery query;
    const auto status = params.find("status");
    if (status != params.end() && status->second != "open" && status->second != "all")
      throw InputError("status must be open or all");
    query.open_only = status == params.end() || status->second == "open";
    query.from_ms = time_param(params, "from", false);
    query.to_ms = time_param(params, "to", true);
    Json list = Json::array();
    for (const Incident& incident : api.incidents->list(query)) {
      Json item = incident_with_photo(api, incident, caller);
      item.erase("events");
      list.push_back(std::move(item));
    }
    return Reply{200, {{"count", list.size()}, {"incidents", list}}};
  });
}

Reply get_incident(Api& api, std::string_view id, const Caller& caller) {
  return answered(api, [&] {
    const auto incident = api.incidents->get(id);
    if (!incident) throw tracking::IncidentNotFound("no incident " + std::string(id));
    return incident_reply(api, 200, *incident, caller);
  });
}

Reply recommend_for_incident(Api& api, std::string_view id) {
  return answered(api, [&] {
    auto query = api.queries.borrow();
    const dispatch::FilledPlan filled = api.desk->recommend(id, *query);
    const dispatch::DispatchContext context{api.network, api.snapper, api.live,
                                            api.incident_classes};
    Json out = dispatch::filled_plan_json(context, filled, api.clock());
    out["incident_id"] = id;
    return Reply{200, out};
  });
}

Reply dispatch_to_incident(Api& api, std::string_view id, std::string_view text,
                           const Caller& caller) {
  const body::Body request = body::parse(text);
  if (request.error) return *request.error;
  return answered(api, [&] {
    const std::vector<std::string> ids = unit_ids_of(request.json);
    const auto outcomes = api.desk->dispatch(id, ids, caller.who);
    Json dispatched = Json::array(), refused = Json::array();
    int refusal = 409;
    for (const auto& outcome : outcomes) {
      if (outcome.dispatched) {
        dispatched.push_back(outcome.unit_id);
      } else {
        refused.push_back(
            {{"unit_id", outcome.unit_id}, {"status", outcome.status}, {"error", outcome.error}});
        refusal = outcome.status;
      }
    }
    Reply reply =
        incident_reply(api, dispatched.empty() ? refusal : 200, *api.incidents->get(id), caller);
    reply.body["dispatched"] = dispatched;
    reply.body["refused"] = refused;
    if (dispatched.empty()) reply.body["error"] = refused[0]["error"];
    return reply;
  });
}

Reply incident_event(Api& api, std::string_view id, std::string_view text, const Caller& caller) {
  const body::Body request = body::parse(text);
  if (request.error) return *request.error;
  const Json& json = request.json;
  return answered(api, [&] {
    const std::string kind = body::text(json, "kind").value_or("");
    const int64_t now = api.clock();
    tracking::IncidentStore& store = *api.incidents;
    if (kind == "note") {
      const auto note = body::text(json, "text", 4000);
      if (!note) throw InputError("text: 1 to 4000 characters");
      const Incident after = store.add_note(id, caller.who, *note, now);
      api.desk->changed(after);
      return incident_reply(api, 200, after, caller);
    }
    if (kind == "call_type") {
      const auto type = tracking::parse_call_type(body::optional_text(json, "call_type", 32));
      if (!type)
        throw InputError("call_type must be emergency, information, prank, ghost, duplicate");
      const Incident after = store.set_call_type(
          id, caller.who, *type, body::optional_text(json, "duplicate_of", 64), now);
      api.desk->changed(after);
      return incident_reply(api, 200, after, caller);
    }
    if (kind == "priority") {
      if (!json.contains("priority") || !json["priority"].is_number_integer())
        throw InputError("priority must be 1, 2 or 3");
      const Incident after = store.set_priority(id, caller.who, json["priority"].get<int>(), now);
      api.desk->changed(after);
      return incident_reply(api, 200, after, caller);
    }
    if (kind == "verified") {
      const Incident after = store.verify(id, caller.who, now);
      api.desk->changed(after);
      return incident_reply(api, 200, after, caller);
    }
    const auto unit_id = body::text(json, "unit_id");
    if (kind == "unit_status") {
      const auto status = tracking::parse_unit_status(body::optional_text(json, "status", 32));
      if (!unit_id || !status) throw InputError("unit_status needs unit_id and a unit status");
      return incident_reply(api, 200, api.desk->crew_status(id, *unit_id, *status, caller.who),
                            caller);
    }
    if (kind == "at_hospital") {
      if (!unit_id) throw InputError("at_hospital needs unit_id");
      return incident_reply(api, 200, api.desk->at_hospital(id, *unit_id, caller.who), caller);
    }
    throw InputError(
        "kind must be note, call_type, priority, verified, unit_status or at_hospital");
  });
}

Reply close_incident(Api& api, std::string_view id, std::string_view text, const Caller& caller) {
  const body::Body request = body::parse(text.empty() ? std::string_view("{}") : text);
  if (request.error) return *request.error;
  return answered(api, [&] {
    const std::string note = body::optional_text(request.json, "note", 4000);
    const bool cancel = body::optional_flag(request.json, "cancel");
    const Incident after = api.desk->finish(
        id, cancel ? tracking::IncidentStatus::cancelled : tracking::IncidentStatus::closed,
        caller.who, note);
    return incident_reply(api, 200, after, caller);
  });
}

Reply response_times(Api& api, const Params& params) {
  return answered(api, [&] {
    const int64_t from = time_param(params, "from", false);
    const int64_t to = time_param(params, "to", true);
    const auto timings = api.incidents->timings(from, to);
    return Reply{200, dispatch::report_json(dispatch::response_report(
                          timings, api.store.fleet(), api.response_targets, from, to))};
  });
}

}  // namespace siaga::server
