#include "siaga/server/tracking_json.h"

namespace siaga::server {

Json unit_json(const tracking::UnitState& state) {
  Json json = {{"id", state.unit.id},
               {"call_sign", state.unit.call_sign},
               {"type", state.unit.type},
               {"agency", state.unit.agency},
               {"home_station", state.unit.home_station},
               {"status", tracking::unit_status_name(state.status)},
               {"incident_id", state.incident_id},
               {"stale", state.stale}};
  if (state.fix) {
    const tracking::PositionFix& fix = *state.fix;
    json["fix"] = {{"seq", fix.seq},
                   {"time_ms", fix.time_ms},
                   {"lat", fix.lat},
                   {"lon", fix.lon},
                   {"speed_mps", fix.speed_mps},
                   {"heading_deg", fix.heading_deg},
                   {"accuracy_m", fix.accuracy_m}};
    if (fix.battery) json["fix"]["battery"] = *fix.battery;
  } else {
    json["fix"] = nullptr;
  }
  if (state.road) {
    const geodata::Snap& snap = state.road->snap;
    json["road"] = {{"tail", snap.tail},
                    {"head", snap.head},
                    {"fraction", snap.fraction},
                    {"distance_m", snap.distance_m},
                    {"off_road", state.road->off_road}};
  } else {
    json["road"] = nullptr;
  }
  return json;
}

std::string shown_status(const tracking::UnitState& state) {
  return state.stale ? "stale" : std::string(unit_status_name(state.status));
}

Json counters_json(const tracking::Counters& counters) {
  Json rejected = Json::object();
  for (int i = 0; i < tracking::rejection_count; ++i) {
    rejected[std::string(tracking::rejection_name(static_cast<tracking::Rejection>(i)))] =
        counters.rejected[i];
  }
  return {{"fixes_accepted", counters.fixes_accepted},
          {"statuses_accepted", counters.statuses_accepted},
          {"rejected_total", counters.rejected_total()},
          {"rejected", rejected},
          {"journal_records", counters.journal_records},
          {"journal_bytes_dropped", counters.journal_bytes_dropped}};
}

}  // namespace siaga::server
