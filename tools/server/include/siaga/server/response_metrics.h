// Response times for Prometheus: histograms of each interval (processing, turnout, travel,
// response) by incident class, of the steps this server recorded since it started, and the open
// incidents by status, read from the history at each scrape.
#pragma once

#include <array>
#include <map>
#include <mutex>
#include <string>

#include "siaga/dispatch/incident_desk.h"
#include "siaga/dispatch/response_times.h"

namespace siaga::server {

class ResponseMetrics {
 public:
  // Called with every change the desk tells (on its lock): a step just recorded adds its interval.
  void observe(const dispatch::IncidentChange& change);
  // The Prometheus text; `incidents` may be null.
  std::string text(const tracking::IncidentStore* incidents) const;

  static constexpr std::array<double, 13> bucket_seconds = {30,  60,  90,  120, 180,  240, 300,
                                                            420, 480, 600, 900, 1200, 1800};

 private:
  struct Histogram {
    std::array<uint64_t, bucket_seconds.size() + 1> buckets{};  // the last: +Inf
    uint64_t count = 0;
    double sum_s = 0;
  };
  void add(const std::string& incident_class, dispatch::Interval interval, int64_t from_ms,
           int64_t to_ms);
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, dispatch::Interval>, Histogram> histograms_;
};

}  // namespace siaga::server
