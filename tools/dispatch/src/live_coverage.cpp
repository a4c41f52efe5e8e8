#include "siaga/dispatch/live_coverage.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "siaga/routing/route.h"
#include "siaga/routing/segments.h"

namespace siaga::dispatch {

namespace {

// Segment arrival times of one multi-source sweep from `positions` in `metric`.
std::vector<uint32_t> arrivals_from(const LiveCoverageContext& context,
                                    const routing::CchMetric& metric,
                                    std::span<const geodata::Snap* const> positions,
                                    routing::CchQuery& query, std::vector<uint32_t>* node_cost) {
  std::vector<routing::Seed> seeds;
  for (const geodata::Snap* position : positions) {
    const routing::SnapSeeds snap =
        routing::source_seeds(context.network, *position, metric.arc_weight);
    seeds.insert(seeds.end(), snap.seeds.begin(), snap.seeds.end());
  }
  if (seeds.empty()) {  // every way out closed
    if (node_cost) node_cost->assign(context.network.node_count(), routing::unreachable);
    return std::vector<uint32_t>(context.ground.segments.size(), routing::unreachable);
  }
  std::vector<uint32_t> costs = query.all_costs(metric, seeds);
  std::vector<uint32_t> arrivals =
      routing::segment_arrivals(context.network, context.ground.segments, metric.arc_weight, costs);
  if (node_cost) *node_cost = std::move(costs);
  return arrivals;
}

// The cost of reaching `to` given every node's cost from the source: what route_between finds,
// except for a source on the same segment as `to`.
uint32_t cost_to(const geodata::RoadNetwork& network, const std::vector<uint32_t>& node_cost,
                 const geodata::Snap& to, const geodata::Snap& from,
                 std::span<const uint32_t> weights) {
  uint64_t best = routing::same_segment_cost(from, to, weights);
  for (const routing::Seed& seed : routing::target_seeds(network, to, weights).seeds) {
    if (node_cost[seed.node] == routing::unreachable) continue;
    best = std::min<uint64_t>(best, uint64_t{node_cost[seed.node]} + seed.cost_ms);
  }
  return best >= routing::unreachable ? routing::unreachable : static_cast<uint32_t>(best);
}

// Per segment with demand: how many of the type's units reach it within the target.
struct TargetCounts {
  uint32_t limit_ms = 0;
  std::vector<uint16_t> covering;  // per demand segment
};

// What a unit (or a station) reaches within each target of its type: one bit per demand segment.
// Two reaches differ in few words, which a comparison skips 64 segments at a time.
using Reach = std::vector<std::vector<uint64_t>>;  // per target of the type, per 64 segments

struct MoveUpSearch {
  const std::vector<uint32_t>& demand_segments;
  const std::vector<double>& demand_km;
  double q = 0;
  std::vector<TargetCounts> counts;  // per target of the type

  std::vector<uint32_t> limits_ms() const {
    std::vector<uint32_t> limits;
    for (const TargetCounts& target : counts) limits.push_back(target.limit_ms);
    return limits;
  }
  // The field's reach, computed once per field and set of targets: a unit waiting at a station
  // has the station's field, asked for at every call of a simulation.
  const Reach& reach_of(FieldCache::Field& field, const std::vector<uint32_t>& limits) const {
    if (field.reach_limits_ms != limits) {
      field.reach = reach(field.arrival_ms);
      field.reach_limits_ms = limits;
    }
    return field.reach;
  }
  Reach nothing() const {
    return Reach(counts.size(), std::vector<uint64_t>((demand_segments.size() + 63) / 64, 0));
  }
  // Each word's 64 bits without a branch: whether a segment is reached follows no pattern, and
  // a branch on it, mispredicted half the time, was a third of the move-up search.
  Reach reach(const std::vector<uint32_t>& arrivals) const {
    Reach result = nothing();
    for (size_t word = 0; word * 64 < demand_segments.size(); ++word) {
      const size_t end = std::min(demand_segments.size(), word * 64 + 64);
      for (size_t t = 0; t < counts.size(); ++t) {
        uint64_t bits = 0;
        for (size_t i = word * 64; i < end; ++i)
          bits |= uint64_t{arrivals[demand_segments[i]] <= counts[t].limit_ms} << (i % 64);
        result[t][word] = bits;
      }
    }
    return result;
  }
  std::vector<double> q_power;  // q^k for every k a count can reach

