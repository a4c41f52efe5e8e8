// What the CCH's source files share: the internal "no edge" weight, finding an edge, and driving
// along the degree-2 chains that the CCH compresses away (what a walk between two slots of one
// chain costs and which arcs it takes, and seeds inside a chain turned into seeds at its two
// ends, the core nodes the CCH knows).
#pragma once

#include <iterator>
#include <span>
#include <vector>

#include "csr.h"
#include "siaga/routing/cch.h"

namespace siaga::routing {

// Weights at or above this are "no edge"; two of them still add up without overflow.
inline constexpr uint32_t infinite_weight = 0x7fffffff;

// The queries' check that a metric was customized on their CCH.
inline void expects_metric_of(const Cch& cch, const CchMetric& metric) {
  expects(metric.up.size() == cch.edge_count() && metric.arc_weight.size() == cch.arc_edge.size(),
          "CchQuery: a metric of this CCH");
}

// The CCH edge between ranks low < high, invalid_id if there is none. A binary search whose steps
// are conditional moves: each step of a branching one is a coin toss for the predictor.
inline uint32_t find_edge(const Cch& cch, uint32_t low, uint32_t high) {
  const uint32_t* head = cch.up_head.data();
  uint32_t first = cch.first_up[low];
  uint32_t count = cch.first_up[low + 1] - first;
  if (count == 0) return geodata::invalid_id;
  while (count > 1) {
    const uint32_t half = count / 2;
    first = head[first + half - 1] < high ? first + half : first;
    count -= half;
  }
  return head[first] == high ? first : geodata::invalid_id;
}

inline uint32_t chain_of_slot(const Cch& cch, uint32_t slot) {
  return cch.slot_chain[slot];
}

// A leaf at or above the network's arc count is a chain driven one way (see CchUnpacking): chain c
// forward is arc_count + 2c, backward arc_count + 2c + 1.
inline uint32_t chain_of_leaf(const Cch& cch, uint32_t leaf) {
  return (leaf - static_cast<uint32_t>(cch.arc_edge.size())) / 2;
}

// Such a leaf's walk, from slot `from` to slot `to` of its chain.
struct ChainWalk {
  uint32_t chain;
  bool forward;
  uint32_t from;
  uint32_t to;
};
inline ChainWalk chain_walk(const Cch& cch, uint32_t leaf) {
  const uint32_t chain = chain_of_leaf(cch, leaf);
  const bool forward = (leaf - static_cast<uint32_t>(cch.arc_edge.size())) % 2 == 0;
  const uint32_t first = cch.first_chain_slot[chain];
  const uint32_t last = cch.first_chain_slot[chain + 1] - 1;
  return {chain, forward, forward ? first : last, forward ? last : first};
}

// The weight of the piece from `slot` to the next slot (forward) or from the next slot back to
// `slot` (backward): `blocked` where that direction has no arc, and at a chain's last slot.
inline uint32_t piece_weight(const Cch& cch, const CchMetric& metric, uint32_t slot, bool forward) {
  const uint32_t arc = (forward ? cch.slot_forward_arc : cch.slot_backward_arc)[slot];
  return arc == geodata::invalid_id ? blocked : metric.arc_weight[arc];
}

// Cost of driving from slot `from` to slot `to` of the same chain, unreachable if a piece on the
// way has no arc that direction or is blocked.
inline uint32_t walk_cost(const Cch& cch, const CchMetric& metric, uint32_t from, uint32_t to) {
  uint64_t sum = 0;
  for (uint32_t slot = std::min(from, to); slot < std::max(from, to); ++slot) {
    const uint32_t weight = piece_weight(cch, metric, slot, from < to);
    if (weight == blocked) return unreachable;
    sum += weight;
  }
  return sum >= unreachable ? unreachable : static_cast<uint32_t>(sum);
}

// Appends the arcs of that walk in driving order.
inline void append_walk(const Cch& cch, uint32_t from, uint32_t to, std::vector<uint32_t>& arcs) {
  if (from < to) {
    arcs.insert(arcs.end(), cch.slot_forward_arc.begin() + from, cch.slot_forward_arc.begin() + to);
  } else if (from > to) {  // slots from - 1 down to `to`, reading backward
    arcs.insert(arcs.end(), std::make_reverse_iterator(cch.slot_backward_arc.begin() + from),
                std::make_reverse_iterator(cch.slot_backward_arc.begin() + to));
  }
}

// Seeds on core nodes are kept; a seed inside a chain becomes one seed at each end it can reach
// (as a source) or be reached from (as a target).
inline void expand_seeds(const Cch& cch, const CchMetric& metric, std::span<const Seed> seeds,
                         bool as_source, std::vector<CoreSeed>& out) {
  out.clear();
  for (uint32_t i = 0; i < seeds.size(); ++i) {
    expects(seeds[i].node < cch.network_node_count(), "CchQuery: every seed is a network node");
    const uint32_t slot = cch.node_slot[seeds[i].node];
    if (slot == geodata::invalid_id) {
      out.push_back({seeds[i].node, seeds[i].cost_ms, i});
      continue;
    }
    const uint32_t chain = chain_of_slot(cch, slot);
    for (uint32_t end : {cch.first_chain_slot[chain], cch.first_chain_slot[chain + 1] - 1}) {
      const uint32_t from = as_source ? slot : end;
      const uint32_t to = as_source ? end : slot;
      const uint32_t walk = walk_cost(cch, metric, from, to);
      if (walk == unreachable || uint64_t{walk} + seeds[i].cost_ms >= unreachable) continue;
      out.push_back({cch.slot_node[end], walk + seeds[i].cost_ms, i, from, to});
    }
  }
}

// The cheapest way from a source seed to a target seed inside the same chain without leaving
// it, unreachable when they are not in one chain.
inline uint32_t cost_within_chain(const Cch& cch, const CchMetric& metric, const Seed& source,
                                  const Seed& target) {
  const uint32_t from = cch.node_slot[source.node];
  const uint32_t to = cch.node_slot[target.node];
  if (from == geodata::invalid_id || to == geodata::invalid_id ||
      chain_of_slot(cch, from) != chain_of_slot(cch, to))
    return unreachable;
  const uint64_t cost =
      uint64_t{walk_cost(cch, metric, from, to)} + source.cost_ms + target.cost_ms;
  return cost >= unreachable ? unreachable : static_cast<uint32_t>(cost);
}

}  // namespace siaga::routing
