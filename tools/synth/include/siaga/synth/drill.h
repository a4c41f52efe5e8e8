// `siaga drill`: a live exercise of the whole system through the real server and the real broker.
// Calls drawn from the incident stream are created over HTTP at the drill's rate, their response
// plans recommended and dispatched; the fleet simulator's crews (respond mode) drive each unit
// sent to the scene and back, publishing fixes over MQTT as trackers do, so the incidents'
// statuses and ETAs come from the engine alone. A call is closed a while after its first unit is
// on scene. At the end, the server's own response-time report of the drill's calls.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "siaga/dispatch/geojson.h"
#include "siaga/dispatch/incident_stream.h"
#include "siaga/synth/fleet_sim.h"

namespace siaga::synth {

// The server is not there, or stopped answering for longer than the drill waits.
struct DrillError : IoError {
  using IoError::IoError;
};

struct DrillOptions {
  std::string server_host = "127.0.0.1";
  int server_port = 8112;
  std::string token;      // Bearer token for the server's writes; empty when it needs none
  bool run_crews = true;  // the drill's own fleet simulator; false when crews run elsewhere
  FleetSimOptions crews;  // its MQTT session; respond mode is forced
  double minutes = 10;    // calls are created during this time
  double calls_per_minute = 1;
  uint64_t seed = 1;
  double scene_seconds = 60;        // a call is closed this long after its first unit is on scene
  double settle_seconds = 900;      // after the last call: how long units may take to get there
  double server_gone_seconds = 30;  // no answer for this long mid-run: the drill stops
  // A hot-standby pair: the standbys' ports on server_host, turned to in order when the server
  // stops answering or answers that it is not the primary (the drill waits for an operator's
  // promotion, up to server_gone_seconds).
  std::vector<int> standby_ports;
};

// A write the server answered with 2xx: what a failover must not lose.
struct AcknowledgedWrite {
  std::string incident_id;
  std::string what;                   // created, dispatched, closed, cancelled
  std::vector<std::string> unit_ids;  // dispatched
  std::vector<int64_t> event_seqs;    // the incident's log as the answer showed it
  int server_port = 0;                // who acknowledged it
};

struct DrillReport {
  size_t created = 0;
  size_t dispatched = 0;     // calls with at least one unit sent
  size_t no_unit = 0;        // calls the recommendation found nobody for
  size_t reached_scene = 0;  // calls whose first unit got there (from its GPS)
  size_t closed = 0;
  size_t cancelled = 0;  // still not reached when the drill ended
  size_t http_errors = 0;
  std::vector<std::string> problems;  // what could not be done, one line each
  size_t failovers = 0;               // turns to another server of the pair
  std::vector<AcknowledgedWrite> acknowledged;
  FleetSimReport crews;
  dispatch::Json report;  // GET /v1/reports/response-times over the drill's time
  int64_t from_ms = 0;
  int64_t to_ms = 0;
};

// Throws DrillError when the server does not answer at the start. Calls are placed as the
// stream's, from `places`; `stop` ends the drill early (calls then are cancelled).
DrillReport run_drill(const geodata::RoadNetwork& network, const tracking::Fleet& fleet,
                      const dispatch::IncidentStream& stream, const dispatch::CallPlaces& places,
                      std::span<const routing::Segment> segments, const DrillOptions& options,
                      const std::atomic<bool>& stop);

dispatch::Json drill_json(const DrillReport& report);

}  // namespace siaga::synth
