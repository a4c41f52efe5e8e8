// Perfect customization, used to thin the searches: after it every edge's cost is the shortest
// between its endpoints, and an edge whose customized cost was higher can never be on a shortest
// up-down path. Such edges are left out of the graphs the searches relax; on road networks that
// is most shortcuts, so a search's ancestors are reached over fewer edges, and many not at all.
#include "cch_internal.h"
#include "siaga/routing/cch.h"

namespace siaga::routing {

namespace {

// Every pair of upward edges (x, a), (x, b), a < b, of x closes the triangle {x, a, b} with the
// edge (a, b) (chordality), whose lower endpoint a is above x. Top down, that edge is perfect
// already, and after x's pairs each of x's edges is too: a shortest path x → a over higher nodes
// leaves x by some upward edge (x, v) and goes on to a over nodes above x, i.e. the edge (v, a).
void perfect_costs(const Cch& cch, std::vector<uint32_t>& up_costs,
                   std::vector<uint32_t>& down_costs) {
  // Plain pointers, and (x, a)'s costs in registers: the compiler cannot tell the arrays apart.
  const uint32_t* head = cch.up_head.data();
  uint32_t* up = up_costs.data();
  uint32_t* down = down_costs.data();
  for (uint32_t x = cch.node_count(); x-- > 0;) {
    const uint32_t end = cch.first_up[x + 1];
    for (uint32_t xa = cch.first_up[x]; xa < end; ++xa) {
      uint32_t ab = cch.first_up[head[xa]];
      uint32_t up_xa = up[xa], down_xa = down[xa];
      for (uint32_t xb = xa + 1; xb < end; ++xb) {
        while (head[ab] < head[xb]) ++ab;  // a's upward list holds b
        // Costs stay below 2^31, so two of them add up without overflow.
        const uint32_t up_ab = up[ab], down_ab = down[ab];
        up_xa = std::min(up_xa, up[xb] + down_ab);
        down_xa = std::min(down_xa, up_ab + down[xb]);
        up[xb] = std::min(up[xb], up_xa + up_ab);
        down[xb] = std::min(down[xb], down_ab + down_xa);
      }
      up[xa] = up_xa;
      down[xa] = down_xa;
    }
  }
}

// The edges whose customized cost is also the perfect one, CSR by lower endpoint.
CchSearchGraph tight_edges(const Cch& cch, const std::vector<uint32_t>& customized,
                           const std::vector<uint32_t>& perfect) {
  auto tight = [&](uint32_t e) {
    return customized[e] < infinite_weight && perfect[e] == customized[e];
  };
  CchSearchGraph graph;
  graph.first_out.resize(cch.node_count() + 1);
  uint32_t kept = 0;
  for (uint32_t x = 0; x < cch.node_count(); ++x) {
    graph.first_out[x] = kept;
    for (uint32_t e = cch.first_up[x]; e < cch.first_up[x + 1]; ++e) kept += tight(e);
  }
  graph.first_out[cch.node_count()] = kept;
  graph.head.resize(kept);
  graph.weight.resize(kept);
  for (uint32_t e = 0, k = 0; e < cch.edge_count(); ++e) {
    if (!tight(e)) continue;
    graph.head[k] = cch.up_head[e];
    graph.weight[k++] = customized[e];
  }
  return graph;
}

}  // namespace

void build_search_graphs(const Cch& cch, CchMetric& metric) {
  std::vector<uint32_t> up = metric.up;
  std::vector<uint32_t> down = metric.down;
  perfect_costs(cch, up, down);
  metric.up_search = tight_edges(cch, metric.up, up);
  metric.down_search = tight_edges(cch, metric.down, down);
}

}  // namespace siaga::routing
