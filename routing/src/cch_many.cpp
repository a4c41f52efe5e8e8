// Queries from or to many points at once: PHAST's one sweep down from the top for the costs to
// every node (coverage fields, isochrones), and buckets for many-to-one and one-to-many (the
// nearest of many units). Point-to-point queries are cch.cpp's.
#include <algorithm>
#include <numeric>

#include "cch_internal.h"
#include "siaga/routing/cch.h"

namespace siaga::routing {

using geodata::invalid_id;

std::vector<uint32_t> CchQuery::all_costs(const CchMetric& metric, std::span<const Seed> sources) {
  std::vector<uint32_t> by_node;
  all_costs(metric, sources, by_node);
  return by_node;
}

namespace {

// Costs inside every chain from the costs of its ends and the sources inside it: one sweep each
// way over all slots at once (a chain's last slot has no piece onward, so nothing leaks into the
// next chain), since a shortest path stays on a chain in one direction.
void fill_chains(const Cch& cch, const CchMetric& metric, std::span<const Seed> sources,
                 std::vector<uint32_t>& by_node) {
  for (const Seed& seed : sources) {
    if (cch.node_slot[seed.node] != invalid_id)
      by_node[seed.node] = std::min(by_node[seed.node], seed.cost_ms);
  }
  const uint32_t* node = cch.slot_node.data();
  uint32_t* cost = by_node.data();
  const uint32_t slots = static_cast<uint32_t>(cch.slot_node.size());
  // In 64 bits, unreachable or blocked on either side sums to at least `unreachable`.
  for (uint32_t slot = 0; slot + 1 < slots; ++slot) {
    const uint64_t via = uint64_t{cost[node[slot]]} + piece_weight(cch, metric, slot, true);
    cost[node[slot + 1]] = static_cast<uint32_t>(std::min<uint64_t>(cost[node[slot + 1]], via));
  }
  for (uint32_t slot = slots - (slots > 0); slot-- > 0;) {
    const uint64_t via = uint64_t{cost[node[slot + 1]]} + piece_weight(cch, metric, slot, false);
    cost[node[slot]] = static_cast<uint32_t>(std::min<uint64_t>(cost[node[slot]], via));
  }
}

}  // namespace

void CchQuery::all_costs(const CchMetric& metric, std::span<const Seed> sources,
                         std::vector<uint32_t>& by_node) {
  expects_metric_of(*cch_, metric);
  search(forward_, metric, sources, true);
  const uint32_t n = cch_->node_count();
  std::vector<uint32_t>& cost = sweep_;
  cost.assign(n, unreachable);
  for (uint32_t x : forward_.visited) cost[x] = forward_.label[x].cost;
  // PHAST: every shortest path is up then down, so one sweep from the top settles all nodes.
  for (uint32_t x = n; x-- > 0;) {
    uint32_t best = cost[x];
    for (uint32_t e = cch_->first_up[x]; e < cch_->first_up[x + 1]; ++e) {
      const uint32_t above = cost[cch_->up_head[e]];
      if (above == unreachable || metric.down[e] >= infinite_weight) continue;
      best = std::min(best, above + metric.down[e]);
    }
    cost[x] = best;
  }
  by_node.assign(cch_->network_node_count(), unreachable);
  for (uint32_t x = 0; x < n; ++x) by_node[cch_->node_at_rank[x]] = cost[x];
  fill_chains(*cch_, metric, sources, by_node);
}

// Upward search from every item's seeds (forward for sources, backward for targets), kept as
// bucket entries at each rank reached.
Buckets build_buckets(const Cch& cch, const CchMetric& metric,
                      std::span<const std::vector<Seed>> items, bool upward) {
  CchQuery query(cch);
  CchQuery::Search& side = upward ? query.forward_ : query.backward_;
  std::vector<std::array<uint32_t, 3>> entries;  // rank, item, cost
  Buckets buckets;
  std::vector<std::tuple<uint32_t, uint32_t, Seed>> in_chains;  // chain, item, seed
  for (uint32_t i = 0; i < items.size(); ++i) {
    query.search(side, metric, items[i], upward);
    for (uint32_t x : side.visited) {
      if (side.label[x].cost != unreachable) entries.push_back({x, i, side.label[x].cost});
    }
    for (const Seed& seed : items[i]) {
      const uint32_t slot = cch.node_slot[seed.node];
      if (slot != invalid_id) in_chains.push_back({chain_of_slot(cch, slot), i, seed});
    }
  }
  buckets.item_count = static_cast<uint32_t>(items.size());
  buckets.first_entry.assign(cch.node_count() + 1, 0);
  for (const auto& entry : entries) ++buckets.first_entry[entry[0] + 1];
  std::partial_sum(buckets.first_entry.begin(), buckets.first_entry.end(),
                   buckets.first_entry.begin());
  std::vector<uint32_t> fill(buckets.first_entry.begin(), buckets.first_entry.end() - 1);
  buckets.entry_item.resize(entries.size());
  buckets.entry_cost.resize(entries.size());
  for (const auto& [x, item, cost] : entries) {
    buckets.entry_item[fill[x]] = item;
    buckets.entry_cost[fill[x]++] = cost;
  }
  std::stable_sort(in_chains.begin(), in_chains.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  for (const auto& [chain, item, seed] : in_chains) {
    buckets.chain_seed_chain.push_back(chain);
    buckets.chain_seed_item.push_back(item);
    buckets.chain_seed.push_back(seed);
  }
  return buckets;
}

// One search from the other side, meeting every item's entries at the common ancestors; then
// the items inside the same chain as one of the seeds.
std::vector<uint32_t> scan_buckets(const Buckets& buckets, const CchMetric& metric,
                                   std::span<const Seed> seeds, bool upward, CchQuery& query) {
  std::vector<uint32_t> cost(buckets.item_count, unreachable);
  CchQuery::Search& side = upward ? query.forward_ : query.backward_;
  query.search(side, metric, seeds, upward);
  for (uint32_t x : side.visited) {
    const uint32_t here = side.label[x].cost;
    if (here == unreachable) continue;
    for (uint32_t k = buckets.first_entry[x]; k < buckets.first_entry[x + 1]; ++k) {
      cost[buckets.entry_item[k]] =
          std::min(cost[buckets.entry_item[k]], buckets.entry_cost[k] + here);
    }
  }
  const Cch& cch = *query.cch_;
  for (const Seed& seed : seeds) {
    const uint32_t slot = cch.node_slot[seed.node];
    if (slot == invalid_id) continue;
    const auto [begin, end] = std::equal_range(
        buckets.chain_seed_chain.begin(), buckets.chain_seed_chain.end(), chain_of_slot(cch, slot));
    for (auto it = begin; it != end; ++it) {
      const size_t k = it - buckets.chain_seed_chain.begin();
      const Seed& item_seed = buckets.chain_seed[k];
      const uint32_t within = upward ? cost_within_chain(cch, metric, seed, item_seed)
                                     : cost_within_chain(cch, metric, item_seed, seed);
      cost[buckets.chain_seed_item[k]] = std::min(cost[buckets.chain_seed_item[k]], within);
    }
  }
  return cost;
}

ManyToOne::ManyToOne(const Cch& cch, const CchMetric& metric,
                     std::span<const std::vector<Seed>> sources)
    : metric_(&metric), buckets_(build_buckets(cch, metric, sources, true)) {}

std::vector<uint32_t> ManyToOne::costs_to(std::span<const Seed> targets, CchQuery& query) const {
  return scan_buckets(buckets_, *metric_, targets, false, query);
}

OneToMany::OneToMany(const Cch& cch, const CchMetric& metric,
                     std::span<const std::vector<Seed>> targets)
    : metric_(&metric), buckets_(build_buckets(cch, metric, targets, false)) {}

std::vector<uint32_t> OneToMany::costs_from(std::span<const Seed> sources, CchQuery& query) const {
  return scan_buckets(buckets_, *metric_, sources, true, query);
}

}  // namespace siaga::routing
