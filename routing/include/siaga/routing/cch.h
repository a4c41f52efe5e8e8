// Customizable Contraction Hierarchy (Dibbelt, Strasser, Wagner 2016), after RoutingKit's split:
// `Cch` is the weight-free structure (nested-dissection order from METIS, chordal upward graph,
// elimination tree, downward lists), built once per road network; `CchMetric` is one weight
// vector customized onto it, in milliseconds; `CchQuery` answers point-to-point, one-to-all and
// many-to-one questions on a metric. A hazard or vehicle change is a new metric, never a rebuild.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "siaga/geodata/road_network.h"
#include "siaga/routing/dijkstra.h"

namespace siaga::routing {

struct CchOptions {
  // Lower triangles are stored (8 bytes each) up to this many, which makes a partial
  // customization read them instead of finding them (twice as fast on the island); beyond it,
  // on grid-like graphs where they grow as n^1.5, they are found while customizing.
  uint64_t max_stored_triangles = uint64_t{1} << 24;
};

struct Cch {
  // Node ids in the CCH are ranks of core nodes: 0 is contracted first, the top separator last.
  std::vector<uint32_t> rank;          // network node → rank (invalid_id inside a chain)
  std::vector<uint32_t> node_at_rank;  // rank → network node
  std::vector<uint32_t> first_up;      // per rank, CSR over upward edges (rank + 1 entries)
  std::vector<uint32_t> up_head;       // per edge, the higher endpoint's rank
  std::vector<uint32_t> parent;        // per rank, elimination tree parent (invalid_id at roots)
  // Per rank y, CSR over its lower neighbours x (ascending) and the edges (x, y): the lower
  // triangles {x, y, z} of an edge (y, z) are found from them while customizing, never stored.
  std::vector<uint32_t> first_down;
  std::vector<uint32_t> down_tail;
  std::vector<uint32_t> down_edge;
  // Per edge, CSR over its lower triangles {x, y, z} (x ascending): the edges (x, y) and (x, z).
  // Empty when there are more than CchOptions::max_stored_triangles.
  std::vector<uint32_t> first_triangle;
  std::vector<uint32_t> triangle_xy;
  std::vector<uint32_t> triangle_xz;
  // Network arc between two core nodes → CCH edge; invalid_id for self-loops and chain pieces.
  std::vector<uint32_t> arc_edge;
  std::vector<uint8_t> arc_upward;  // the arc runs from the lower to the higher rank

  // Degree-2 compression. A network node with exactly two neighbours (one arc at most each way
  // to each) lies inside a chain; only the chains' ends and the other nodes are core nodes and
  // get ranks. A chain is one CCH edge per direction, driven as the arcs of its pieces.
  std::vector<uint32_t> first_chain_slot;   // per chain, CSR into the slots (chain count + 1)
  std::vector<uint32_t> slot_node;          // per slot, the network node: end, interiors, end
  std::vector<uint32_t> slot_forward_arc;   // per slot but a chain's last: arc to the next slot
  std::vector<uint32_t> slot_backward_arc;  // per slot but a chain's last: arc from the next
  std::vector<uint32_t> slot_chain;         // per slot, its chain: a seed's, without a search
  std::vector<uint32_t> node_slot;          // network node → its slot if inside a chain
  std::vector<uint32_t> chain_edge;         // per chain, CCH edge between its ends (not loops)
  std::vector<uint8_t> chain_upward;        // per chain, its first end has the lower rank
  std::vector<uint32_t> arc_piece;  // network arc → 2 × slot, + 1 driven backward, if a piece

  // Per CCH edge, CSR over the leaves (see CchUnpacking) that drive it directly, by leaf id: what
  // a partial customization re-reads when an arc's weight changes.
  std::vector<uint32_t> first_edge_leaf;
  std::vector<uint32_t> edge_leaf;

  uint32_t node_count() const { return static_cast<uint32_t>(node_at_rank.size()); }
  uint32_t network_node_count() const { return static_cast<uint32_t>(rank.size()); }
  uint32_t edge_count() const { return static_cast<uint32_t>(up_head.size()); }
  uint64_t triangle_count() const;  // lower triangles, counted (customization's work)
  uint32_t chain_count() const { return static_cast<uint32_t>(chain_edge.size()); }

