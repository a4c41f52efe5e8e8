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
void perfect_costs(const Cch& cch, std::vector<uint32_t>& up, std::vector<uint32_t>& down) {
  const uint32_t* head = cch.up_head.data();
  for (uint32_t x = cch.node_count(); x-- > 0;) {
    const uint32_t end = cch.first_up[x + 1];
    for (uint32_t xa = cch.first_up[x]; xa < end; ++xa) {
      uint32_t ab = cch.first_up[head[xa]];
      for (uint32_t xb = xa + 1; xb < end; ++xb) {
        while (head[ab] < head[xb]) ++ab;  // a's upward list holds b
        // Costs stay below 2^31, so two of them add up without overflow.
        up[xa] = std::min(up[xa], up[xb] + down[ab]);
        down[xa] = std::min(down[xa], up[ab] + down[xb]);
        up[xb] = std::min(up[xb], up[xa] + up[ab]);
        down[xb] = std::min(down[xb], down[ab] + down[xa]);
      }
    }
  }
}

// The edges whose customized cost is also the perfect one, CSR by lower endpoint.
CchSearchGraph tight_edges(const Cch& cch, const std::vector<uint32_t>& customized,
                           const std::vector<uint32_t>& perfect) {
  CchSearchGraph graph;
  graph.first_out.reserve(cch.node_count() + 1);
  graph.first_out.push_back(0);
  for (uint32_t x = 0; x < cch.node_count(); ++x) {
    for (uint32_t e = cch.first_up[x]; e < cch.first_up[x + 1]; ++e) {
      if (customized[e] >= infinite_weight || perfect[e] != customized[e]) continue;
      graph.head.push_back(cch.up_head[e]);
      graph.weight.push_back(customized[e]);
      graph.edge.push_back(e);
    }
    graph.first_out.push_back(static_cast<uint32_t>(graph.head.size()));
  }
  for (auto* column : {&graph.head, &graph.weight, &graph.edge}) column->shrink_to_fit();
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