  void prepare_powers(size_t units) {
    q_power.assign(units + 2, 1.0);
    for (size_t k = 1; k < q_power.size(); ++k) q_power[k] = q_power[k - 1] * q;
  }
  // Calls visit(target, segment index, reached after) for every demand segment whose reach
  // differs, in order.
  template <typename Visit>
  static void for_each_change(const Reach& from, const Reach& to, Visit&& visit) {
    for (size_t t = 0; t < from.size(); ++t) {
      for (size_t word = 0; word < from[t].size(); ++word) {
        for (uint64_t diff = from[t][word] ^ to[t][word]; diff != 0; diff &= diff - 1) {
          const size_t i = word * 64 + static_cast<size_t>(std::countr_zero(diff));
          visit(t, i, (to[t][word] >> (i % 64) & 1) != 0);
        }
      }
    }
  }
  // Expected covered demand gained when a unit that reaches `from` reaches `to` instead: a
  // street covered by k units counts 1 − q^k.
  double gain(const Reach& from, const Reach& to) const {
    double gain = 0;
    for_each_change(from, to, [&](size_t t, size_t i, bool reached) {
      const int k = counts[t].covering[i];
      const double change = reached ? q_power[k] - q_power[k + 1] : q_power[k] - q_power[k - 1];
      gain += demand_km[demand_segments[i]] * change;
    });
    return gain;
  }
  void apply(const Reach& from, const Reach& to) {
    for_each_change(from, to, [&](size_t t, size_t i, bool reached) {
      counts[t].covering[i] += reached ? 1 : -1;
    });
  }
};

}  // namespace

void FieldCache::start(const routing::MetricSet& metrics) {
  if (metrics.version == version_ && fields_.size() < max_fields) return;
  fields_.clear();
  version_ = metrics.version;
}

FieldCache::Field& FieldCache::get(const LiveCoverageContext& context,
                                   const routing::MetricSet& metrics, uint32_t profile,
                                   const geodata::Snap& position, routing::CchQuery& query) {
  if (metrics.version != version_)
    throw ContractViolation("FieldCache::get: the metrics changed since start()");
  const auto key = std::make_tuple(profile, position.tail, position.head, position.fraction);
  auto found = fields_.find(key);
  if (found != fields_.end()) return found->second;
  Field field;
  const geodata::Snap* positions[] = {&position};
  field.arrival_ms =
      arrivals_from(context, metrics.metrics[profile], positions, query, &field.node_cost);
  return fields_.emplace(key, std::move(field)).first->second;
}

LiveCoverage live_coverage(const LiveCoverageContext& context, const routing::MetricSet& metrics,
                           std::span<const LiveUnit> units, routing::CchQuery& query) {
  LiveCoverage result;
  result.metrics_version = metrics.version;
  result.total_demand_km = context.ground.total_demand_km;
  for (const CoverageTarget& target : context.targets) {
    const uint32_t profile = routing::profile_index(context.live.profiles(), target.unit_type);
    std::vector<const geodata::Snap*> positions;
    for (const LiveUnit& unit : units)
      if (unit.type == target.unit_type) positions.push_back(&unit.position);
    LiveTarget live{target, positions.size(), 0, {}};
    live.arrival_ms = arrivals_from(context, metrics.metrics[profile], positions, query, nullptr);
    for (size_t s = 0; s < live.arrival_ms.size(); ++s)
      if (live.arrival_ms[s] <= target.limit_ms()) live.covered_km += context.ground.demand_km[s];
    result.targets.push_back(std::move(live));
  }
  return result;
}

std::vector<MoveUp> suggest_moveups(const LiveCoverageContext& context,
                                    const routing::MetricSet& metrics,
                                    std::span<const LiveUnit> units,
                                    std::span<const Station> stations,
                                    const std::map<std::string, double>& busy_fraction,
                                    const MoveUpOptions& options, routing::CchQuery& query,
                                    FieldCache* cache) {
  FieldCache local;
  if (!cache) cache = &local;
  cache->start(metrics);
  std::vector<uint32_t> demand_segments;
  for (uint32_t s = 0; s < context.ground.demand_km.size(); ++s)
    if (context.ground.demand_km[s] > 0) demand_segments.push_back(s);
  std::vector<MoveUp> moves;
  for (const auto& [type, busy] : busy_fraction) {
    if (busy <= 0) continue;  // every unit of the type is available: nothing has dropped
    std::vector<const CoverageTarget*> targets;
    for (const CoverageTarget& target : context.targets)
      if (target.unit_type == type) targets.push_back(&target);
    if (targets.empty()) continue;
    const uint32_t profile = routing::profile_index(context.live.profiles(), type);
    const routing::CchMetric& metric = metrics.metrics[profile];
    MoveUpSearch search{demand_segments,
                        context.ground.demand_km,
                        std::clamp(busy, options.min_busy_fraction, 1.0),
                        {},
                        {}};
    for (const CoverageTarget* target : targets)
      search.counts.push_back({target->limit_ms(), std::vector<uint16_t>(demand_segments.size())});
    const std::vector<uint32_t> limits = search.limits_ms();
    const Reach none = search.nothing();

    // Where each available unit of the type is and what it reaches from there.
    // Fields and reaches live in the cache (or `local`) until this call returns.
    struct Candidate {
      const LiveUnit* unit;
      const std::vector<uint32_t>* node_cost;
      const Reach* reach;
      bool moved = false;
    };
    std::vector<Candidate> candidates;
    search.prepare_powers(units.size());
    for (const LiveUnit& unit : units) {
      if (unit.type != type) continue;
      FieldCache::Field& field = cache->get(context, metrics, profile, unit.position, query);
      Candidate candidate{&unit, &field.node_cost, &search.reach_of(field, limits)};
      search.apply(none, *candidate.reach);
      candidates.push_back(candidate);
    }
    // What each station of the type would reach.
    std::vector<std::pair<const Station*, geodata::Snap>> posts;
    std::vector<const Reach*> post_reach;
    for (const Station& station : stations) {
      if (std::find(station.unit_types.begin(), station.unit_types.end(), type) ==
          station.unit_types.end())
        continue;
      const geodata::Snap snap = context.snapper.snap(station.position, {5000});
      post_reach.push_back(
          &search.reach_of(cache->get(context, metrics, profile, snap, query), limits));
      posts.emplace_back(&station, snap);
    }
    const double min_gain = options.min_gain_share * context.ground.total_demand_km *
                            static_cast<double>(targets.size());
    for (size_t round = 0; round < options.max_moves; ++round) {
      double best_gain = min_gain;
      Candidate* best_unit = nullptr;
      size_t best_post = 0;
      for (Candidate& candidate : candidates) {
        if (candidate.moved || !candidate.unit->movable) continue;
        for (size_t p = 0; p < posts.size(); ++p) {
          if (cost_to(context.network, *candidate.node_cost, posts[p].second,
                      candidate.unit->position, metric.arc_weight) == routing::unreachable)
            continue;
          const double gain = search.gain(*candidate.reach, *post_reach[p]);
          if (gain > best_gain) best_gain = gain, best_unit = &candidate, best_post = p;
        }
      }
      if (!best_unit) break;
      const auto& [station, snap] = posts[best_post];
      moves.push_back({best_unit->unit->id, type, station->name, station->position,
                       cost_to(context.network, *best_unit->node_cost, snap,
                               best_unit->unit->position, metric.arc_weight),
                       best_gain, search.q});
      search.apply(*best_unit->reach, *post_reach[best_post]);
      best_unit->reach = post_reach[best_post];
      best_unit->moved = true;
    }
  }
  std::stable_sort(moves.begin(), moves.end(),
                   [](const MoveUp& a, const MoveUp& b) { return a.gain_km > b.gain_km; });
  return moves;
}

}  // namespace siaga::dispatch