  // Nested-dissection order of the core by METIS; deterministic for a given network.
  static Cch build(const geodata::RoadNetwork& network, const CchOptions& options = {});
};

// How one direction of a CCH edge is driven, in one struct: one cache line per unpacking step.
// - A shortcut over a lower triangle: the CCH edge `down_leg` travelled downward, then `up_leg`
//   upward (edge ids are below 2^31).
// - A network arc: `down_leg` is its id, `up_leg` invalid_id.
// - A chain: driven from its slot `down_leg` to its slot `up_leg - chain_walk` (backward where
//   that is lower). Kept as slots, not as the chain's id: a route unpacks it without looking up
//   where the chain's slots are, one random read fewer per chain (a 4 M-node route has 1,200).
// - No way through: both invalid_id.
struct CchUnpacking {
  static constexpr uint32_t chain_walk = uint32_t{1} << 31;
  uint32_t down_leg;
  uint32_t up_leg;
  static CchUnpacking chain(uint32_t from_slot, uint32_t to_slot) {
    return {from_slot, chain_walk | to_slot};
  }
  bool is_shortcut() const { return up_leg < chain_walk; }
  bool is_chain() const { return up_leg != geodata::invalid_id && !is_shortcut(); }
  uint32_t chain_to() const { return up_leg - chain_walk; }  // the last slot; from is down_leg
};

// One direction of a customized CCH as the searches read it, CSR by lower endpoint: only the
// edges whose cost is the shortest between their endpoints (perfect customization). The others
// never lie on a shortest up-down path, so the searches need not relax them. A path's CCH edges
// are found again from its nodes (find_edge), not kept per search edge.
struct CchSearchGraph {
  std::vector<uint32_t> first_out;  // per rank, + 1; empty until built
  std::vector<uint32_t> head;
  std::vector<uint32_t> weight;
};

// Travel costs in both directions of every CCH edge, for one per-arc weight vector.
struct CchMetric {
  // The input, kept for route assembly and for walks along chains (which read it through the
  // CCH's slot arcs: a copy in slot order, per profile, cost more memory than its reads saved).
  std::vector<uint32_t> arc_weight;
  std::vector<uint32_t> up;    // lower → higher endpoint
  std::vector<uint32_t> down;  // higher → lower endpoint
  // What realises each direction of edge e, recorded while customizing: 2e downward, 2e + 1
  // upward. Interleaved because a shortcut's two legs (x, y) and (x, z) share their lower end x,
  // so both usually sit in one cache line: unpacking a long route is bound by these reads.
  std::vector<CchUnpacking> unpacking;
  // The edges the searches relax, each direction; where empty (a partial customization), they
  // relax every edge of the CCH.
  CchSearchGraph up_search;
  CchSearchGraph down_search;
};

// One weight per network arc (ContractViolation otherwise); weights may contain `blocked`,
// everything else must stay below 2^31 ms (~24 days).
CchMetric customize(const Cch& cch, std::span<const uint32_t> arc_weights);

// Drops from the searches every edge direction that a path over a higher node beats
// (RoutingKit's perfect witness search): fills `up_search` and `down_search`. The full
// customization does this itself.
void build_search_graphs(const Cch& cch, CchMetric& metric);

// The same result when only `changed_arcs` differ from `previous` (customized on this `cch`):
// only the CCH edges above those arcs are recomputed, in rank order, as far as their costs
// change (RoutingKit's partial customization).
CchMetric customize(const Cch& cch, const CchMetric& previous,
                    std::span<const uint32_t> arc_weights, std::span<const uint32_t> changed_arcs);
// The same, taking the new weights over instead of copying them.
CchMetric customize(const Cch& cch, const CchMetric& previous, std::vector<uint32_t> arc_weights,
                    std::span<const uint32_t> changed_arcs);

// A seed as the CCH sees it: a core node, the cost so far, the caller's seed it comes from, and
// the walk along a chain between that seed and the core node (none when from_slot == to_slot).
struct CoreSeed {
  uint32_t node;
  uint32_t cost_ms;
  uint32_t seed;
  uint32_t from_slot = 0;
  uint32_t to_slot = 0;
};

// Upward search spaces kept as bucket entries (rank → item, cost), CSR by rank.
struct Buckets {
  uint32_t item_count = 0;
  std::vector<uint32_t> first_entry;
  std::vector<uint32_t> entry_item;
  std::vector<uint32_t> entry_cost;
  // The items' seeds inside chains, by chain: a question from inside the same chain may be
  // answered best without leaving it.
  std::vector<uint32_t> chain_seed_chain;
  std::vector<uint32_t> chain_seed_item;
  std::vector<Seed> chain_seed;
};

// A query's workspace: keeps a pointer to `cch`, which must outlive it; every metric it is given
// must have been customized on that same `cch` (ContractViolation otherwise). One per thread.
class CchQuery {
 public:
  explicit CchQuery(const Cch& cch);

