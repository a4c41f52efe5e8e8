#include "internal/strongly_connected.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace siaga::geodata::internal {

uint32_t Components::largest() const {
  std::vector<uint32_t> sizes(count, 0);
  for (uint32_t c : component) ++sizes[c];
  return static_cast<uint32_t>(std::max_element(sizes.begin(), sizes.end()) - sizes.begin());
}

Components strongly_connected_components(uint32_t node_count,
                                         const std::vector<std::pair<uint32_t, uint32_t>>& arcs) {
  constexpr uint32_t unvisited = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> first_out(node_count + 1, 0);
  for (const auto& [tail, head] : arcs) ++first_out[tail + 1];
  std::partial_sum(first_out.begin(), first_out.end(), first_out.begin());
  std::vector<uint32_t> heads(arcs.size());
  std::vector<uint32_t> fill(first_out.begin(), first_out.end() - 1);
  for (const auto& [tail, head] : arcs) heads[fill[tail]++] = head;

  Components result;
  result.component.assign(node_count, unvisited);
  std::vector<uint32_t> index(node_count, unvisited), low(node_count, 0), next_arc(node_count, 0);
  std::vector<uint32_t> stack, call_stack;
  std::vector<bool> on_stack(node_count, false);
  uint32_t counter = 0;

  for (uint32_t root = 0; root < node_count; ++root) {
    if (index[root] != unvisited) continue;
    call_stack.push_back(root);
    index[root] = low[root] = counter++;
    next_arc[root] = first_out[root];
    stack.push_back(root);
    on_stack[root] = true;
    while (!call_stack.empty()) {
      const uint32_t v = call_stack.back();
      if (next_arc[v] < first_out[v + 1]) {
        const uint32_t w = heads[next_arc[v]++];
        if (index[w] == unvisited) {
          index[w] = low[w] = counter++;
          next_arc[w] = first_out[w];
          stack.push_back(w);
          on_stack[w] = true;
          call_stack.push_back(w);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      call_stack.pop_back();
      if (!call_stack.empty()) low[call_stack.back()] = std::min(low[call_stack.back()], low[v]);
      if (low[v] == index[v]) {
        uint32_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          result.component[w] = result.count;
        } while (w != v);
        ++result.count;
      }
    }
  }
  return result;
}

}  // namespace siaga::geodata::internal
