// The engine's MQTT intake: subscribes to the unit, hazard and OwnTracks topics, decodes, and
// hands every report to the tracking store on the client's network thread (the store journals
// before the callback returns, so a report is persisted before its PUBACK goes out).
#pragma once

#include <siaga.pb.h>

#include <functional>
#include <memory>
#include <string_view>

#include "siaga/mqtt/client.h"
#include "siaga/mqtt/topics.h"
#include "siaga/server/tracker_intake.h"
#include "siaga/tracking/store.h"

namespace siaga::server {

// Where a Traccar server forwards positions over MQTT (its forward.topic).
inline constexpr std::string_view traccar_topic = "traccar/positions";

class Ingest {
 public:
  using HazardHandler = std::function<void(const v1::HazardToggle&)>;
  using AcceptedHandler = std::function<void(std::string_view unit_id, uint64_t seq)>;
  using StatusHandler = std::function<void(const tracking::StatusReport& report)>;

  // The handlers run on the client's network thread, after the store accepted (and journaled).
  // Subscribes under `topics`' root only: one region's units and hazards. OwnTracks and a Traccar
  // server's forwarding have topics of their own, without a region: taken on version 1 only.
  Ingest(tracking::TrackingStore& store, mqtt::ClientOptions options, HazardHandler on_hazard = {},
         AcceptedHandler on_fix_accepted = {}, StatusHandler on_status_accepted = {},
         mqtt::Topics topics = {});

  void start() { client_.start(); }
  void stop() { client_.stop(); }
  mqtt::Client& client() { return client_; }

  // One message as it came off the wire; public so that tests and fuzzers can feed it directly.
  void handle(std::string_view topic, std::string_view payload);

 private:
  void submit_fix(const v1::Fix& fix);

  tracking::TrackingStore& store_;
  mqtt::Topics topics_;
  HazardHandler on_hazard_;
  AcceptedHandler on_fix_accepted_;
  StatusHandler on_status_accepted_;
  TrackerIntake traccar_;  // a Traccar server forwarding over MQTT (forward.type=mqtt)
  mqtt::Client client_;
};

tracking::PositionFix to_position_fix(const v1::Fix& fix);

}  // namespace siaga::server
