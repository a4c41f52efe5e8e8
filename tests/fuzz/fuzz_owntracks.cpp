// The OwnTracks path: a topic and a JSON payload (split at the first newline), the topic parsed
// as the engine routes it and the payload decoded as a location of a mapped phone, then given to
// the store. Anything but a DecodeError or a refusal by the store is a finding.
#include "fuzz_support.h"
#include "siaga/mqtt/messages.h"
#include "siaga/mqtt/topics.h"
#include "siaga/server/ingest.h"

using namespace siaga;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = fuzz::text(data, size);
  const size_t newline = input.find('\n');
  const std::string_view topic = input.substr(0, newline);
  const std::string_view payload =
      newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  tracking::TrackingStore& store = fuzz::store();
  try {
    (void)mqtt::parse_unit_topic(topic);
    (void)mqtt::parse_hazard_topic(topic);
    const tracking::Unit* unit = nullptr;
    if (const auto device = mqtt::parse_owntracks_topic(topic))
      unit = store.fleet().find_owntracks(*device);
    const std::string unit_id = unit ? unit->id : "AMB-01";
    if (const auto fix = mqtt::decode_owntracks(payload, unit_id))
      store.submit_fix(server::to_position_fix(*fix), tracking::now_ms());
  } catch (const mqtt::DecodeError&) {
  }
  return 0;
}
