// `siaga fleet-sim`: simulated vehicles driving real routes of the road graph, publishing their
// fixes over MQTT (protobuf, QoS 1) like the trackers in the ambulances do, with optional faults:
// garbage payloads, duplicates, out-of-order fixes and dropped connections. Either they wander
// (random destinations), or they respond as crews do: wait at home, and on a DispatchEvent
// drive to the incident, stay there, and drive home once the incident is closed or cancelled.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "siaga/geodata/road_network.h"
#include "siaga/mqtt/client.h"
#include "siaga/mqtt/topics.h"
#include "siaga/tracking/fleet.h"

namespace siaga::synth {

struct FleetSimOptions {
  mqtt::ClientOptions mqtt;
  mqtt::Topics topics;     // the region's (siaga/v1 by default)
  size_t units = 10;       // the first N units of the fleet
  double rate_hz = 1;      // fixes per second per unit
  double duration_s = 10;  // 0: until stopped
  uint64_t seed = 1;
  double bad_payload = 0;   // share of extra messages that are garbage
  double duplicate = 0;     // share of fixes sent twice
  double out_of_order = 0;  // share of fixes held back and sent after the next one
  double disconnect_every_s = 0;
  uint64_t first_seq = 1;  // sequence numbers continue from here (a restarted tracker)
  bool respond = false;    // wait at home and answer dispatches instead of wandering
};

struct FleetSimReport {
  uint64_t fixes = 0;  // distinct fixes published
  uint64_t duplicates = 0;
  uint64_t out_of_order = 0;
  uint64_t bad_payloads = 0;
  uint64_t disconnects = 0;
  uint64_t dropped_offline = 0;  // held while the link was down past the outbox's hour; not sent
  uint64_t missions = 0;         // dispatches answered (respond mode)
  uint64_t messages() const { return fixes + duplicates + bad_payloads; }
  bool all_acknowledged = false;
};

FleetSimReport run_fleet_sim(const geodata::RoadNetwork& network, const tracking::Fleet& fleet,
                             const FleetSimOptions& options, const std::atomic<bool>& stop);

}  // namespace siaga::synth
