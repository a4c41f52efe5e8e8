#include "siaga/routing/cch.h"

#include <metis.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>

#include "csr.h"

namespace siaga::routing {

using geodata::invalid_id;

namespace {

// Weights at or above this are "no edge"; two of them still add up without overflow.
constexpr uint32_t infinite_weight = 0x7fffffff;

uint32_t to_internal(uint32_t weight) {
  return std::min(weight, infinite_weight);
}

// Undirected, duplicate-free neighbour lists of the network (self-loops dropped).
std::vector<std::vector<uint32_t>> undirected_neighbours(const geodata::RoadNetwork& network) {
  std::vector<std::vector<uint32_t>> neighbours(network.node_count());
  for (uint32_t u = 0; u < network.node_count(); ++u) {
    for (uint32_t arc = network.first_out[u]; arc < network.first_out[u + 1]; ++arc) {
      const uint32_t v = network.arc_head[arc];
      if (u == v) continue;
      neighbours[u].push_back(v);
      neighbours[v].push_back(u);
    }
  }
  for (auto& list : neighbours) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  return neighbours;
}

// Fill-reducing nested-dissection order: rank of every node.
std::vector<uint32_t> nested_dissection_rank(const std::vector<std::vector<uint32_t>>& neighbours) {
  idx_t n = static_cast<idx_t>(neighbours.size());
  std::vector<idx_t> xadj{0}, adjncy;
  for (const auto& list : neighbours) {
    adjncy.insert(adjncy.end(), list.begin(), list.end());
    xadj.push_back(static_cast<idx_t>(adjncy.size()));
  }
  std::vector<idx_t> perm(neighbours.size()), iperm(neighbours.size());
  idx_t options[METIS_NOPTIONS];
  METIS_SetDefaultOptions(options);
  options[METIS_OPTION_SEED] = 112;  // same order every build
  if (n > 0 && METIS_NodeND(&n, xadj.data(), adjncy.data(), nullptr, options, perm.data(),
                            iperm.data()) != METIS_OK) {
    throw Error("METIS_NodeND failed to order the road graph");
  }
  return std::vector<uint32_t>(iperm.begin(), iperm.end());
}

uint32_t find_edge(const Cch& cch, uint32_t low, uint32_t high) {
  const auto begin = cch.up_head.begin() + cch.first_up[low];
  const auto end = cch.up_head.begin() + cch.first_up[low + 1];
  const auto it = std::lower_bound(begin, end, high);
  return it != end && *it == high ? static_cast<uint32_t>(it - cch.up_head.begin()) : invalid_id;
}

// Chordal completion along the elimination order: each node's upward neighbours, minus its
// parent (the lowest), become upward neighbours of the parent.
void build_upward_graph(Cch& cch, std::vector<std::vector<uint32_t>> up) {
  const uint32_t n = static_cast<uint32_t>(up.size());
  cch.parent.assign(n, invalid_id);
  std::vector<uint32_t> merged;
  for (uint32_t x = 0; x < n; ++x) {
    if (up[x].empty()) continue;
    const uint32_t parent = up[x].front();
    cch.parent[x] = parent;
    merged.clear();
    std::set_union(up[parent].begin(), up[parent].end(), up[x].begin() + 1, up[x].end(),
                   std::back_inserter(merged));
    up[parent].swap(merged);
  }
  cch.first_up.assign(n + 1, 0);
  for (uint32_t x = 0; x < n; ++x) cch.first_up[x + 1] = cch.first_up[x] + up[x].size();
  cch.up_head.reserve(cch.first_up[n]);
  for (uint32_t x = 0; x < n; ++x)
    cch.up_head.insert(cch.up_head.end(), up[x].begin(), up[x].end());
}

// Lower triangles of every edge, grouped by edge (CSR) so customization walks edges in order.
void build_triangles(Cch& cch) {
  const uint32_t n = cch.node_count();
  std::vector<uint32_t> count(cch.edge_count() + 1, 0);
  std::vector<std::array<uint32_t, 3>> triangles;  // yz, xy, xz
  for (uint32_t x = 0; x < n; ++x) {
    for (uint32_t xy = cch.first_up[x]; xy < cch.first_up[x + 1]; ++xy) {
      const uint32_t y = cch.up_head[xy];
      uint32_t yz = cch.first_up[y];  // walks y's upward edges alongside x's
      for (uint32_t xz = xy + 1; xz < cch.first_up[x + 1]; ++xz) {
        const uint32_t z = cch.up_head[xz];
        while (cch.up_head[yz] < z) ++yz;  // chordality guarantees (y, z) exists
        triangles.push_back({yz, xy, xz});
        ++count[yz + 1];
      }
    }
  }
  std::partial_sum(count.begin(), count.end(), count.begin());
  cch.first_triangle = count;
  cch.triangle_xy.resize(triangles.size());
  cch.triangle_xz.resize(triangles.size());
  for (const auto& [yz, xy, xz] : triangles) {
    const uint32_t slot = count[yz]++;
    cch.triangle_xy[slot] = xy;
    cch.triangle_xz[slot] = xz;
  }
}

}  // namespace

Cch Cch::build(const geodata::RoadNetwork& network) {
  Cch cch;
  const std::vector<std::vector<uint32_t>> neighbours = undirected_neighbours(network);
  cch.rank = nested_dissection_rank(neighbours);
  const uint32_t n = network.node_count();
  cch.node_at_rank.resize(n);
  for (uint32_t v = 0; v < n; ++v) cch.node_at_rank[cch.rank[v]] = v;

  std::vector<std::vector<uint32_t>> up(n);
  for (uint32_t v = 0; v < n; ++v) {
    for (uint32_t w : neighbours[v]) {
      if (cch.rank[w] > cch.rank[v]) up[cch.rank[v]].push_back(cch.rank[w]);
    }
  }
  for (auto& list : up) std::sort(list.begin(), list.end());
  build_upward_graph(cch, std::move(up));
  build_triangles(cch);

  cch.arc_edge.assign(network.arc_count(), invalid_id);
  cch.arc_upward.assign(network.arc_count(), 0);
  for (uint32_t u = 0; u < n; ++u) {
    for (uint32_t arc = network.first_out[u]; arc < network.first_out[u + 1]; ++arc) {
      const uint32_t a = cch.rank[u];
      const uint32_t b = cch.rank[network.arc_head[arc]];
      if (a == b) continue;
      cch.arc_edge[arc] = find_edge(cch, std::min(a, b), std::max(a, b));
      cch.arc_upward[arc] = a < b;
    }
  }
  return cch;
}

CchMetric customize(const Cch& cch, std::span<const uint32_t> arc_weights) {
  expects(arc_weights.size() == cch.arc_edge.size(), "customize: one weight per network arc");
  CchMetric metric;
  metric.arc_weight.assign(arc_weights.begin(), arc_weights.end());
  const uint32_t m = cch.edge_count();
  metric.up.assign(m, infinite_weight);
  metric.down.assign(m, infinite_weight);
  metric.up_unpacking.assign(m, {invalid_id, invalid_id});
  metric.down_unpacking.assign(m, {invalid_id, invalid_id});
  for (uint32_t arc = 0; arc < arc_weights.size(); ++arc) {
    const uint32_t edge = cch.arc_edge[arc];
    const uint32_t weight = to_internal(arc_weights[arc]);
    if (edge == invalid_id || weight >= infinite_weight) continue;
    auto& best = cch.arc_upward[arc] ? metric.up : metric.down;
    auto& unpacking = cch.arc_upward[arc] ? metric.up_unpacking : metric.down_unpacking;
    if (weight < best[edge]) {
      best[edge] = weight;
      unpacking[edge] = {arc, invalid_id};
    }
  }
  // Edges in CSR order have non-decreasing lower endpoints, so both edges of every lower
  // triangle are final before the edge they improve.
  uint32_t* up = metric.up.data();
  uint32_t* down = metric.down.data();
  for (uint32_t yz = 0; yz < m; ++yz) {
    uint32_t best_up = up[yz];
    uint32_t best_down = down[yz];
    uint32_t up_via = invalid_id;
    uint32_t down_via = invalid_id;
    for (uint32_t t = cch.first_triangle[yz]; t < cch.first_triangle[yz + 1]; ++t) {
      const uint32_t xy = cch.triangle_xy[t];
      const uint32_t xz = cch.triangle_xz[t];
      const uint32_t through_up = down[xy] + up[xz];    // y → x → z
      const uint32_t through_down = down[xz] + up[xy];  // z → x → y
      if (through_up < best_up) best_up = through_up, up_via = t;
      if (through_down < best_down) best_down = through_down, down_via = t;
    }
    if (best_up >= infinite_weight) {  // a sum of two infinite weights is no shortcut
      best_up = infinite_weight;
    } else if (up_via != invalid_id) {
      metric.up_unpacking[yz] = {cch.triangle_xy[up_via], cch.triangle_xz[up_via]};
    }
    if (best_down >= infinite_weight) {
      best_down = infinite_weight;
    } else if (down_via != invalid_id) {
      metric.down_unpacking[yz] = {cch.triangle_xz[down_via], cch.triangle_xy[down_via]};
    }
    up[yz] = best_up;
    down[yz] = best_down;
  }
  return metric;
}

CchQuery::CchQuery(const Cch& cch) : cch_(&cch), on_chain_(cch.node_count(), 0) {
  for (Search* side : {&forward_, &backward_}) {
    side->cost.assign(cch.node_count(), unreachable);
    side->edge.assign(cch.node_count(), invalid_id);
    side->origin.assign(cch.node_count(), invalid_id);
  }
}

void CchQuery::reset(Search& side) {
  for (uint32_t x : side.visited) {
    side.cost[x] = unreachable;
    side.edge[x] = invalid_id;
    side.origin[x] = invalid_id;
  }
  side.visited.clear();
}

void CchQuery::prepare(Search& side, std::span<const Seed> seeds) {
  reset(side);
  // The search space is the union of the seeds' elimination-tree ancestors, in rank order.
  for (uint32_t i = 0; i < seeds.size(); ++i) {
    expects(seeds[i].node < cch_->node_count(), "CchQuery: every seed is a network node");
    const uint32_t start = cch_->rank[seeds[i].node];
    for (uint32_t x = start; x != invalid_id && !on_chain_[x]; x = cch_->parent[x]) {
      on_chain_[x] = 1;
      side.visited.push_back(x);
    }
    if (seeds[i].cost_ms < side.cost[start]) {
      side.cost[start] = seeds[i].cost_ms;
      side.origin[start] = i;
    }
  }
  // One seed's chain is sorted already; several chains need merging.
  if (seeds.size() > 1) std::sort(side.visited.begin(), side.visited.end());
  for (uint32_t x : side.visited) on_chain_[x] = 0;
}

void CchQuery::relax(Search& side, const std::vector<uint32_t>& weight, uint32_t x) {
  const uint32_t cost = side.cost[x];
  for (uint32_t e = cch_->first_up[x]; e < cch_->first_up[x + 1]; ++e) {
    if (weight[e] >= infinite_weight) continue;
    const uint32_t y = cch_->up_head[e];
    if (cost + weight[e] < side.cost[y]) {
      side.cost[y] = cost + weight[e];
      side.edge[y] = e;
      side.origin[y] = side.origin[x];
    }
  }
}

void CchQuery::search(Search& side, const CchMetric& metric, std::span<const Seed> seeds,
                      bool upward) {
  prepare(side, seeds);
  const std::vector<uint32_t>& weight = upward ? metric.up : metric.down;
  for (uint32_t x : side.visited) {
    if (side.cost[x] != unreachable) relax(side, weight, x);
  }
}

std::vector<uint32_t> CchQuery::many_to_one(const CchMetric& metric,
                                            std::span<const std::vector<Seed>> sources,
                                            std::span<const Seed> targets) {
  expects(metric.up.size() == cch_->edge_count(), "CchQuery: a metric of this CCH");
  // Backward search: for each elimination-tree ancestor z of the targets, the cost z → target.
  search(backward_, metric, targets, false);
  // The union of the sources' ancestor chains; the chains share their tops, so this is far less
  // than one upward search per source.
  std::vector<uint32_t>& chains = forward_.visited;
  reset(forward_);
  for (const std::vector<Seed>& seeds : sources) {
    for (const Seed& seed : seeds) {
      for (uint32_t x = cch_->rank[seed.node]; x != invalid_id && !on_chain_[x];
           x = cch_->parent[x]) {
        on_chain_[x] = 1;
        chains.push_back(x);
      }
    }
  }
  // Top down, every upward neighbour of x is an ancestor of x, hence done already: the cost
  // x → target is the best of going down from x and going up first.
  std::sort(chains.begin(), chains.end(), std::greater<>());
  for (uint32_t x : chains) {
    on_chain_[x] = 0;
    uint64_t best = backward_.cost[x];
    for (uint32_t e = cch_->first_up[x]; e < cch_->first_up[x + 1]; ++e) {
      const uint32_t above = forward_.cost[cch_->up_head[e]];
      if (metric.up[e] >= infinite_weight || above == unreachable) continue;
      best = std::min<uint64_t>(best, uint64_t{metric.up[e]} + above);
    }
    forward_.cost[x] = static_cast<uint32_t>(std::min<uint64_t>(best, unreachable));
  }
  std::vector<uint32_t> costs(sources.size(), unreachable);
  for (size_t i = 0; i < sources.size(); ++i) {
    for (const Seed& seed : sources[i]) {
      const uint32_t rest = forward_.cost[cch_->rank[seed.node]];
      if (rest == unreachable) continue;
      costs[i] = static_cast<uint32_t>(std::min<uint64_t>(costs[i], uint64_t{seed.cost_ms} + rest));
    }
  }
  return costs;
}

// Appends the network arcs of CCH edge `edge` travelled upward (low → high) or downward, by what
// customization recorded; an explicit stack keeps the arcs in driving order.
void CchQuery::unpack(const CchMetric& metric, uint32_t edge, bool upward,
                      std::vector<uint32_t>& arcs) {
  unpack_stack_.assign(1, {edge, upward});
  while (!unpack_stack_.empty()) {
    const auto [e, up] = unpack_stack_.back();
    unpack_stack_.pop_back();
    const CchUnpacking how = up ? metric.up_unpacking[e] : metric.down_unpacking[e];
    if (how.up_leg == invalid_id) {
      if (how.down_leg == invalid_id) throw ContractViolation("CCH edge with no way through");
      arcs.push_back(how.down_leg);
      continue;
    }
    unpack_stack_.push_back({how.up_leg, true});  // pushed first, driven second
    unpack_stack_.push_back({how.down_leg, false});
  }
}

PathResult CchQuery::shortest_path(const CchMetric& metric, std::span<const Seed> sources,
                                   std::span<const Seed> targets) {
  expects(metric.up.size() == cch_->edge_count(), "CchQuery: a metric of this CCH");
  prepare(forward_, sources);
  prepare(backward_, targets);
  // Both searches walk up in one merged rank order; the best meeting so far prunes every node
  // whose cost alone already reaches it (its upward edges cannot lead to a better path).
  PathResult result;
  uint32_t meeting = invalid_id;
  auto f = forward_.visited.begin();
  auto b = backward_.visited.begin();
  const auto f_end = forward_.visited.end();
  const auto b_end = backward_.visited.end();
  while (f != f_end || b != b_end) {
    const uint32_t x = b == b_end || (f != f_end && *f < *b) ? *f : *b;
    const bool in_forward = f != f_end && *f == x;
    const bool in_backward = b != b_end && *b == x;
    const uint32_t forward_cost = forward_.cost[x];
    const uint32_t backward_cost = backward_.cost[x];
    if (in_forward && in_backward && forward_cost != unreachable && backward_cost != unreachable &&
        forward_cost + backward_cost < result.cost_ms) {
      result.cost_ms = forward_cost + backward_cost;
      meeting = x;
    }
    if (in_forward) {
      if (forward_cost < result.cost_ms) relax(forward_, metric.up, x);
      ++f;
    }
    if (in_backward) {
      if (backward_cost < result.cost_ms) relax(backward_, metric.down, x);
      ++b;
    }
  }
  if (meeting == invalid_id) return result;
  result.source = forward_.origin[meeting];
  result.target = backward_.origin[meeting];
  // Source side: edges from the meeting node down to the source, then reversed into order.
  std::vector<uint32_t> up_edges;
  for (uint32_t x = meeting; forward_.edge[x] != invalid_id;) {
    const uint32_t e = forward_.edge[x];
    up_edges.push_back(e);
    x = csr_row_of(cch_->first_up, e);  // the edge's lower endpoint
  }
  for (auto it = up_edges.rbegin(); it != up_edges.rend(); ++it) {
    unpack(metric, *it, true, result.arcs);
  }
  for (uint32_t x = meeting; backward_.edge[x] != invalid_id;) {
    const uint32_t e = backward_.edge[x];
    unpack(metric, e, false, result.arcs);
    x = csr_row_of(cch_->first_up, e);  // the edge's lower endpoint
  }
  return result;
}

std::vector<uint32_t> CchQuery::all_costs(const CchMetric& metric, std::span<const Seed> sources) {
  std::vector<uint32_t> by_node;
  all_costs(metric, sources, by_node);
  return by_node;
}

void CchQuery::all_costs(const CchMetric& metric, std::span<const Seed> sources,
                         std::vector<uint32_t>& by_node) {
  expects(metric.up.size() == cch_->edge_count(), "CchQuery: a metric of this CCH");
  search(forward_, metric, sources, true);
  const uint32_t n = cch_->node_count();
  std::vector<uint32_t>& cost = sweep_;
  cost.assign(n, unreachable);
  for (uint32_t x : forward_.visited) cost[x] = forward_.cost[x];
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
  by_node.resize(n);
  for (uint32_t v = 0; v < n; ++v) by_node[v] = cost[cch_->rank[v]];
}

// Upward search from every item's seeds (forward for sources, backward for targets), kept as
// bucket entries at each rank reached.
Buckets build_buckets(const Cch& cch, const CchMetric& metric,
                      std::span<const std::vector<Seed>> items, bool upward) {
  CchQuery query(cch);
  CchQuery::Search& side = upward ? query.forward_ : query.backward_;
  std::vector<std::array<uint32_t, 3>> entries;  // rank, item, cost
  for (uint32_t i = 0; i < items.size(); ++i) {
    query.search(side, metric, items[i], upward);
    for (uint32_t x : side.visited) {
      if (side.cost[x] != unreachable) entries.push_back({x, i, side.cost[x]});
    }
  }
  Buckets buckets;
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
  return buckets;
}

// One search from the other side, meeting every item's entries at the common ancestors.
std::vector<uint32_t> scan_buckets(const Buckets& buckets, const CchMetric& metric,
                                   std::span<const Seed> seeds, bool upward, CchQuery& query) {
  std::vector<uint32_t> cost(buckets.item_count, unreachable);
  CchQuery::Search& side = upward ? query.forward_ : query.backward_;
  query.search(side, metric, seeds, upward);
  for (uint32_t x : side.visited) {
    const uint32_t here = side.cost[x];
    if (here == unreachable) continue;
    for (uint32_t k = buckets.first_entry[x]; k < buckets.first_entry[x + 1]; ++k) {
      cost[buckets.entry_item[k]] =
          std::min(cost[buckets.entry_item[k]], buckets.entry_cost[k] + here);
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

namespace {
template <typename... Vectors>
size_t capacity_bytes(const Vectors&... vectors) {
  return (... + (vectors.capacity() * sizeof(typename Vectors::value_type)));
}
}  // namespace

size_t memory_bytes(const Cch& cch) {
  return capacity_bytes(cch.rank, cch.node_at_rank, cch.first_up, cch.up_head, cch.parent,
                        cch.first_triangle, cch.triangle_xy, cch.triangle_xz, cch.arc_edge,
                        cch.arc_upward);
}

size_t memory_bytes(const CchMetric& metric) {
  return capacity_bytes(metric.arc_weight, metric.up, metric.down, metric.up_unpacking,
                        metric.down_unpacking);
}

}  // namespace siaga::routing