  // Same contract as Dijkstra::shortest_path.
  PathResult shortest_path(const CchMetric& metric, std::span<const Seed> sources,
                           std::span<const Seed> targets);

  // Routes are unpacked in pieces side by side (see cch.cpp) when the metric's unpacking table
  // is larger than this, depth first otherwise; tests set it to check one way against the other.
  void unpack_side_by_side_above(size_t table_bytes) { side_by_side_above_ = table_bytes; }

  // Cost from the sources to every network node (PHAST sweep), unreachable where none.
  std::vector<uint32_t> all_costs(const CchMetric& metric, std::span<const Seed> sources);
  // The same into `by_node` (resized), reusing its memory and the query's: for callers that
  // sweep thousands of times (station planning).
  void all_costs(const CchMetric& metric, std::span<const Seed> sources,
                 std::vector<uint32_t>& by_node);

  // Cost from each source (sources[i] are its seeds) to the targets: one backward search from
  // the targets, then one top-down sweep over the union of the sources' elimination-tree chains.
  // For sources that change between questions (moving units); ManyToOne keeps them when not.
  std::vector<uint32_t> many_to_one(const CchMetric& metric,
                                    std::span<const std::vector<Seed>> sources,
                                    std::span<const Seed> targets);

 private:
  friend class ManyToOne;
  friend class OneToMany;
  friend Buckets build_buckets(const Cch&, const CchMetric&, std::span<const std::vector<Seed>>,
                               bool);
  friend std::vector<uint32_t> scan_buckets(const Buckets&, const CchMetric&, std::span<const Seed>,
                                            bool, CchQuery&);
  // One node's state, together: a relaxation reads and writes one cache line, not two. The
  // CCH edge that reached a node is (from, node), looked up only for the route's few nodes; the
  // seed it comes from is where its path starts (origin()).
  struct Label {
    uint32_t cost = unreachable;
    uint32_t from = geodata::invalid_id;  // the rank the node was reached from; none at a seed
  };
  struct Search {
    std::vector<Label> label;  // by rank
    std::vector<uint32_t> visited;
    std::vector<CoreSeed> seeds;  // the caller's seeds on core nodes
  };
  // Seeds moved onto core nodes (sources drive out of their chain, targets are reached from its
  // ends), their costs set and their elimination-tree ancestors listed in rank order.
  void prepare(Search& side, const CchMetric& metric, std::span<const Seed> seeds, bool upward);
  // The edges a search relaxes, CSR by lower endpoint: the metric's search graph, or else every
  // CCH edge.
  struct Edges {
    const uint32_t* first;
    const uint32_t* head;
    const uint32_t* weight;
  };
  Edges edges_of(const CchMetric& metric, bool upward) const;
  // Relaxes the upward edges of rank x.
  void relax(Search& side, const Edges& edges, uint32_t x);
  // Upward elimination-tree search; `upward` chooses up (forward) or down (backward) weights.
  void search(Search& side, const CchMetric& metric, std::span<const Seed> seeds, bool upward);
  void reset(Search& side);
  // Appends the leaves (arcs and chain walks) of CCH edge directions `tops` (edge * 2 + upward),
  // in that order.
  void unpack(const CchMetric& metric, std::span<const uint32_t> tops,
              std::vector<CchUnpacking>& leaves);
  void unpack_side_by_side(const CchMetric& metric, std::span<const uint32_t> tops,
                           std::vector<CchUnpacking>& leaves);
  // Appends the arcs of a leaf (an arc or a chain walk; not a shortcut).
  void append_leaf(const CchUnpacking& leaf, std::vector<uint32_t>& arcs) const;
  // The index in side.seeds of the seed that x's path starts from.
  uint32_t origin(const Search& side, uint32_t x) const;
  // The cheapest node both searches reached (its cost in cost_ms), or invalid_id.
  uint32_t best_meeting(uint32_t& cost_ms) const;
  void path_arcs(const CchMetric& metric, uint32_t meeting, const CoreSeed& source,
                 const CoreSeed& target, std::vector<uint32_t>& arcs);
  // Appends x and its elimination-tree ancestors up to the first one listed already, marking them.
  void list_ancestors(uint32_t x, std::vector<uint32_t>& listed);
  // Lists the ancestors of at most few_seeds seeds, in rank order, without marking them.
  static constexpr size_t few_seeds = 4;
  void list_ancestors_of_few(Search& side);
  // Rank x's elimination-tree parent. Nested dissection numbers a separator's nodes in a row, each
  // the next one's child: most steps (83 % on the island) go to x + 1. Decided by a flag, a
  // predicted branch, a walk's next step need not wait for parent[x] to load.
  uint32_t parent_of(uint32_t x) const {
    return node_flags_[x] & parent_is_next ? x + 1 : cch_->parent[x];
  }

