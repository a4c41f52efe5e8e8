// Building the weight-free CCH structure: degree-2 chains compressed away, a nested-dissection
// order of what remains (the core), its chordal completion, elimination tree and downward lists.
#include <metis.h>

#include <algorithm>
#include <numeric>

#include "cch_internal.h"
#include "siaga/routing/cch.h"

namespace siaga::routing {

using geodata::invalid_id;

namespace {

void sort_and_deduplicate(std::vector<std::vector<uint32_t>>& lists) {
  for (auto& list : lists) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
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
  sort_and_deduplicate(neighbours);
  return neighbours;
}

uint32_t arcs_between(const geodata::RoadNetwork& network, uint32_t from, uint32_t to,
                      uint32_t& last_arc) {
  uint32_t count = 0;
  for (uint32_t arc = network.first_out[from]; arc < network.first_out[from + 1]; ++arc) {
    if (network.arc_head[arc] == to) ++count, last_arc = arc;
  }
  return count;
}

// The one arc from `from` to `to`, invalid_id if there is none.
uint32_t arc_between(const geodata::RoadNetwork& network, uint32_t from, uint32_t to) {
  uint32_t arc = invalid_id;
  arcs_between(network, from, to, arc);
  return arc;
}

// Inside a chain: two neighbours, no self-loop, and at most one arc each way to each neighbour
// (parallel arcs could differ under hazards, so a piece must be one arc per direction).
bool chain_interior(const geodata::RoadNetwork& network,
                    const std::vector<std::vector<uint32_t>>& neighbours, uint32_t v) {
  if (neighbours[v].size() != 2) return false;
  uint32_t unused = invalid_id;
  if (arcs_between(network, v, v, unused) != 0) return false;
  for (uint32_t w : neighbours[v]) {
    if (arcs_between(network, v, w, unused) > 1 || arcs_between(network, w, v, unused) > 1)
      return false;
  }
  return true;
}

// Walks from core node `end` through its interior neighbour `first` to the next core node,
// appending one chain's slots and pieces.
void walk_chain(const geodata::RoadNetwork& network,
                const std::vector<std::vector<uint32_t>>& neighbours,
                const std::vector<uint8_t>& interior, uint32_t end, uint32_t first, Cch& cch) {
  uint32_t previous = end;
  uint32_t at = first;
  cch.slot_node.push_back(end);
  while (interior[at]) {
    cch.node_slot[at] = static_cast<uint32_t>(cch.slot_node.size());
    cch.slot_node.push_back(at);
    const uint32_t next = neighbours[at][0] == previous ? neighbours[at][1] : neighbours[at][0];
    previous = at;
    at = next;
  }
  cch.slot_node.push_back(at);
  // A chain walk's unpacking keeps its slots in 31 bits (CchUnpacking).
  if (cch.slot_node.size() >= CchUnpacking::chain_walk)
    throw Error("the CCH would have more than 2^31 chain slots");
  const uint32_t first_slot = cch.first_chain_slot.back();
  const uint32_t end_slot = static_cast<uint32_t>(cch.slot_node.size());
  cch.slot_forward_arc.resize(end_slot, invalid_id);
  cch.slot_backward_arc.resize(end_slot, invalid_id);
  cch.slot_chain.resize(end_slot, static_cast<uint32_t>(cch.first_chain_slot.size() - 1));
  for (uint32_t slot = first_slot; slot + 1 < end_slot; ++slot) {
    cch.slot_forward_arc[slot] = arc_between(network, cch.slot_node[slot], cch.slot_node[slot + 1]);
    cch.slot_backward_arc[slot] =
        arc_between(network, cch.slot_node[slot + 1], cch.slot_node[slot]);
  }
  cch.first_chain_slot.push_back(end_slot);
}

// Finds every chain; returns which nodes are inside one. A ring with no other node is cut at its
// lowest node, which becomes a core node.
std::vector<uint8_t> compress_chains(const geodata::RoadNetwork& network,
                                     const std::vector<std::vector<uint32_t>>& neighbours,
                                     Cch& cch) {
  const uint32_t n = network.node_count();
  std::vector<uint8_t> interior(n);
  for (uint32_t v = 0; v < n; ++v) interior[v] = chain_interior(network, neighbours, v);
  cch.node_slot.assign(n, invalid_id);
  cch.first_chain_slot.assign(1, 0);
  auto walk_from = [&](uint32_t v) {
    for (uint32_t w : neighbours[v]) {
      if (interior[w] && cch.node_slot[w] == invalid_id)
        walk_chain(network, neighbours, interior, v, w, cch);
    }
  };
  for (uint32_t v = 0; v < n; ++v) {
    if (!interior[v]) walk_from(v);
  }
  for (uint32_t v = 0; v < n; ++v) {
    if (interior[v] && cch.node_slot[v] == invalid_id) {
      interior[v] = 0;
      walk_from(v);
    }
  }
  // Grown chain by chain: up to twice their size in capacity, kept for the engine's life.
  for (auto* slots : {&cch.first_chain_slot, &cch.slot_node, &cch.slot_forward_arc,
                      &cch.slot_backward_arc, &cch.slot_chain})
    slots->shrink_to_fit();
  return interior;
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
  // Edge ids are 32-bit, and the query's unpacking keeps edge * 2 + direction in one word.
  uint64_t edges = 0;
  for (const auto& list : up) edges += list.size();
  if (edges >= (uint64_t{1} << 31))
    throw Error("the CCH would have " + std::to_string(edges) + " edges, more than 2^31");
  cch.first_up.assign(n + 1, 0);
  for (uint32_t x = 0; x < n; ++x) cch.first_up[x + 1] = cch.first_up[x] + up[x].size();
  cch.up_head.reserve(cch.first_up[n]);
  for (uint32_t x = 0; x < n; ++x)
    cch.up_head.insert(cch.up_head.end(), up[x].begin(), up[x].end());
}

// Every node's lower neighbours x (CSR, x ascending) with the edge (x, y): customization finds an
// edge's lower triangles from them on the fly instead of storing them, which on grid-like graphs
// (n^1.5 triangles) was most of the engine's memory.
void build_downward_lists(Cch& cch) {
  const uint32_t n = cch.node_count();
  cch.first_down.assign(n + 1, 0);
  for (const uint32_t y : cch.up_head) ++cch.first_down[y + 1];
  std::partial_sum(cch.first_down.begin(), cch.first_down.end(), cch.first_down.begin());
  cch.down_tail.resize(cch.edge_count());
  cch.down_edge.resize(cch.edge_count());
  std::vector<uint32_t> fill(cch.first_down.begin(), cch.first_down.end() - 1);
  for (uint32_t x = 0; x < n; ++x) {
    for (uint32_t xy = cch.first_up[x]; xy < cch.first_up[x + 1]; ++xy) {
      const uint32_t slot = fill[cch.up_head[xy]]++;
      cch.down_tail[slot] = x;
      cch.down_edge[slot] = xy;
    }
  }
}

// Lower triangles of every edge, grouped by edge (CSR) in order of x, as customize_edge meets them
// when merging: a partial customization reads an edge's triangles instead of searching for them
// (2× faster on the island), where their memory is affordable.
void build_triangles(Cch& cch) {
  // Two passes over the same enumeration (count, then place), so nothing but the result is held.
  auto each_triangle = [&](auto&& visit) {
    for (uint32_t x = 0; x < cch.node_count(); ++x) {
      for (uint32_t xy = cch.first_up[x]; xy < cch.first_up[x + 1]; ++xy) {
        uint32_t yz = cch.first_up[cch.up_head[xy]];  // walks y's upward edges alongside x's
        for (uint32_t xz = xy + 1; xz < cch.first_up[x + 1]; ++xz) {
          while (cch.up_head[yz] < cch.up_head[xz]) ++yz;  // chordality: (y, z) exists
          visit(yz, xy, xz);
        }
      }
    }
  };
  cch.first_triangle.assign(cch.edge_count() + 1, 0);
  each_triangle([&](uint32_t yz, uint32_t, uint32_t) { ++cch.first_triangle[yz + 1]; });
  std::partial_sum(cch.first_triangle.begin(), cch.first_triangle.end(),
                   cch.first_triangle.begin());
  cch.triangle_xy.resize(cch.first_triangle.back());
  cch.triangle_xz.resize(cch.first_triangle.back());
  std::vector<uint32_t> fill(cch.first_triangle.begin(), cch.first_triangle.end() - 1);
  each_triangle([&](uint32_t yz, uint32_t xy, uint32_t xz) {
    cch.triangle_xy[fill[yz]] = xy;
    cch.triangle_xz[fill[yz]++] = xz;
  });
}

// Neighbour lists of the core by core id: direct arcs between core nodes, and chains' ends.
std::vector<std::vector<uint32_t>> core_neighbours(
    const Cch& cch, const std::vector<std::vector<uint32_t>>& neighbours,
    const std::vector<uint32_t>& core_id) {
  std::vector<std::vector<uint32_t>> core(cch.node_at_rank.size());
  for (uint32_t v = 0; v < core_id.size(); ++v) {
    if (core_id[v] == invalid_id) continue;
    for (uint32_t w : neighbours[v]) {
      if (core_id[w] != invalid_id) core[core_id[v]].push_back(core_id[w]);
    }
  }
  for (uint32_t chain = 0; chain + 1 < cch.first_chain_slot.size(); ++chain) {
    const uint32_t a = core_id[cch.slot_node[cch.first_chain_slot[chain]]];
    const uint32_t b = core_id[cch.slot_node[cch.first_chain_slot[chain + 1] - 1]];
    if (a == b) continue;  // a loop back to its own end: no core edge
    core[a].push_back(b);
    core[b].push_back(a);
  }
  sort_and_deduplicate(core);
  return core;
}

// Each network arc between two core nodes, and each chain, onto the CCH edge it drives.
void map_arcs_and_chains(const geodata::RoadNetwork& network, Cch& cch) {
  cch.arc_edge.assign(network.arc_count(), invalid_id);
  cch.arc_upward.assign(network.arc_count(), 0);
  for (uint32_t u = 0; u < network.node_count(); ++u) {
    for (uint32_t arc = network.first_out[u]; arc < network.first_out[u + 1]; ++arc) {
      const uint32_t a = cch.rank[u];
      const uint32_t b = cch.rank[network.arc_head[arc]];
      if (a == b || a == invalid_id || b == invalid_id) continue;
      cch.arc_edge[arc] = find_edge(cch, std::min(a, b), std::max(a, b));
      cch.arc_upward[arc] = a < b;
    }
  }
  const uint32_t chains = static_cast<uint32_t>(cch.first_chain_slot.size() - 1);
  cch.chain_edge.assign(chains, invalid_id);
  cch.chain_upward.assign(chains, 0);
  for (uint32_t chain = 0; chain < chains; ++chain) {
    const uint32_t a = cch.rank[cch.slot_node[cch.first_chain_slot[chain]]];
    const uint32_t b = cch.rank[cch.slot_node[cch.first_chain_slot[chain + 1] - 1]];
    if (a == b) continue;
    cch.chain_edge[chain] = find_edge(cch, std::min(a, b), std::max(a, b));
    cch.chain_upward[chain] = a < b;
  }
  cch.arc_piece.assign(network.arc_count(), invalid_id);
  for (uint32_t slot = 0; slot < cch.slot_node.size(); ++slot) {
    if (cch.slot_forward_arc[slot] != invalid_id)
      cch.arc_piece[cch.slot_forward_arc[slot]] = 2 * slot;
    if (cch.slot_backward_arc[slot] != invalid_id)
      cch.arc_piece[cch.slot_backward_arc[slot]] = 2 * slot + 1;
  }
}

// Leaves by edge, in leaf id order (arcs, then chains): the order a full customization offers
// them in, so that a partial one picks the same leaf among equals.
void group_leaves_by_edge(Cch& cch) {
  const uint32_t arcs = static_cast<uint32_t>(cch.arc_edge.size());
  std::vector<std::pair<uint32_t, uint32_t>> leaves;  // edge, leaf
  for (uint32_t arc = 0; arc < arcs; ++arc) {
    if (cch.arc_edge[arc] != invalid_id) leaves.push_back({cch.arc_edge[arc], arc});
  }
  for (uint32_t chain = 0; chain < cch.chain_count(); ++chain) {
    if (cch.chain_edge[chain] == invalid_id) continue;
    leaves.push_back({cch.chain_edge[chain], arcs + 2 * chain});
    leaves.push_back({cch.chain_edge[chain], arcs + 2 * chain + 1});
  }
  std::stable_sort(leaves.begin(), leaves.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  cch.first_edge_leaf.assign(cch.edge_count() + 1, 0);
  for (const auto& [edge, leaf] : leaves) ++cch.first_edge_leaf[edge + 1];
  std::partial_sum(cch.first_edge_leaf.begin(), cch.first_edge_leaf.end(),
                   cch.first_edge_leaf.begin());
  cch.edge_leaf.reserve(leaves.size());
  for (const auto& [edge, leaf] : leaves) cch.edge_leaf.push_back(leaf);
}

}  // namespace

Cch Cch::build(const geodata::RoadNetwork& network, const CchOptions& options) {
  Cch cch;
  const std::vector<std::vector<uint32_t>> neighbours = undirected_neighbours(network);
  const std::vector<uint8_t> interior = compress_chains(network, neighbours, cch);
  const uint32_t n = network.node_count();
  std::vector<uint32_t> core_id(n, invalid_id);
  std::vector<uint32_t> core_node;  // core id → network node
  for (uint32_t v = 0; v < n; ++v) {
    if (interior[v]) continue;
    core_id[v] = static_cast<uint32_t>(core_node.size());
    core_node.push_back(v);
  }
  cch.node_at_rank.resize(core_node.size());
  const std::vector<std::vector<uint32_t>> core = core_neighbours(cch, neighbours, core_id);
  const std::vector<uint32_t> core_rank = nested_dissection_rank(core);
  cch.rank.assign(n, invalid_id);
  for (uint32_t c = 0; c < core_node.size(); ++c) {
    cch.rank[core_node[c]] = core_rank[c];
    cch.node_at_rank[core_rank[c]] = core_node[c];
  }
  std::vector<std::vector<uint32_t>> up(core_node.size());
  for (uint32_t c = 0; c < core_node.size(); ++c) {
    for (uint32_t d : core[c]) {
      if (core_rank[d] > core_rank[c]) up[core_rank[c]].push_back(core_rank[d]);
    }
  }
  for (auto& list : up) std::sort(list.begin(), list.end());
  build_upward_graph(cch, std::move(up));
  build_downward_lists(cch);
  if (cch.triangle_count() <= options.max_stored_triangles) build_triangles(cch);
  map_arcs_and_chains(network, cch);
  group_leaves_by_edge(cch);
  return cch;
}

}  // namespace siaga::routing
