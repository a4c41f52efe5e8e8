#include "siaga/server/ingest.h"

#include "siaga/mqtt/messages.h"
#include "siaga/mqtt/topics.h"

namespace siaga::server {

tracking::PositionFix to_position_fix(const v1::Fix& fix) {
  tracking::PositionFix out;
  out.unit_id = fix.unit_id();
  out.seq = fix.seq();
  out.time_ms = fix.time_ms();
  out.lat = fix.lat();
  out.lon = fix.lon();
  out.speed_mps = fix.speed_mps();
  out.heading_deg = fix.heading_deg();
  out.accuracy_m = fix.accuracy_m();
  if (fix.has_battery()) out.battery = fix.battery();
  return out;
}

Ingest::Ingest(tracking::TrackingStore& store, mqtt::ClientOptions options, HazardHandler on_hazard,
               AcceptedHandler on_fix_accepted, StatusHandler on_status_accepted,
               mqtt::Topics topics)
    : store_(store),
      topics_(std::move(topics)),
      on_hazard_(std::move(on_hazard)),
      on_fix_accepted_(std::move(on_fix_accepted)),
      on_status_accepted_(std::move(on_status_accepted)),
      traccar_(store,
               [this](std::string_view unit_id) {
                 if (on_fix_accepted_) on_fix_accepted_(unit_id, 0);
               }),
      client_(std::move(options), [this](std::string_view topic, std::string_view payload) {
        handle(topic, payload);
      }) {
  for (const char* kind : {"fix", "fixes", "status"}) client_.subscribe(topics_.units_filter(kind));
  client_.subscribe(topics_.hazards_filter());
  if (topics_.region().empty()) {
    client_.subscribe("owntracks/+/+");
    client_.subscribe(std::string(traccar_topic));
  }
}

void Ingest::submit_fix(const v1::Fix& fix) {
  const tracking::Outcome outcome = store_.submit_fix(to_position_fix(fix), tracking::now_ms());
  if (outcome.accepted && on_fix_accepted_) on_fix_accepted_(fix.unit_id(), fix.seq());
}

void Ingest::handle(std::string_view topic, std::string_view payload) {
  try {
    if (const auto unit_topic = topics_.parse_unit(topic)) {
      if (unit_topic->kind == mqtt::UnitTopicKind::fix) {
        submit_fix(mqtt::decode_fix(payload, unit_topic->unit_id));
      } else if (unit_topic->kind == mqtt::UnitTopicKind::fixes) {
        const v1::FixBatch batch = mqtt::decode_fix_batch(payload, unit_topic->unit_id);
        for (const v1::Fix& fix : batch.fixes()) submit_fix(fix);
      } else {
        const v1::StatusChange change = mqtt::decode_status(payload, unit_topic->unit_id);
        const tracking::StatusReport report{change.unit_id(), change.seq(), change.status(),
                                            change.incident_id(), change.time_ms()};
        if (store_.submit_status(report, tracking::now_ms()).accepted && on_status_accepted_)
          on_status_accepted_(report);
      }
    } else if (const auto zone = topics_.parse_hazard(topic)) {
      const v1::HazardToggle toggle = mqtt::decode_hazard(payload, *zone);
      if (on_hazard_) on_hazard_(toggle);
    } else if (!topics_.region().empty()) {
      store_.count_rejection(tracking::Rejection::undecodable);  // not this region's
    } else if (const auto device = mqtt::parse_owntracks_topic(topic)) {
      const tracking::Unit* unit = store_.fleet().find_owntracks(*device);
      if (!unit) return store_.count_rejection(tracking::Rejection::unknown_unit);
      if (const auto fix = mqtt::decode_owntracks(payload, unit->id)) submit_fix(*fix);
    } else if (topic == traccar_topic) {
      traccar_.traccar_over_mqtt(payload);
    } else {
      store_.count_rejection(tracking::Rejection::undecodable);  // a topic we never subscribed to
    }
  } catch (const mqtt::DecodeError&) {
    store_.count_rejection(tracking::Rejection::undecodable);
  }
}

}  // namespace siaga::server
