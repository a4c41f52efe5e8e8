#include "http_metrics.h"

#include <map>
#include <sstream>

#include "siaga/server/coverage_api.h"
#include "siaga/server/public_reports.h"
#include "siaga/server/replication.h"
#include "siaga/server/response_metrics.h"
#include "siaga/server/tracking_json.h"

namespace siaga::server {

namespace {

std::string transport_metrics(const EventHttpCounters& counters) {
  std::ostringstream out;
  out << "# HELP siaga_http_connections_open Client connections held open now.\n"
      << "# TYPE siaga_http_connections_open gauge\nsiaga_http_connections_open "
      << counters.connections_open << "\n"
      << "# HELP siaga_http_connections_total Client connections accepted.\n"
      << "# TYPE siaga_http_connections_total counter\nsiaga_http_connections_total "
      << counters.connections_accepted << "\n"
      << "# HELP siaga_http_requests_in_work Requests waiting for or held by a worker.\n"
      << "# TYPE siaga_http_requests_in_work gauge\nsiaga_http_requests_in_work "
      << counters.requests_in_work << "\n"
      << "# HELP siaga_http_refused_total Connections and requests refused or cut, by reason.\n"
      << "# TYPE siaga_http_refused_total counter\n";
  const std::pair<const char*, uint64_t> reasons[] = {
      {"per_address_cap", counters.refused_per_address},
      {"connection_cap", counters.refused_total},
      {"header_timeout", counters.header_timeouts},
      {"body_timeout", counters.body_timeouts},
      {"write_timeout", counters.write_timeouts},
      {"bad_request", counters.bad_requests},
      {"busy", counters.busy}};
  for (const auto& [reason, count] : reasons)
    out << "siaga_http_refused_total{reason=\"" << reason << "\"} " << count << "\n";
  return out.str();
}

}  // namespace

std::string metrics_text(Api& api, const MqttLink& mqtt, const EndpointStatsTable& stats,
                         const EventHttpCounters& transport) {
  std::ostringstream out;
  const tracking::Counters counters = api.store.counters();
  out << "# HELP siaga_fixes_accepted_total GPS fixes accepted into the tracking store.\n"
      << "# TYPE siaga_fixes_accepted_total counter\n"
      << "siaga_fixes_accepted_total " << counters.fixes_accepted << "\n"
      << "# HELP siaga_statuses_accepted_total Unit status changes accepted.\n"
      << "# TYPE siaga_statuses_accepted_total counter\n"
      << "siaga_statuses_accepted_total " << counters.statuses_accepted << "\n"
      << "# HELP siaga_reports_rejected_total Fixes and status reports refused, by reason.\n"
      << "# TYPE siaga_reports_rejected_total counter\n";
  for (int r = 0; r < tracking::rejection_count; ++r) {
    out << "siaga_reports_rejected_total{reason=\""
        << tracking::rejection_name(static_cast<tracking::Rejection>(r)) << "\"} "
        << counters.rejected[r] << "\n";
  }
  std::map<std::string, int> by_status = {{"stale", 0}};  // every status, at 0 when unused
  for (int s = 0; s < tracking::unit_status_count; ++s) {
    by_status[std::string(unit_status_name(static_cast<tracking::UnitStatus>(s)))] = 0;
  }
  for (const tracking::UnitState& state : api.store.units(api.clock())) {
    ++by_status[shown_status(state)];
  }
  out << "# HELP siaga_units Units by status (stale: no fix within the limit, whatever the "
         "status).\n# TYPE siaga_units gauge\n";
  for (const auto& [status, count] : by_status) {
    out << "siaga_units{status=\"" << status << "\"} " << count << "\n";
  }
  const auto set = api.live.current();
  int active = 0;
  for (uint8_t on : set->active) active += on;
  out << "# HELP siaga_hazard_zones_active Hazard zones in force.\n"
      << "# TYPE siaga_hazard_zones_active gauge\nsiaga_hazard_zones_active " << active << "\n"
      << "# HELP siaga_mqtt_connected 1 while the engine's MQTT session is up.\n"
      << "# TYPE siaga_mqtt_connected gauge\nsiaga_mqtt_connected " << (mqtt.connected ? 1 : 0)
      << "\n# HELP siaga_mqtt_connects_total MQTT sessions opened (each reconnect adds one).\n"
      << "# TYPE siaga_mqtt_connects_total counter\nsiaga_mqtt_connects_total " << mqtt.connects
      << "\n"
      << "# HELP siaga_http_requests_total HTTP requests by endpoint and status class.\n"
      << "# TYPE siaga_http_requests_total counter\n";
  for (size_t e = 0; e < endpoint_count; ++e) {
    for (size_t c = 1; c < 6; ++c) {
      const uint64_t n = stats[e].by_status_class[c];
      if (n == 0) continue;
      out << "siaga_http_requests_total{endpoint=\"" << endpoint_names[e] << "\",code=\"" << c
          << "xx\"} " << n << "\n";
    }
  }
  out << "# HELP siaga_http_request_duration_seconds Time to answer, by endpoint.\n"
      << "# TYPE siaga_http_request_duration_seconds histogram\n";
  for (size_t e = 0; e < endpoint_count; ++e) {
    uint64_t cumulative = 0;
    const std::string label = std::string("endpoint=\"") + endpoint_names[e] + "\"";
    for (size_t b = 0; b <= bucket_bounds.size(); ++b) {
      cumulative += stats[e].buckets[b];
      out << "siaga_http_request_duration_seconds_bucket{" << label << ",le=\"";
      if (b < bucket_bounds.size()) {
        out << bucket_bounds[b];
      } else {
        out << "+Inf";
      }
      out << "\"} " << cumulative << "\n";
    }
    out << "siaga_http_request_duration_seconds_sum{" << label << "} "
        << stats[e].sum_ns.load() / 1e9 << "\n"
        << "siaga_http_request_duration_seconds_count{" << label << "} " << stats[e].count << "\n";
  }
  out << transport_metrics(transport);
  if (api.response_metrics) out << api.response_metrics->text(api.incidents);
  out << live_coverage_metrics(api);
  if (api.public_reports) {
    const PublicReportCounters reports = api.public_reports->counters();
    out << "# HELP siaga_public_reports_total Citizens' panic-button reports, by outcome.\n"
        << "# TYPE siaga_public_reports_total counter\n"
        << "siaga_public_reports_total{outcome=\"accepted\"} " << reports.accepted << "\n"
        << "siaga_public_reports_total{outcome=\"rate_limited\"} " << reports.rate_limited << "\n"
        << "siaga_public_reports_total{outcome=\"refused\"} " << reports.refused << "\n";
  }
  if (api.replication) out << api.replication->metrics();
  return out.str();
}

}  // namespace siaga::server
