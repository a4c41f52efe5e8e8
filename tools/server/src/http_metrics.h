// The engine's /metrics (Prometheus text format): the tracking store's counters, units by status,
// hazard zones, the MQTT session, each HTTP endpoint's requests and latency histogram, what the
// transport refused, response-time intervals, live coverage, citizens' reports and replication.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <string>

#include "event_http.h"
#include "siaga/server/api.h"

namespace siaga::server {

// Latency buckets of the request histogram, in seconds.
inline constexpr std::array<double, 10> bucket_bounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                         0.005,  0.01,    0.025,  0.1,   1.0};

// What /metrics counts requests by; each one's label is its name below.
enum class Endpoint : size_t {
  route,
  table,
  nearest,
  recommend,
  dispatch,
  units,
  hazards,
  hazard_toggle,
  incident_types,
  health,
  metrics,
  network,
  facilities,
  incidents_create,
  incidents_list,
  incident,
  incident_recommend,
  incident_units,
  incident_events,
  incident_close,
  response_times,
  coverage_live,
  moveups,
  moveup_accept,
  places,
  cameras,
  incident_cameras,
  labels,
  land,
  count
};
inline constexpr size_t endpoint_count = static_cast<size_t>(Endpoint::count);
inline constexpr std::array<const char*, endpoint_count> endpoint_names = {"route",
                                                                           "table",
                                                                           "nearest",
                                                                           "recommend",
                                                                           "dispatch",
                                                                           "units",
                                                                           "hazards",
                                                                           "hazard_toggle",
                                                                           "incident_types",
                                                                           "health",
                                                                           "metrics",
                                                                           "network",
                                                                           "facilities",
                                                                           "incidents_create",
                                                                           "incidents_list",
                                                                           "incident",
                                                                           "incident_recommend",
                                                                           "incident_units",
                                                                           "incident_events",
                                                                           "incident_close",
                                                                           "response_times",
                                                                           "coverage_live",
                                                                           "moveups",
                                                                           "moveup_accept",
                                                                           "places",
                                                                           "cameras",
                                                                           "incident_cameras",
                                                                           "labels",
                                                                           "land"};
static_assert(endpoint_names.back() != nullptr, "a label for every endpoint");

struct EndpointStats {
  std::array<std::atomic<uint64_t>, bucket_bounds.size() + 1> buckets{};  // last one: +Inf
  std::array<std::atomic<uint64_t>, 6> by_status_class{};                 // index = status / 100
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> sum_ns{0};

  void record(std::chrono::nanoseconds took, int status) {
    const double seconds = std::chrono::duration<double>(took).count();
    size_t b = 0;
    while (b < bucket_bounds.size() && seconds > bucket_bounds[b]) ++b;
    ++buckets[b];
    ++by_status_class[std::min(status / 100, 5)];
    ++count;
    sum_ns += static_cast<uint64_t>(took.count());
  }
};

using EndpointStatsTable = std::array<EndpointStats, endpoint_count>;

// Everything /metrics shows, read now.
std::string metrics_text(Api& api, const MqttLink& mqtt, const EndpointStatsTable& stats,
                         const EventHttpCounters& transport);

}  // namespace siaga::server
