// Compressed sparse rows: the row (node) that owns entry `index` of a first-index array.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace siaga::routing {

inline uint32_t csr_row_of(const std::vector<uint32_t>& first, uint32_t index) {
  return static_cast<uint32_t>(std::upper_bound(first.begin(), first.end(), index) - first.begin() -
                               1);
}

}  // namespace siaga::routing
