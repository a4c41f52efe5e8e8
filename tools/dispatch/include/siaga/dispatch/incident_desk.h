// The dispatcher's desk: what joins the incident history (tracking/incident_store.h), the units'
// live state (tracking/store.h) and the road graph for Ambon's 112. It takes calls (snapped,
// labelled with road and kecamatan), sends units (the unit's status and the incident's record
// changed together, or neither), fills response plans, closes calls and frees their units, and
// follows every dispatched unit: its status from GPS (en_route when it moves, on_scene when it
// stays slow by the incident, available when a returning unit is home) and its live ETA,
// recomputed on every fix and every hazard change, flagged `delayed` when it falls behind.
//
// Thread-safe. Keeps references to everything it is given, which must outlive it.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "siaga/dispatch/recommendation.h"
#include "siaga/dispatch/response_plans.h"
#include "siaga/routing/query_pool.h"
#include "siaga/tracking/incident_store.h"

namespace siaga::dispatch {

// When a unit's status changes by itself (tools/dispatch/auto-status.json).
struct AutoStatusRules {
  double en_route_speed_mps = 2;  // a dispatched unit this fast is en route ...
  double en_route_moved_m = 50;   // ... or one this far from where it was dispatched
  double on_scene_radius_m = 50;  // within this of the incident's road position ...
  double on_scene_speed_mps = 2;  // ... and slower than this ...
  double on_scene_dwell_s = 20;   // ... for this long: on scene
  double home_radius_m = 50;      // a returning unit this close to home: available
  double delayed_ratio = 1.5;     // elapsed + remaining beyond this times the first ETA: delayed
};
// Throws DataError naming the field, IoError when the file cannot be read.
AutoStatusRules load_auto_status_rules(const std::filesystem::path& file);
std::filesystem::path default_auto_status_file();

// The HTTP status of a unit the store would not send: 404 unknown unit, 503 not durable (the
// journal failed), 409 otherwise (busy, or already on it). The desk and the plain dispatch
// endpoint answer alike.
int dispatch_refusal_status(tracking::Rejection reason);

struct LiveEta {
  uint32_t remaining_ms = 0;  // from the newest snapped fix, under the current hazards
  int64_t computed_ms = 0;
  int64_t first_eta_ms = -1;  // computed at dispatch
  bool delayed = false;
  bool reachable = true;  // false: no open road from where it is now
};

struct DeskOptions {
  AutoStatusRules rules;
  // Area labels of a place (kecamatan, desa/kelurahan); empty when unknown.
  std::function<std::string(geodata::LatLon)> kecamatan_of;
  std::function<std::string(geodata::LatLon)> desa_of;
  std::function<int64_t()> clock = tracking::now_ms;
};

// What the desk tells the world after each durable change (the server publishes it on MQTT).
struct IncidentChange {
  const tracking::Incident& incident;
  const tracking::IncidentEvent& event;
  std::string_view unit_id;  // for unit events
};

class IncidentDesk {
 public:
  IncidentDesk(const DispatchContext& context, tracking::TrackingStore& units,
               tracking::IncidentStore& incidents, routing::QueryPool& queries,
               std::span<const ResponsePlan> plans, DeskOptions options);

  void on_change(std::function<void(const IncidentChange&)> listener);

  // Follows the units of every open incident (their ETAs and GPS steps): done at construction,
  // for a restarted server, and again when a hot standby, whose incidents came from its primary,
  // becomes the primary.
  void follow_open_incidents();
  // Units whose status names an incident they are not on (a dispatch whose unit's status reached
  // a hot standby but whose incident record did not, the primary killed in between) become
  // available again; what a promoted standby does first. Returns how many.
  size_t free_units_without_incident();

  // The call snapped to the roads (max_snap_m) and labelled. Throws geodata::SnapError, and what
  // IncidentStore::create throws.
  tracking::IncidentStore::Created create(tracking::NewIncident incident, const std::string& who,
                                          double max_snap_m = 1000);

  struct UnitOutcome {
    std::string unit_id;
    bool dispatched = false;
    int status = 200;   // 404 unknown unit, 409 busy or already on it, 503 not durable
    std::string error;  // why not
  };
  // Each unit in turn: only an available one goes; its status and the incident's record change
  // together (when the record cannot be written the status is put back). Throws
  // IncidentNotFound, or IncidentConflict when the incident is not open.
  std::vector<UnitOutcome> dispatch(std::string_view incident_id,
                                    std::span<const std::string> unit_ids, const std::string& who);

  // The incident's response plan filled with the fastest available units.
  FilledPlan recommend(std::string_view incident_id, routing::CchQuery& query);

  // A crew's report through the console: the unit's status, and its step on the incident.
  tracking::Incident crew_status(std::string_view incident_id, std::string_view unit_id,
                                 tracking::UnitStatus status, const std::string& who);
  tracking::Incident at_hospital(std::string_view incident_id, std::string_view unit_id,
                                 const std::string& who);
  // Closed or cancelled; units still on it are freed (available before they arrived, returning
  // after).
  tracking::Incident finish(std::string_view incident_id, tracking::IncidentStatus how,
                            const std::string& who, const std::string& note);
  // A change without units (note, call type, priority, verified), told to the listener.
  void changed(const tracking::Incident& incident);

  // From the intake, after the tracking store accepted a fix or a status of the unit.
  void on_fix_accepted(std::string_view unit_id);
  void on_status_accepted(std::string_view unit_id, tracking::UnitStatus status,
                          std::string_view incident_id);
  // After a hazard zone was switched: every live ETA again.
  void on_metrics_changed();

  std::optional<LiveEta> eta(std::string_view unit_id) const;

 private:
  // A dispatched unit's memory: where it was sent from, since when it is slow by the incident,
  // its ETA. Units returning home after their incident closed have no incident id.
  struct Followed {
    std::string incident_id;
    geodata::Snap incident;
    geodata::LatLon dispatched_from;
    int64_t dispatched_ms = 0;
    int64_t slow_since_ms = 0;  // fix time since when it has been slow by the incident; 0: not
    LiveEta eta;
  };
  void follow(const tracking::Incident& incident, std::string_view unit_id,
              const tracking::UnitState& state, int64_t first_eta_ms);
  void refresh_eta(Followed& followed, const tracking::UnitState& state, int64_t now_ms);
  void apply_auto_status(const tracking::UnitState& state);
  // The unit's step recorded on its incident (the one named, else its open one), and the
  // following adjusted: freed units are no longer followed, returning ones are followed home.
  void after_status(std::string_view unit_id, tracking::UnitStatus status,
                    std::string_view incident_id, const std::string& who);
  void record(std::string_view incident_id, std::string_view unit_id, tracking::UnitStatus status,
              bool automatic, const std::string& who);
  void tell(const tracking::Incident& incident, std::string_view unit_id);
  int64_t first_eta(const tracking::UnitState& state, const geodata::Snap& incident);

  const DispatchContext& context_;
  tracking::TrackingStore& units_;
  tracking::IncidentStore& incidents_;
  routing::QueryPool& queries_;
  std::span<const ResponsePlan> plans_;
  DeskOptions options_;
  std::vector<uint32_t> named_way_;  // per node, the nearest named street (for "near …")
  std::function<void(const IncidentChange&)> listener_;
  mutable std::mutex mutex_;
  std::map<std::string, Followed, std::less<>> followed_;  // by unit id
};

}  // namespace siaga::dispatch
