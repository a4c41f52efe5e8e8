#include "siaga/server/response_metrics.h"

#include <sstream>

namespace siaga::server {

using dispatch::Interval;

void ResponseMetrics::add(const std::string& incident_class, Interval interval, int64_t from_ms,
                          int64_t to_ms) {
  if (from_ms == 0 || to_ms < from_ms) return;
  const double seconds = static_cast<double>(to_ms - from_ms) / 1000;
  std::lock_guard lock(mutex_);
  Histogram& histogram = histograms_[{incident_class, interval}];
  size_t b = 0;
  while (b < bucket_seconds.size() && seconds > bucket_seconds[b]) ++b;
  ++histogram.buckets[b];
  ++histogram.count;
  histogram.sum_s += seconds;
}

void ResponseMetrics::observe(const dispatch::IncidentChange& change) {
  const tracking::Incident& incident = change.incident;
  const tracking::UnitAssignment* unit = incident.unit(change.unit_id);
  if (!unit) return;
  const int64_t at = change.event.time_ms;
  const auto first = [&](int64_t tracking::UnitAssignment::*step) {
    for (const tracking::UnitAssignment& other : incident.units) {
      if (&other != unit && other.*step != 0 && other.*step <= unit->*step) return false;
    }
    return true;
  };
  const std::string& kind = change.event.kind;
  if (kind == "unit_dispatched" && first(&tracking::UnitAssignment::dispatched_ms))
    add(incident.incident_class, Interval::processing, incident.created_ms, unit->dispatched_ms);
  if (kind != "unit_status") return;
  if (unit->en_route_ms == at)
    add(incident.incident_class, Interval::turnout, unit->dispatched_ms, unit->en_route_ms);
  if (unit->on_scene_ms == at) {
    add(incident.incident_class, Interval::travel, unit->en_route_ms, unit->on_scene_ms);
    if (first(&tracking::UnitAssignment::on_scene_ms))
      add(incident.incident_class, Interval::response, incident.created_ms, unit->on_scene_ms);
  }
}

std::string ResponseMetrics::text(const tracking::IncidentStore* incidents) const {
  std::ostringstream out;
  if (incidents) {
    out << "# HELP siaga_incidents_open Open incidents by status.\n"
        << "# TYPE siaga_incidents_open gauge\n";
    for (const auto& [status, count] : incidents->open_by_status())
      out << "siaga_incidents_open{status=\"" << status << "\"} " << count << "\n";
  }
  out << "# HELP siaga_response_interval_seconds Response intervals recorded since start, by "
         "class: processing (call to dispatch), turnout, travel, response (call to on scene).\n"
      << "# TYPE siaga_response_interval_seconds histogram\n";
  std::lock_guard lock(mutex_);
  for (const auto& [key, histogram] : histograms_) {
    const std::string labels = "class=\"" + key.first + "\",interval=\"" +
                               std::string(dispatch::interval_name(key.second)) + "\"";
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= bucket_seconds.size(); ++b) {
      cumulative += histogram.buckets[b];
      out << "siaga_response_interval_seconds_bucket{" << labels << ",le=\"";
      if (b < bucket_seconds.size()) {
        out << bucket_seconds[b];
      } else {
        out << "+Inf";
      }
      out << "\"} " << cumulative << "\n";
    }
    out << "siaga_response_interval_seconds_sum{" << labels << "} " << histogram.sum_s << "\n"
        << "siaga_response_interval_seconds_count{" << labels << "} " << histogram.count << "\n";
  }
  return out.str();
}

}  // namespace siaga::server
