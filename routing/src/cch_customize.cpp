// Customization: one per-arc weight vector onto the CCH structure, in full or, after a hazard
// toggle, only where weights changed.
#include <algorithm>
#include <bit>

#include "cch_internal.h"
#include "siaga/routing/cch.h"

namespace siaga::routing {

using geodata::invalid_id;

namespace {

uint32_t arc_count(const Cch& cch) {
  return static_cast<uint32_t>(cch.arc_edge.size());
}

// A network arc or a chain direction as a candidate for one direction of a CCH edge, with the
// unpacking that drives it (see CchUnpacking).
void offer_leaf(CchMetric& metric, uint32_t edge, bool upward, uint32_t weight,
                CchUnpacking driven) {
  weight = std::min(weight, infinite_weight);
  if (edge == invalid_id || weight >= infinite_weight) return;
  auto& best = upward ? metric.up : metric.down;
  if (weight < best[edge]) {
    best[edge] = weight;
    metric.unpacking[2 * edge + upward] = driven;
  }
}

// Offers leaf `leaf` (a network arc, or a chain driven one way) to the edge it drives.
void offer(const Cch& cch, CchMetric& metric, uint32_t leaf) {
  if (leaf < arc_count(cch)) {
    offer_leaf(metric, cch.arc_edge[leaf], cch.arc_upward[leaf], metric.arc_weight[leaf],
               {leaf, invalid_id});
    return;
  }
  const ChainWalk walk = chain_walk(cch, leaf);
  offer_leaf(metric, cch.chain_edge[walk.chain], walk.forward == bool(cch.chain_upward[walk.chain]),
             walk_cost(cch, metric, walk.from, walk.to), CchUnpacking::chain(walk.from, walk.to));
}

// The lower triangle {x, y, z} offered to edge yz: y → x → z up, z → x → y down. Its two legs have
// the lower endpoint x < y, so they are final when edges are completed in order of their lower
// endpoint. Two weights below 2^31 never overflow; a sum of infinite ones never beats infinite.
inline void relax_triangle(CchMetric& metric, uint32_t yz, uint32_t xy, uint32_t xz) {
  const uint32_t through_up = metric.down[xy] + metric.up[xz];
  if (through_up < metric.up[yz]) {
    metric.up[yz] = through_up;
    metric.unpacking[2 * yz + 1] = {xy, xz};
  }
  const uint32_t through_down = metric.down[xz] + metric.up[xy];
  if (through_down < metric.down[yz]) {
    metric.down[yz] = through_down;
    metric.unpacking[2 * yz] = {xz, xy};
  }
}

// Every edge, its leaves offered already, completed in order of its lower endpoint y: each lower
// neighbour x of y (ascending, so every edge meets its triangles in the same order as one edge
// recustomized alone) closes a triangle with each upward neighbour z of x above y. `edge_to[z]`
// holds the edge (y, z), which chordality guarantees.
void customize_all_edges(const Cch& cch, CchMetric& metric) {
  std::vector<uint32_t> edge_to(cch.node_count(), invalid_id);
  for (uint32_t y = 0; y < cch.node_count(); ++y) {
    for (uint32_t yz = cch.first_up[y]; yz < cch.first_up[y + 1]; ++yz) {
      edge_to[cch.up_head[yz]] = yz;
    }
    for (uint32_t k = cch.first_down[y]; k < cch.first_down[y + 1]; ++k) {
      const uint32_t x = cch.down_tail[k], xy = cch.down_edge[k];
      for (uint32_t xz = xy + 1; xz < cch.first_up[x + 1]; ++xz) {
        relax_triangle(metric, edge_to[cch.up_head[xz]], xy, xz);
      }
    }
  }
}

// One edge yz's lower triangles, stored or else the common lower neighbours x of y and z by one
// merge of their downward lists (both ascending; sequential reads, where a search per x would
// jump about). Both in order of x, as customize_all_edges meets them.
void customize_edge(const Cch& cch, CchMetric& metric, uint32_t yz) {
  if (!cch.first_triangle.empty()) {
    for (uint32_t t = cch.first_triangle[yz]; t < cch.first_triangle[yz + 1]; ++t) {
      relax_triangle(metric, yz, cch.triangle_xy[t], cch.triangle_xz[t]);
    }
    return;
  }
  const uint32_t y = csr_row_of(cch.first_up, yz), z = cch.up_head[yz];
  uint32_t j = cch.first_down[z];
  const uint32_t j_end = cch.first_down[z + 1];
  for (uint32_t k = cch.first_down[y]; k < cch.first_down[y + 1]; ++k) {
    const uint32_t x = cch.down_tail[k];
    while (j < j_end && cch.down_tail[j] < x) ++j;
    if (j == j_end) return;
    if (cch.down_tail[j] == x) relax_triangle(metric, yz, cch.down_edge[k], cch.down_edge[j]);
  }
}

// The CCH edge a changed arc drives directly: its own, or its chain's.
uint32_t edge_of_arc(const Cch& cch, uint32_t arc) {
  if (cch.arc_piece[arc] == invalid_id) return cch.arc_edge[arc];
  return cch.chain_edge[chain_of_slot(cch, cch.arc_piece[arc] / 2)];
}

// Edge yz again from its leaves and lower triangles. Returns which directions' costs changed:
// bit 1 up, bit 0 down (the bit is the direction's place in `unpacking`, 2 * yz + upward).
unsigned recustomize_edge(const Cch& cch, CchMetric& metric, uint32_t yz) {
  const uint32_t old_up = metric.up[yz];
  const uint32_t old_down = metric.down[yz];
  metric.up[yz] = metric.down[yz] = infinite_weight;
  metric.unpacking[2 * yz] = metric.unpacking[2 * yz + 1] = {invalid_id, invalid_id};
  for (uint32_t k = cch.first_edge_leaf[yz]; k < cch.first_edge_leaf[yz + 1]; ++k)
    offer(cch, metric, cch.edge_leaf[k]);
  customize_edge(cch, metric, yz);
  return (metric.up[yz] != old_up ? 2u : 0u) | (metric.down[yz] != old_down ? 1u : 0u);
}

// A bit per edge (or per edge direction), set as the partial customization goes.
struct Bits {
  std::vector<uint64_t> words;
  explicit Bits(size_t count) : words((count + 63) / 64, 0) {}
  void set(size_t i) { words[i / 64] |= uint64_t{1} << (i % 64); }
  bool test(size_t i) const { return (words[i / 64] >> (i % 64)) & 1; }
};

// When weights only grow, every cost can only grow, and a direction whose chosen leaf or lower
// triangle (`unpacking`) kept its cost keeps that cost and that choice: every candidate before
// it in the customization's order cost more, and still does. Such an edge needs no work.
// `changed` holds the edge directions changed so far, `leaf_changed` the edges whose leaves did.
bool keeps_its_costs(const CchMetric& metric, uint32_t yz, const Bits& changed,
                     const Bits& leaf_changed) {
  if (leaf_changed.test(yz)) return false;
  for (const size_t direction : {2 * size_t{yz}, 2 * size_t{yz} + 1}) {
    const CchUnpacking chosen = metric.unpacking[direction];
    // A leaf (unchanged, above) or no way at all: kept. A triangle: its legs' directions.
    if (!chosen.is_shortcut()) continue;
    if (changed.test(2 * size_t{chosen.down_leg}) || changed.test(2 * size_t{chosen.up_leg} + 1))
      return false;
  }
  return true;
}

// Edge yz = (x, a), x its lower endpoint, is a leg of the lower triangle {x, a, w} of edge (w, a)
// or (a, w), for every other upward neighbour w of x.
template <typename Enqueue>
void enqueue_dependents(const Cch& cch, uint32_t x, uint32_t yz, Enqueue enqueue) {
  const uint32_t a = cch.up_head[yz];
  // Below a, x's upward neighbours w are a's lower neighbours (chordality), and a's downward list
  // holds the edges (w, a) in order of w: one merge along it from the first w, where a search of
  // each w's upward list for a jumped about memory (a quarter of a partial customization).
  if (cch.first_up[x] < yz) {
    const auto tails = cch.down_tail.begin();
    auto k = std::lower_bound(tails + cch.first_down[a], tails + cch.first_down[a + 1],
                              cch.up_head[cch.first_up[x]]);
    for (uint32_t e = cch.first_up[x]; e < yz; ++e) {
      while (*k < cch.up_head[e]) ++k;
      enqueue(cch.down_edge[k - tails]);
    }
  }
  // Above a, x's upward neighbours are a's too (chordality): one merge along both lists.
  uint32_t aw = cch.first_up[a];
  for (uint32_t e = yz + 1; e < cch.first_up[x + 1]; ++e) {
    while (cch.up_head[aw] < cch.up_head[e]) ++aw;
    enqueue(aw);
  }
}

}  // namespace

CchMetric customize(const Cch& cch, std::span<const uint32_t> arc_weights) {
  expects(arc_weights.size() == arc_count(cch), "customize: one weight per network arc");
  CchMetric metric;
  metric.arc_weight.assign(arc_weights.begin(), arc_weights.end());
  const uint32_t m = cch.edge_count();
  metric.up.assign(m, infinite_weight);
  metric.down.assign(m, infinite_weight);
  metric.unpacking.assign(2 * size_t{m}, {invalid_id, invalid_id});
  // Leaves in id order, as a partial customization re-offers them edge by edge.
  const uint32_t leaves = arc_count(cch) + 2 * cch.chain_count();
  for (uint32_t leaf = 0; leaf < leaves; ++leaf) offer(cch, metric, leaf);
  if (cch.first_triangle.empty()) {
    customize_all_edges(cch, metric);
  } else {
    // Edges in CSR order have non-decreasing lower endpoints: both legs of every stored lower
    // triangle are final before the edge they improve.
    for (uint32_t yz = 0; yz < m; ++yz) customize_edge(cch, metric, yz);
  }
  build_search_graphs(cch, metric);
  return metric;
}

CchMetric customize(const Cch& cch, const CchMetric& previous,
                    std::span<const uint32_t> arc_weights, std::span<const uint32_t> changed_arcs) {
  return customize(cch, previous, std::vector<uint32_t>(arc_weights.begin(), arc_weights.end()),
                   changed_arcs);
}

CchMetric customize(const Cch& cch, const CchMetric& previous, std::vector<uint32_t> arc_weights,
                    std::span<const uint32_t> changed_arcs) {
  expects(arc_weights.size() == arc_count(cch), "customize: one weight per network arc");
  expects(
      previous.up.size() == cch.edge_count() && previous.arc_weight.size() == cch.arc_edge.size(),
      "customize: the previous metric is of this CCH");
  // Everything but the weights, which are the caller's (copying them too cost a third of a
  // toggle on the island).
  CchMetric metric{.arc_weight = std::move(arc_weights),
                   .up = previous.up,
                   .down = previous.down,
                   .unpacking = previous.unpacking,
                   .up_search = {},
                   .down_search = {}};
  // Dirty edges as a bitmap scanned once upward: an edge's dependents have a higher lower
  // endpoint, hence a higher id, so they are always ahead of the scan.
  Bits dirty(cch.edge_count());
  auto enqueue = [&](uint32_t edge) {
    if (edge != invalid_id) dirty.set(edge);
  };
  // A hazard switched on only slows or closes roads: then most dirty edges keep their costs.
  bool only_grown = true;
  Bits leaf_changed(cch.edge_count());
  for (uint32_t arc : changed_arcs) {
    expects(arc < arc_count(cch), "customize: a changed arc is a network arc");
    only_grown = only_grown && metric.arc_weight[arc] >= previous.arc_weight[arc];
    const uint32_t edge = edge_of_arc(cch, arc);
    if (edge == invalid_id) continue;
    dirty.set(edge);
    leaf_changed.set(edge);
  }
  Bits changed(2 * size_t{cch.edge_count()});
  uint32_t x = 0;  // the lower endpoint of the edge at hand: dirty edges of one row come together
  for (size_t word = 0; word < dirty.words.size(); ++word) {
    while (dirty.words[word] != 0) {
      const uint32_t yz = static_cast<uint32_t>(word * 64 + std::countr_zero(dirty.words[word]));
      dirty.words[word] &= dirty.words[word] - 1;
      if (only_grown && keeps_its_costs(metric, yz, changed, leaf_changed)) continue;
      if (yz >= cch.first_up[x + 1]) x = csr_row_of(cch.first_up, yz);
      const unsigned directions = recustomize_edge(cch, metric, yz);
      if (directions == 0) continue;
      if (directions & 1) changed.set(2 * size_t{yz});
      if (directions & 2) changed.set(2 * size_t{yz} + 1);
      enqueue_dependents(cch, x, yz, enqueue);
    }
  }
  return metric;
}

}  // namespace siaga::routing
