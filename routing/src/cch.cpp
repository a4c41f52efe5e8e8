#include "siaga/routing/cch.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>
#include <tuple>

#include "cch_internal.h"
#include "csr.h"

namespace siaga::routing {

using geodata::invalid_id;

CchQuery::CchQuery(const Cch& cch) : cch_(&cch), node_flags_(cch.node_count(), 0) {
  for (Search* side : {&forward_, &backward_}) {
    side->label.assign(cch.node_count(), Label{});
  }
  for (uint32_t x = 0; x < cch.node_count(); ++x) {
    if (cch.parent[x] == x + 1) node_flags_[x] = parent_is_next;
  }
}

void CchQuery::reset(Search& side) {
  for (uint32_t x : side.visited) {
    side.label[x] = Label{};
  }
  side.visited.clear();
}

void CchQuery::list_ancestors(uint32_t x, std::vector<uint32_t>& listed) {
  uint8_t* flags = node_flags_.data();
  while (x != invalid_id && !(flags[x] & listed_flag)) {
    flags[x] |= listed_flag;
    listed.push_back(x);
    x = parent_of(x);
  }
}

void CchQuery::prepare(Search& side, const CchMetric& metric, std::span<const Seed> seeds,
                       bool upward) {
  reset(side);
  expand_seeds(*cch_, metric, seeds, upward, side.seeds);
  for (uint32_t i = 0; i < side.seeds.size(); ++i) {
    const uint32_t start = cch_->rank[side.seeds[i].node];
    side.label[start].cost = std::min(side.label[start].cost, side.seeds[i].cost_ms);
  }
  // The search space is the union of the seeds' elimination-tree ancestors, in rank order.
  if (side.seeds.size() <= few_seeds) {
    list_ancestors_of_few(side);
    return;
  }
  // Many seeds: each one's chain up to the first node already listed, sorted once at the end.
  for (const CoreSeed& seed : side.seeds) list_ancestors(cch_->rank[seed.node], side.visited);
  std::sort(side.visited.begin(), side.visited.end());
  for (uint32_t x : side.visited) node_flags_[x] &= ~listed_flag;
}

// A point's two or four seeds are almost always on one elimination-tree path: they are the ends
// of the road segment or chain the point is on, neighbours in the CCH, so one is the other's
// ancestor. The path up from the lowest is then the whole search space, and the walk only counts
// the seeds it meets. Where it misses one (a seed off the path, as at a junction split into copies
// by turn restrictions, or in another component's tree), the seeds' chains are walked together,
// always stepping the lowest, which lists their union in rank order without marking nodes or
// merging lists.
void CchQuery::list_ancestors_of_few(Search& side) {
  std::array<uint32_t, few_seeds> at;
  at.fill(invalid_id);  // above every rank
  for (size_t i = 0; i < side.seeds.size(); ++i) at[i] = cch_->rank[side.seeds[i].node];
  std::sort(at.begin(), at.end());
  size_t met = 0;  // the seeds in `at` the walk has met; a missed one stops the count for good
  for (uint32_t x = at[0]; x != invalid_id; x = parent_of(x)) {
    side.visited.push_back(x);
    while (met < few_seeds && at[met] == x) ++met;
  }
  if (met == few_seeds || at[met] == invalid_id) return;
  side.visited.clear();
  for (uint32_t x = at[0]; x != invalid_id;) {
    side.visited.push_back(x);
    const uint32_t next = parent_of(x);
    uint32_t lowest = invalid_id;
    for (uint32_t& y : at) {
      if (y == x) y = next;
      lowest = std::min(lowest, y);
    }
    x = lowest;
  }
}

CchQuery::Edges CchQuery::edges_of(const CchMetric& metric, bool upward) const {
  const CchSearchGraph& graph = upward ? metric.up_search : metric.down_search;
  if (!graph.first_out.empty())
    return {graph.first_out.data(), graph.head.data(), graph.weight.data()};
  return {cch_->first_up.data(), cch_->up_head.data(),
          upward ? metric.up.data() : metric.down.data()};
}

void CchQuery::relax(Search& side, const Edges& edges, uint32_t x) {
  // Plain pointers: the compiler cannot tell the vectors' buffers apart from the costs written.
  Label* label = side.label.data();
  const uint32_t here = label[x].cost;
  const uint32_t* head = edges.head;
  const uint32_t* weight = edges.weight;
  const uint32_t end = edges.first[x + 1];
  for (uint32_t e = edges.first[x]; e < end; ++e) {
    const uint32_t w = weight[e];
    if (w >= infinite_weight) continue;
    const uint32_t y = head[e];
    // Written either way, without a branch: whether a cost improves is a coin toss the
    // predictor loses about half the time, and a mispredicted branch costs more than a store.
    const Label old = label[y];
    const bool better = here + w < old.cost;
    label[y] = {better ? here + w : old.cost, better ? x : old.from};
  }
}

void CchQuery::search(Search& side, const CchMetric& metric, std::span<const Seed> seeds,
                      bool upward) {
  prepare(side, metric, seeds, upward);
  const Edges edges = edges_of(metric, upward);
  for (uint32_t x : side.visited) {
    if (side.label[x].cost != unreachable) relax(side, edges, x);
  }
}

std::vector<uint32_t> CchQuery::many_to_one(const CchMetric& metric,
                                            std::span<const std::vector<Seed>> sources,
                                            std::span<const Seed> targets) {
  expects_metric_of(*cch_, metric);
  // Backward search: for each elimination-tree ancestor z of the targets, the cost z → target.
  search(backward_, metric, targets, false);
  // The union of the sources' ancestor chains; they share their tops, so this is far less than
  // one upward search per source.
  std::vector<uint32_t>& ancestors = forward_.visited;
  reset(forward_);
  std::vector<std::vector<CoreSeed>> core_sources(sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    expand_seeds(*cch_, metric, sources[i], true, core_sources[i]);
    for (const CoreSeed& seed : core_sources[i]) {
      list_ancestors(cch_->rank[seed.node], ancestors);
    }
  }
  // Top down, every upward neighbour of x is an ancestor of x, hence done already: the cost
  // x → target is the best of going down from x and going up first.
  std::sort(ancestors.begin(), ancestors.end(), std::greater<>());
  for (uint32_t x : ancestors) {
    node_flags_[x] &= ~listed_flag;
    uint64_t best = backward_.label[x].cost;
    for (uint32_t e = cch_->first_up[x]; e < cch_->first_up[x + 1]; ++e) {
      const uint32_t above = forward_.label[cch_->up_head[e]].cost;
      if (metric.up[e] >= infinite_weight || above == unreachable) continue;
      best = std::min<uint64_t>(best, uint64_t{metric.up[e]} + above);
    }
    forward_.label[x].cost = static_cast<uint32_t>(std::min<uint64_t>(best, unreachable));
  }
  std::vector<uint32_t> costs(sources.size(), unreachable);
  for (size_t i = 0; i < sources.size(); ++i) {
    for (const CoreSeed& seed : core_sources[i]) {
      const uint32_t rest = forward_.label[cch_->rank[seed.node]].cost;
      if (rest == unreachable) continue;
      costs[i] = static_cast<uint32_t>(std::min<uint64_t>(costs[i], uint64_t{seed.cost_ms} + rest));
    }
    for (const Seed& source : sources[i]) {
      for (const Seed& target : targets)
        costs[i] = std::min(costs[i], cost_within_chain(*cch_, metric, source, target));
    }
  }
  return costs;
}

// Unpacking a route reads each shortcut's legs from a random place. Where the unpacking table fits
// in the core's cache, one depth-first walk over the route's CCH edges ("tops", in driving order)
// is fastest. Where it does not (a 4 M-node network: 25 MB), that walk is bound by memory
// latency, and the route is unpacked in pieces side by side instead. Either way the route's
// leaves (network arcs and chain walks) come out in driving order.
void CchQuery::unpack(const CchMetric& metric, std::span<const uint32_t> tops,
                      std::vector<CchUnpacking>& leaves) {
  if (metric.unpacking.size() * sizeof(CchUnpacking) > side_by_side_above_) {
    unpack_side_by_side(metric, tops, leaves);
    return;
  }
  std::vector<uint32_t>& stack = unpack_stack_;
  stack.assign(tops.rbegin(), tops.rend());  // edge * 2 + upward: an index into metric.unpacking
  while (!stack.empty()) {
    const CchUnpacking how = metric.unpacking[stack.back()];
    stack.pop_back();
    if (!how.is_shortcut()) {
      leaves.push_back(how);
      continue;
    }
    stack.push_back(how.up_leg * 2 + 1);  // pushed first, driven second
    stack.push_back(how.down_leg * 2);
    // The second leg is read only after the whole first one: fetched meanwhile, it waits in cache.
    __builtin_prefetch(&metric.unpacking[how.up_leg * 2 + 1]);
  }
}

// The route in pieces, unpacked side by side, one step of each in turn, legs prefetched when
// pushed: while one piece's read is on its way, the others proceed. The pieces are the tops,
// replaced by their two legs, level by level, until there are enough. Pieces differ in size, so
// when few are left unfinished, each hands the bottom of its stack (the part it would drive last)
// to a new piece right after it in driving order. Each piece yields leaves in driving order.
void CchQuery::unpack_side_by_side(const CchMetric& metric, std::span<const uint32_t> tops,
                                   std::vector<CchUnpacking>& leaves) {
  constexpr size_t enough_pieces = 64;      // a core keeps about a dozen reads in flight
  std::vector<uint32_t>& pieces = pieces_;  // edge * 2 + upward
  pieces.assign(tops.begin(), tops.end());
  for (bool split = true; split && pieces.size() < enough_pieces;) {
    split = false;
    next_pieces_.clear();
    for (uint32_t piece : pieces) {
      const CchUnpacking how = metric.unpacking[piece];
      if (!how.is_shortcut()) {
        next_pieces_.push_back(piece);
        continue;
      }
      next_pieces_.push_back(how.down_leg * 2);
      next_pieces_.push_back(how.up_leg * 2 + 1);
      split = true;
    }
    std::swap(pieces, next_pieces_);
  }
  size_t lanes = 0;
  auto new_lane = [&](uint32_t piece, uint32_t next) {
    if (lane_stack_.size() <= lanes) {
      lane_stack_.resize(lanes + 1), lane_leaves_.resize(lanes + 1), lane_next_.resize(lanes + 1);
    }
    lane_stack_[lanes].assign(1, piece);
    lane_leaves_[lanes].clear();
    lane_next_[lanes] = next;
    __builtin_prefetch(&metric.unpacking[piece]);
    return static_cast<uint32_t>(lanes++);
  };
  active_lanes_.clear();
  for (size_t i = 0; i < pieces.size(); ++i) {
    active_lanes_.push_back(new_lane(pieces[i], i + 1 < pieces.size() ? i + 1 : invalid_id));
  }
  while (!active_lanes_.empty()) {
    size_t still_active = 0;
    for (const uint32_t i : active_lanes_) {
      std::vector<uint32_t>& stack = lane_stack_[i];
      const CchUnpacking how = metric.unpacking[stack.back()];
      stack.pop_back();
      if (!how.is_shortcut()) {
        lane_leaves_[i].push_back(how);
      } else {
        stack.push_back(how.up_leg * 2 + 1);
        stack.push_back(how.down_leg * 2);
        __builtin_prefetch(&metric.unpacking[how.up_leg * 2 + 1]);
        __builtin_prefetch(&metric.unpacking[how.down_leg * 2]);
      }
      if (!stack.empty()) active_lanes_[still_active++] = i;
    }
    active_lanes_.resize(still_active);
    if (active_lanes_.size() >= enough_pieces / 2) continue;
    for (size_t k = 0; k < active_lanes_.size() && active_lanes_.size() < enough_pieces; ++k) {
      const uint32_t i = active_lanes_[k];
      if (lane_stack_[i].size() < 2) continue;
      const uint32_t bottom = lane_stack_[i].front();
      lane_stack_[i].erase(lane_stack_[i].begin());
      lane_next_[i] = new_lane(bottom, lane_next_[i]);
      active_lanes_.push_back(lane_next_[i]);
    }
  }
  for (uint32_t i = lanes > 0 ? 0 : invalid_id; i != invalid_id; i = lane_next_[i])
    leaves.insert(leaves.end(), lane_leaves_[i].begin(), lane_leaves_[i].end());
}

// Appends the arcs of a leaf: a network arc as it is, a chain as the walk along it.
void CchQuery::append_leaf(const CchUnpacking& leaf, std::vector<uint32_t>& arcs) const {
  if (leaf.is_chain()) {
    append_walk(*cch_, leaf.down_leg, leaf.chain_to(), arcs);
    return;
  }
  if (leaf.down_leg == invalid_id) throw ContractViolation("CCH edge with no way through");
  arcs.push_back(leaf.down_leg);
}

// The seed (index into side.seeds) that x's cost comes from: the first of the cheapest seeds on the
// node where x's path starts. Found from the path, not carried in every label: one field fewer to
// read and write per relaxation.
uint32_t CchQuery::origin(const Search& side, uint32_t x) const {
  while (side.label[x].from != invalid_id) x = side.label[x].from;
  for (uint32_t i = 0; i < side.seeds.size(); ++i) {
    if (cch_->rank[side.seeds[i].node] == x && side.seeds[i].cost_ms == side.label[x].cost)
      return i;
  }
  throw ContractViolation("CchQuery: a search path that starts at no seed");
}

// The arcs from the source seed over `meeting` to the target seed (the seeds the meeting's two
// paths start from). Counted before they are written, so that `arcs` grows once: grown as they
// come, a 700-arc route was reallocated ten times.
void CchQuery::path_arcs(const CchMetric& metric, uint32_t meeting, const CoreSeed& source,
                         const CoreSeed& target, std::vector<uint32_t>& arcs) {
  // The route's CCH edges in driving order: up from the source (found from the meeting node
  // down, then reversed), then down to the target.
  std::vector<uint32_t>& tops = tops_;
  tops.clear();
  for (uint32_t x = meeting, from; (from = forward_.label[x].from) != invalid_id; x = from)
    tops.push_back(find_edge(*cch_, from, x) * 2 + 1);
  std::reverse(tops.begin(), tops.end());
  for (uint32_t x = meeting, from; (from = backward_.label[x].from) != invalid_id; x = from)
    tops.push_back(find_edge(*cch_, from, x) * 2);
  std::vector<CchUnpacking>& leaves = leaves_;
  leaves.clear();
  unpack(metric, tops, leaves);
  auto walk_arcs = [](uint32_t from, uint32_t to) { return from < to ? to - from : from - to; };
  size_t count =
      walk_arcs(source.from_slot, source.to_slot) + walk_arcs(target.from_slot, target.to_slot);
  for (const CchUnpacking& leaf : leaves)
    count += leaf.is_chain() ? walk_arcs(leaf.down_leg, leaf.chain_to()) : 1;
  arcs.reserve(arcs.size() + count);
  append_walk(*cch_, source.from_slot, source.to_slot, arcs);
  // No chain prefetched ahead here: on the island that made routes 5 % slower, and on 4 M nodes
  // it no longer helped once the arcs went straight out.
  for (const CchUnpacking& leaf : leaves) append_leaf(leaf, arcs);
  append_walk(*cch_, target.from_slot, target.to_slot, arcs);
}

// The node common to both searches where their costs add up least (cost_ms set), invalid_id if
// they share none that both reach.
uint32_t CchQuery::best_meeting(uint32_t& cost_ms) const {
  uint32_t meeting = invalid_id;
  auto f = forward_.visited.begin();
  auto b = backward_.visited.begin();
  while (f != forward_.visited.end() && b != backward_.visited.end()) {
    if (*f != *b) {
      *f < *b ? ++f : ++b;
      continue;
    }
    const uint64_t via = uint64_t{forward_.label[*f].cost} + backward_.label[*f].cost;
    if (via < cost_ms) cost_ms = static_cast<uint32_t>(via), meeting = *f;
    ++f, ++b;
  }
  return meeting;
}

PathResult CchQuery::shortest_path(const CchMetric& metric, std::span<const Seed> sources,
                                   std::span<const Seed> targets) {
  expects_metric_of(*cch_, metric);
  // Each search runs up its whole elimination-tree path, then they meet at the best common node.
  // Interleaved in rank order, the best meeting so far could prune nodes whose cost alone reaches
  // it, but that spared one node in nine on the island and cost a branch the predictor loses on
  // every step of the merge: two plain loops are faster.
  search(forward_, metric, sources, true);
  search(backward_, metric, targets, false);
  PathResult result;
  const uint32_t meeting = best_meeting(result.cost_ms);
  // Seeds inside one chain may do best by driving along it, never reaching the core.
  uint32_t within = invalid_id;  // source index * targets + target index
  for (uint32_t s = 0; s < sources.size(); ++s) {
    for (uint32_t t = 0; t < targets.size(); ++t) {
      const uint32_t cost = cost_within_chain(*cch_, metric, sources[s], targets[t]);
      if (cost < result.cost_ms)
        result.cost_ms = cost, within = s * static_cast<uint32_t>(targets.size()) + t;
    }
  }
  if (within != invalid_id) {
    result.source = within / static_cast<uint32_t>(targets.size());
    result.target = within % static_cast<uint32_t>(targets.size());
    append_walk(*cch_, cch_->node_slot[sources[result.source].node],
                cch_->node_slot[targets[result.target].node], result.arcs);
    return result;
  }
  if (meeting == invalid_id) return result;
  const CoreSeed& source = forward_.seeds[origin(forward_, meeting)];
  const CoreSeed& target = backward_.seeds[origin(backward_, meeting)];
  result.source = source.seed;
  result.target = target.seed;
  path_arcs(metric, meeting, source, target, result.arcs);
  return result;
}

namespace {
template <typename... Vectors>
size_t capacity_bytes(const Vectors&... vectors) {
  return (... + (vectors.capacity() * sizeof(typename Vectors::value_type)));
}
}  // namespace

uint64_t Cch::triangle_count() const {
  // Every pair of upward neighbours of x closes one lower triangle (chordality).
  uint64_t triangles = 0;
  for (uint32_t x = 0; x < node_count(); ++x) {
    const uint64_t degree = first_up[x + 1] - first_up[x];
    triangles += degree * (degree - (degree > 0 ? 1 : 0)) / 2;
  }
  return triangles;
}

size_t memory_bytes(const Cch& cch) {
  return capacity_bytes(cch.rank, cch.node_at_rank, cch.first_up, cch.up_head, cch.parent,
                        cch.first_down, cch.down_tail, cch.down_edge, cch.first_triangle,
                        cch.triangle_xy, cch.triangle_xz, cch.arc_edge, cch.arc_upward,
                        cch.first_chain_slot, cch.slot_node, cch.slot_forward_arc,
                        cch.slot_backward_arc, cch.slot_chain, cch.node_slot, cch.chain_edge,
                        cch.chain_upward, cch.arc_piece, cch.first_edge_leaf, cch.edge_leaf);
}

size_t memory_bytes(const CchMetric& metric) {
  size_t bytes = capacity_bytes(metric.arc_weight, metric.up, metric.down, metric.unpacking);
  for (const CchSearchGraph* graph : {&metric.up_search, &metric.down_search})
    bytes += capacity_bytes(graph->first_out, graph->head, graph->weight);
  return bytes;
}

}  // namespace siaga::routing
