// Customization: one per-arc weight vector onto the CCH structure, in full or, after a hazard
// toggle, only where weights changed.
#include <bit>

#include "cch_internal.h"
#include "siaga/routing/cch.h"

namespace siaga::routing {

using geodata::invalid_id;

namespace {

uint32_t arc_count(const Cch& cch) {
  return static_cast<uint32_t>(cch.arc_edge.size());
}

// A network arc or a chain direction as a candidate for one direction of a CCH edge.
void offer_leaf(CchMetric& metric, uint32_t edge, bool upward, uint32_t weight, uint32_t leaf) {
  weight = std::min(weight, infinite_weight);
  if (edge == invalid_id || weight >= infinite_weight) return;
  auto& best = upward ? metric.up : metric.down;
  if (weight < best[edge]) {
    best[edge] = weight;
    (upward ? metric.up_unpacking : metric.down_unpacking)[edge] = {leaf, invalid_id};
  }
}

// Offers leaf `leaf` (a network arc, or a chain driven one way) to the edge it drives.
void offer(const Cch& cch, CchMetric& metric, uint32_t leaf) {
  if (leaf < arc_count(cch)) {
    offer_leaf(metric, cch.arc_edge[leaf], cch.arc_upward[leaf], metric.arc_weight[leaf], leaf);
    return;
  }
  const uint32_t chain = (leaf - arc_count(cch)) / 2;
  const bool forward = (leaf - arc_count(cch)) % 2 == 0;
  const uint32_t first = cch.first_chain_slot[chain];
  const uint32_t last = cch.first_chain_slot[chain + 1] - 1;
  offer_leaf(metric, cch.chain_edge[chain], forward == bool(cch.chain_upward[chain]),
             forward ? walk_cost(metric, first, last) : walk_cost(metric, last, first), leaf);
}

// Each chain piece's weight both ways, in slot order.
void set_slot_weights(const Cch& cch, CchMetric& metric) {
  auto weight_of = [&](uint32_t arc) {
    return arc == invalid_id ? blocked : metric.arc_weight[arc];
  };
  const size_t slots = cch.slot_node.size();
  metric.slot_forward_weight.resize(slots);
  metric.slot_backward_weight.resize(slots);
  for (size_t slot = 0; slot < slots; ++slot) {
    metric.slot_forward_weight[slot] = weight_of(cch.slot_forward_arc[slot]);
    metric.slot_backward_weight[slot] = weight_of(cch.slot_backward_arc[slot]);
  }
}

// Edge yz, its leaves offered already: the best of them and of every lower triangle, whose two
// edges have lower endpoints below y and so are final.
void customize_edge(const Cch& cch, CchMetric& metric, uint32_t yz) {
  uint32_t* up = metric.up.data();
  uint32_t* down = metric.down.data();
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

// The CCH edge a changed arc drives directly: its own, or its chain's.
uint32_t edge_of_arc(const Cch& cch, uint32_t arc) {
  if (cch.arc_piece[arc] == invalid_id) return cch.arc_edge[arc];
  return cch.chain_edge[chain_of_slot(cch, cch.arc_piece[arc] / 2)];
}

// Edge yz again from its leaves and lower triangles; whether its cost changed either way.
bool recustomize_edge(const Cch& cch, CchMetric& metric, uint32_t yz) {
  const uint32_t old_up = metric.up[yz];
  const uint32_t old_down = metric.down[yz];
  metric.up[yz] = metric.down[yz] = infinite_weight;
  metric.up_unpacking[yz] = metric.down_unpacking[yz] = {invalid_id, invalid_id};
  for (uint32_t k = cch.first_edge_leaf[yz]; k < cch.first_edge_leaf[yz + 1]; ++k)
    offer(cch, metric, cch.edge_leaf[k]);
  customize_edge(cch, metric, yz);
  return metric.up[yz] != old_up || metric.down[yz] != old_down;
}

// Edge (x, a) is a leg of the lower triangle {x, a, w} of edge (w, a) or (a, w), for every other
// upward neighbour w of x.
template <typename Enqueue>
void enqueue_dependents(const Cch& cch, uint32_t yz, Enqueue enqueue) {
  const uint32_t x = csr_row_of(cch.first_up, yz);
  const uint32_t a = cch.up_head[yz];
  for (uint32_t e = cch.first_up[x]; e < yz; ++e) enqueue(find_edge(cch, cch.up_head[e], a));
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
  metric.up_unpacking.assign(m, {invalid_id, invalid_id});
  metric.down_unpacking.assign(m, {invalid_id, invalid_id});
  set_slot_weights(cch, metric);
  // Leaves in id order, as a partial customization re-offers them edge by edge.
  const uint32_t leaves = arc_count(cch) + 2 * cch.chain_count();
  for (uint32_t leaf = 0; leaf < leaves; ++leaf) offer(cch, metric, leaf);
  // Edges in CSR order have non-decreasing lower endpoints, so both edges of every lower
  // triangle are final before the edge they improve.
  for (uint32_t yz = 0; yz < m; ++yz) customize_edge(cch, metric, yz);
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
  expects(previous.up.size() == cch.edge_count() &&
              previous.slot_forward_weight.size() == cch.slot_node.size(),
          "customize: the previous metric is of this CCH");
  // Everything but the weights, which are the caller's (copying them too cost a third of a
  // toggle on the island).
  CchMetric metric{.arc_weight = std::move(arc_weights),
                   .up = previous.up,
                   .down = previous.down,
                   .up_unpacking = previous.up_unpacking,
                   .down_unpacking = previous.down_unpacking,
                   .slot_forward_weight = previous.slot_forward_weight,
                   .slot_backward_weight = previous.slot_backward_weight};
  // Dirty edges as a bitmap scanned once upward: an edge's dependents have a higher lower
  // endpoint, hence a higher id, so they are always ahead of the scan.
  std::vector<uint64_t> dirty((cch.edge_count() + 63) / 64, 0);
  auto enqueue = [&](uint32_t edge) {
    if (edge != invalid_id) dirty[edge / 64] |= uint64_t{1} << (edge % 64);
  };
  for (uint32_t arc : changed_arcs) {
    expects(arc < arc_count(cch), "customize: a changed arc is a network arc");
    if (const uint32_t piece = cch.arc_piece[arc]; piece != invalid_id) {
      (piece % 2 ? metric.slot_backward_weight : metric.slot_forward_weight)[piece / 2] =
          metric.arc_weight[arc];
    }
    enqueue(edge_of_arc(cch, arc));
  }
  for (size_t word = 0; word < dirty.size(); ++word) {
    while (dirty[word] != 0) {
      const uint32_t yz = static_cast<uint32_t>(word * 64 + std::countr_zero(dirty[word]));
      dirty[word] &= dirty[word] - 1;
      if (recustomize_edge(cch, metric, yz)) enqueue_dependents(cch, yz, enqueue);
    }
  }
  return metric;
}

}  // namespace siaga::routing
