#include "siaga/dispatch/station_planning.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <future>
#include <numeric>
#include <thread>

#include "siaga/dispatch/place_labels.h"
#include "siaga/routing/dijkstra.h"
#include "siaga/routing/segments.h"

namespace siaga::dispatch {

namespace {

// Per segment, whether it is within the target today.
std::vector<uint8_t> within_target(const TargetCoverage& target) {
  const uint32_t limit = target.target.limit_ms();
  std::vector<uint8_t> within(target.arrival_ms.size());
  for (size_t s = 0; s < within.size(); ++s) within[s] = target.arrival_ms[s] <= limit;
  return within;
}

// Candidate sites: nodes on the main roads, where a station can be reached and can leave.
std::vector<uint32_t> main_road_sites(const geodata::RoadNetwork& network) {
  std::vector<uint32_t> sites;
  const std::vector<uint32_t> tails = geodata::arc_tails(network);
  std::vector<uint8_t> seen(network.node_count(), 0);
  for (uint32_t arc = 0; arc < network.map_arc_count(); ++arc) {  // map nodes only
    if (network.arc_class[arc] > geodata::RoadClass::tertiary || seen[tails[arc]]) continue;
    seen[tails[arc]] = 1;
    sites.push_back(tails[arc]);
  }
  return sites;
}

// The segments that could be gained (demand beyond the target today), listed at both their end
// junctions: a search that reaches a junction (or a copy of it) looks only at these.
struct GainableByNode {
  std::vector<uint32_t> first;  // CSR over map nodes
  std::vector<uint32_t> segment;
};

GainableByNode gainable_by_node(const geodata::RoadNetwork& network, const Coverage& coverage,
                                std::span<const uint8_t> covered) {
  GainableByNode by_node;
  by_node.first.assign(network.map_node_count() + 1, 0);
  auto gainable = [&](size_t s) { return !covered[s] && coverage.demand_km[s] > 0; };
  for (size_t s = 0; s < coverage.segments.size(); ++s) {
    if (!gainable(s)) continue;
    ++by_node.first[coverage.segments[s].tail + 1];
    ++by_node.first[coverage.segments[s].head + 1];
  }
  std::partial_sum(by_node.first.begin(), by_node.first.end(), by_node.first.begin());
  by_node.segment.resize(by_node.first.back());
  std::vector<uint32_t> fill(by_node.first.begin(), by_node.first.end() - 1);
  for (size_t s = 0; s < coverage.segments.size(); ++s) {
    if (!gainable(s)) continue;
    by_node.segment[fill[coverage.segments[s].tail]++] = static_cast<uint32_t>(s);
    by_node.segment[fill[coverage.segments[s].head]++] = static_cast<uint32_t>(s);
  }
  return by_node;
}

// One worker's share of the sites, taken a chunk at a time: a search bounded by the target time
// from each (a station reaches a few kilometres, not the island), then the gainable segments at
// the junctions it settled. A segment's arrival is exact whenever it is within the limit: the
// junction it is entered from is then within the limit too, hence settled.
struct SiteWorker {
  const geodata::RoadNetwork& network;
  const Coverage& coverage;
  const GainableByNode& gainable;
  std::span<const uint32_t> weights;
  uint32_t limit;
  routing::Dijkstra search{network};
  // Per segment, the last site (plus one) that looked at it.
  std::vector<uint32_t> seen_by = std::vector<uint32_t>(coverage.segments.size(), 0);

  void gains_of(uint32_t site_index, uint32_t site, std::vector<uint32_t>& gains) {
    const routing::Seed seed[] = {{site, 0}};
    const std::span<const uint32_t> reached = search.settle_within(seed, weights, limit);
    for (uint32_t node : reached) {
      const uint32_t junction = network.map_node(node);
      for (uint32_t k = gainable.first[junction]; k < gainable.first[junction + 1]; ++k) {
        const uint32_t s = gainable.segment[k];
        if (seen_by[s] == site_index + 1) continue;
        seen_by[s] = site_index + 1;
        const uint32_t arrival =
            routing::segment_arrival(network, coverage.segments[s], weights, search.costs());
        if (arrival <= limit) gains.push_back(s);
      }
    }
    std::sort(gains.begin(), gains.end());  // segment order: the greedy sums in a fixed order
  }
};

}  // namespace

SiteGains site_gains(const RoutingSetup& setup, const Coverage& coverage, size_t target_index,
                     const std::function<void(size_t, size_t)>& progress) {
  const TargetCoverage& target = coverage.targets.at(target_index);
  const uint32_t limit = target.target.limit_ms();
  const uint32_t profile = routing::profile_index(setup.live->profiles(), target.target.unit_type);
  const auto set = setup.live->current();
  SiteGains result;
  result.sites = main_road_sites(setup.network);
  result.segments.resize(result.sites.size());
  const GainableByNode gainable = gainable_by_node(setup.network, coverage, within_target(target));
  // Sites are independent: one worker per core, each taking the next chunk of 64; this thread
  // is the first and reports the progress.
  const size_t chunk = 64, total = result.sites.size();
  std::atomic<size_t> next_chunk{0}, done{0};
  auto work = [&](bool reports) {
    SiteWorker worker{setup.network, coverage, gainable, set->metrics[profile].arc_weight, limit};
    for (size_t begin; (begin = next_chunk++ * chunk) < total;) {
      const size_t end = std::min(total, begin + chunk);
      for (size_t c = begin; c < end; ++c)
        worker.gains_of(static_cast<uint32_t>(c), result.sites[c], result.segments[c]);
      // The last report, (total, total), is made once, after every worker has finished.
      const size_t done_now = done += end - begin;
      if (reports && progress && done_now < total) progress(done_now, total);
    }
  };
  const size_t workers = std::clamp<size_t>(std::thread::hardware_concurrency(), 1,
                                            std::max<size_t>(1, total / chunk));
  std::vector<std::future<void>> others;
  for (size_t w = 1; w < workers; ++w)
    others.push_back(std::async(std::launch::async, work, false));
  work(true);
  for (auto& other : others) other.get();
  if (progress) progress(total, total);
  return result;
}

std::vector<SiteSuggestion> plan_stations(const RoutingSetup& setup, const Coverage& coverage,
                                          size_t target_index, size_t k,
                                          const std::function<void(size_t, size_t)>& progress) {
  const TargetCoverage& target = coverage.targets.at(target_index);
  const SiteGains site = site_gains(setup, coverage, target_index, progress);
  const std::vector<uint32_t>& candidates = site.sites;
  const std::vector<std::vector<uint32_t>>& gains = site.segments;
  std::vector<uint8_t> covered = within_target(target);
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
