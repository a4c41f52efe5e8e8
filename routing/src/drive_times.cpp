#include "siaga/routing/drive_times.h"

#include <algorithm>

#include "siaga/routing/route.h"

namespace siaga::routing {

std::vector<uint32_t> drive_times(const geodata::RoadNetwork& network, const MetricSet& set,
                                  std::span<const Responder> responders,
                                  const geodata::Snap& incident, CchQuery& query) {
  std::vector<uint32_t> times(responders.size(), unreachable);
  for (uint32_t profile = 0; profile < set.metrics.size(); ++profile) {
    const CchMetric& metric = set.metrics[profile];
    std::vector<std::vector<Seed>> sources;
    std::vector<size_t> responder_of;
    for (size_t i = 0; i < responders.size(); ++i) {
      if (responders[i].profile != profile) continue;
      sources.push_back(source_seeds(network, responders[i].position, metric.arc_weight).seeds);
      responder_of.push_back(i);
    }
    if (sources.empty()) continue;
    const SnapSeeds targets = target_seeds(network, incident, metric.arc_weight);
    const std::vector<uint32_t> costs = query.many_to_one(metric, sources, targets.seeds);
    for (size_t s = 0; s < sources.size(); ++s) {
      const Responder& responder = responders[responder_of[s]];
      // A unit on the incident's own street may drive straight along it, as route_between does.
      times[responder_of[s]] =
          std::min(costs[s], same_segment_cost(responder.position, incident, metric.arc_weight));
    }
  }
  return times;
}

}  // namespace siaga::routing
