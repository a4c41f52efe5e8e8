// Strongly connected components (iterative Tarjan), used to keep the routable core of a graph.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace siaga::geodata::internal {

struct Components {
  uint32_t count = 0;
  std::vector<uint32_t> component;  // per node
  uint32_t largest() const;
};

Components strongly_connected_components(uint32_t node_count,
                                         const std::vector<std::pair<uint32_t, uint32_t>>& arcs);

}  // namespace siaga::geodata::internal
