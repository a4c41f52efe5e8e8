// Tracker payloads as they arrive on siaga/v1/units/{id}/fix, /fixes and /status (the first byte
// picks which), decoded and, when they decode, validated and applied by the store as the engine
// does. Anything but a DecodeError or a refusal by the store is a finding.
#include "fuzz_support.h"
#include "siaga/mqtt/messages.h"
#include "siaga/server/ingest.h"

using namespace siaga;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  tracking::TrackingStore& store = fuzz::store();
  const std::string_view payload = fuzz::text(data + 1, size - 1);
  const int64_t now = tracking::now_ms();
  try {
    switch (data[0] % 3) {
      case 0:
        store.submit_fix(server::to_position_fix(mqtt::decode_fix(payload, "AMB-01")), now);
        break;
      case 1: {
        const v1::FixBatch batch = mqtt::decode_fix_batch(payload, "AMB-02");
        for (const v1::Fix& fix : batch.fixes())
          store.submit_fix(server::to_position_fix(fix), now);
        break;
      }
      default: {
        const v1::StatusChange change = mqtt::decode_status(payload, "AMB-03");
        store.submit_status({change.unit_id(), change.seq(), change.status(), change.incident_id(),
                             change.time_ms()},
                            now);
      }
    }
  } catch (const mqtt::DecodeError&) {
  }
  return 0;
}