  const Cch* cch_;
  Search forward_;
  Search backward_;
  std::vector<uint32_t> sweep_;  // all_costs' costs by rank
  // Per node: listed_flag while it is in the search space being listed; parent_is_next when its
  // elimination-tree parent is the next node (fixed).
  static constexpr uint8_t listed_flag = 1;
  static constexpr uint8_t parent_is_next = 2;
  std::vector<uint8_t> node_flags_;
  std::vector<CchUnpacking> leaves_;             // path_arcs' leaves, reused
  std::vector<uint32_t> tops_;                   // path_arcs' CCH edges * 2 + upward, reused
  size_t side_by_side_above_ = size_t{1} << 20;  // this core's L2
  std::vector<uint32_t> unpack_stack_;           // edge * 2 + upward, depth first
  // unpack_side_by_side's pieces of the route, and per piece the edge directions still to
  // unpack and the leaves found.
  std::vector<uint32_t> pieces_;
  std::vector<uint32_t> next_pieces_;
  std::vector<std::vector<uint32_t>> lane_stack_;
  std::vector<std::vector<CchUnpacking>> lane_leaves_;
  std::vector<uint32_t> lane_next_;     // the piece after each in driving order; invalid_id: last
  std::vector<uint32_t> active_lanes_;  // the pieces not yet unpacked
};

// "Which of these sources reaches the target first": every source's upward search space is kept
// as bucket entries (ancestor → source, cost); a query is one backward search scanning buckets.
// Keeps a pointer to `metric`, which must outlive it.
class ManyToOne {
 public:
  // sources[i] are the seeds of source i (e.g. the two ends of a unit's snapped road).
  ManyToOne(const Cch& cch, const CchMetric& metric, std::span<const std::vector<Seed>> sources);

  // Cost from each source to the target seeds (unreachable where none).
  std::vector<uint32_t> costs_to(std::span<const Seed> targets, CchQuery& query) const;

 private:
  const CchMetric* metric_;
  Buckets buckets_;
};

// The mirror image: "how long from this station to each of these places". Keeps a pointer to
// `metric`, which must outlive it.
class OneToMany {
 public:
  OneToMany(const Cch& cch, const CchMetric& metric, std::span<const std::vector<Seed>> targets);

  // Cost from the source seeds to each target (unreachable where none).
  std::vector<uint32_t> costs_from(std::span<const Seed> sources, CchQuery& query) const;

 private:
  const CchMetric* metric_;
  Buckets buckets_;
};

// Bytes held by the structure and by one metric (vectors' capacities), for the memory report.
size_t memory_bytes(const Cch& cch);
size_t memory_bytes(const CchMetric& metric);

}  // namespace siaga::routing
