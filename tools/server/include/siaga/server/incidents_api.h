// The incidents of the /v1 API: every 112 call from the first ring to closed. Plain functions
// from a request's parts to a Reply, as in api.h; the work is the dispatch room's IncidentDesk.
//
//   POST /v1/incidents                    a call (Idempotency-Key: a retry never makes two)
//   GET  /v1/incidents?status=open|all&from=&to=
//   GET  /v1/incidents/{id}               with its units, their times and live ETAs, its log
//   POST /v1/incidents/{id}/recommend     the response plan filled with the fastest units
//   POST /v1/incidents/{id}/units         {"unit_id"} or {"unit_ids": [...]}: dispatch
//   POST /v1/incidents/{id}/events        a note, call type, priority, verification, unit status
//   POST /v1/incidents/{id}/close         {"note", "cancel"}: closed or cancelled
//
// Errors: 400 naming the field, 404 unknown incident or unit, 409 a change that does not fit
// (with why), 422 a place off the island (with the distance to the nearest road), 503 not kept.
#pragma once

#include <string>
#include <string_view>

#include "siaga/server/api.h"
#include "siaga/tracking/incident.h"

namespace siaga::server {

// Who asks: the name of the token presented ("console" when writes need none), and whether the
// callers' numbers may be shown to them (only to token holders).
struct Caller {
  std::string who = "console";
  bool trusted = true;
};

Reply create_incident(Api& api, std::string_view body, std::string_view idempotency_key,
                      const Caller& caller);
Reply list_incidents(Api& api, const Params& params, const Caller& caller);
Reply get_incident(Api& api, std::string_view id, const Caller& caller);
Reply recommend_for_incident(Api& api, std::string_view id);
Reply dispatch_to_incident(Api& api, std::string_view id, std::string_view body,
                           const Caller& caller);
Reply incident_event(Api& api, std::string_view id, std::string_view body, const Caller& caller);
Reply close_incident(Api& api, std::string_view id, std::string_view body, const Caller& caller);

// GET /v1/reports/response-times?from=&to= (a WIT date YYYY-MM-DD, or ms since the epoch): count,
// median and 90th percentile of each interval per class, kecamatan, agency and day, the share
// within each target, and the call types.
Reply response_times(Api& api, const Params& params);

// An incident as the API shows it; with `desk`, each unit on it has its live status and ETA.
Json incident_json(const tracking::Incident& incident, const dispatch::IncidentDesk* desk,
                   const tracking::TrackingStore* units, bool show_caller, int64_t now_ms);

}  // namespace siaga::server
