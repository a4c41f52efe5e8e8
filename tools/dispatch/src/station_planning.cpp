#include "siaga/dispatch/station_planning.h"

#include <cmath>

#include "siaga/dispatch/place_labels.h"

namespace siaga::dispatch {

std::vector<SiteSuggestion> plan_stations(const RoutingSetup& setup, const Coverage& coverage,
                                          size_t target_index, size_t k,
                                          const std::function<void(size_t, size_t)>& progress) {
  const TargetCoverage& target = coverage.targets.at(target_index);
  const uint32_t limit = target.target.limit_ms();
  const uint32_t profile = routing::profile_index(setup.live->profiles(), target.target.unit_type);
  const auto set = setup.live->current();
  const routing::CchMetric& metric = set->metrics[profile];
  // Candidate sites: nodes on the main roads, where a station can be reached and can leave.
  std::vector<uint32_t> candidates;
  const std::vector<uint32_t> tails = geodata::arc_tails(setup.network);
  std::vector<uint8_t> seen(setup.network.node_count(), 0);
  for (uint32_t arc = 0; arc < setup.network.map_arc_count(); ++arc) {  // map nodes only
    if (setup.network.arc_class[arc] > geodata::RoadClass::tertiary || seen[tails[arc]]) continue;
    seen[tails[arc]] = 1;
    candidates.push_back(tails[arc]);
  }
  // Each candidate's newly covered segments: the demand beyond the target today that it reaches.
  std::vector<std::vector<uint32_t>> gains(candidates.size());
  std::vector<uint8_t> covered(coverage.segments.size());
  for (size_t s = 0; s < coverage.segments.size(); ++s) covered[s] = target.arrival_ms[s] <= limit;
  routing::CchQuery query(*setup.cch);
  std::vector<uint32_t> field, arrivals;  // reused: eleven thousand sweeps
  for (size_t c = 0; c < candidates.size(); ++c) {
    const routing::Seed seed[] = {{candidates[c], 0}};
    query.all_costs(metric, seed, field);
    routing::segment_arrivals(setup.network, coverage.segments, metric.arc_weight, field, arrivals);
    for (size_t s = 0; s < arrivals.size(); ++s) {
      if (!covered[s] && coverage.demand_km[s] > 0 && arrivals[s] <= limit)
        gains[c].push_back(static_cast<uint32_t>(s));
    }
    if (progress && (c % 64 == 0 || c + 1 == candidates.size())) progress(c + 1, candidates.size());
  }
  std::vector<SiteSuggestion> suggestions;
  const std::vector<uint32_t> named_way = nearest_named_way(setup.network);
  double covered_km = target.covered_km;
  for (size_t round = 0; round < k; ++round) {
    size_t best = candidates.size();
    double best_gain = 0;
    for (size_t c = 0; c < candidates.size(); ++c) {
      double gain = 0;
      for (uint32_t s : gains[c]) gain += covered[s] ? 0 : coverage.demand_km[s];
      if (gain > best_gain) best_gain = gain, best = c;
    }
    if (best == candidates.size()) break;  // nothing left to gain
    for (uint32_t s : gains[best]) covered[s] = 1;
    covered_km += best_gain;
    const uint32_t node = candidates[best];
    suggestions.push_back(
        {setup.network.node_position[node], node_label(setup.network, named_way, node),
         std::round(best_gain * 100) / 100, share_of(covered_km, coverage.total_demand_km)});
  }
  return suggestions;
}

Json station_plan_json(const ScenarioCoverage& run, size_t target_index,
                       std::span<const SiteSuggestion> sites) {
  const TargetCoverage& target = run.coverage.targets.at(target_index);
  Json out = dataset_label(run.setup->network);
  out["scenario"] = run.scenario.name;
  out["target"] = {{"name", target.target.name},
                   {"unit_type", target.target.unit_type},
                   {"minutes", target.target.minutes}};
  out["share_now"] = share_of(target.covered_km, run.coverage.total_demand_km);
  Json list = Json::array();
  for (const SiteSuggestion& site : sites) {
    list.push_back({{"lat", site.position.lat},
                    {"lon", site.position.lon},
                    {"near", site.near},
                    {"gain_km", site.gain_km},
                    {"share_after", site.share_after}});
  }
  out["suggested_sites"] = list;
  out["method"] = "greedy maximal covering over the nodes of tertiary and larger roads";
  return out;
}

}  // namespace siaga::dispatch
