// Where new stations would add the most: greedy maximal covering over candidate sites (the nodes
// of tertiary and larger roads). Greedy is within 1 − 1/e of the best K-set for this objective.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "siaga/dispatch/coverage.h"
#include "siaga/dispatch/geojson.h"

namespace siaga::dispatch {

struct SiteSuggestion {
  geodata::LatLon position;
  std::string near;        // the street's name, when it has one
  double gain_km = 0;      // demand newly within the target
  double share_after = 0;  // of all demand, with this and the earlier suggestions
};

// The candidate sites (nodes of the main roads) and, for each, the segments with demand that a
// station there would newly bring within the target: ascending, in the sites' order.
struct SiteGains {
  std::vector<uint32_t> sites;
  std::vector<std::vector<uint32_t>> segments;
};
SiteGains site_gains(const RoutingSetup& setup, const Coverage& coverage, size_t target_index,
                     const std::function<void(size_t, size_t)>& progress);

// Greedy maximal covering: K sites among candidate points on the graph (nodes of the main roads),
// each adding the most demand not yet within the target. `progress` gets (done, total).
std::vector<SiteSuggestion> plan_stations(const RoutingSetup& setup, const Coverage& coverage,
                                          size_t target_index, size_t k,
                                          const std::function<void(size_t, size_t)>& progress);

// What `siaga plan-stations` prints: the target, today's share, and each suggested site with its
// gain and the share after it.
Json station_plan_json(const ScenarioCoverage& run, size_t target_index,
                       std::span<const SiteSuggestion> sites);

}  // namespace siaga::dispatch
