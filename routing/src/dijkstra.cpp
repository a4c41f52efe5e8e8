#include "siaga/routing/dijkstra.h"

#include <algorithm>
#include <functional>

#include "csr.h"

namespace siaga::routing {

using geodata::invalid_id;

Dijkstra::Dijkstra(const geodata::RoadNetwork& network)
    : network_(&network),
      cost_(network.node_count(), unreachable),
      parent_arc_(network.node_count(), invalid_id),
      origin_(network.node_count(), invalid_id) {}

void Dijkstra::reset() {
  for (uint32_t node : touched_) {
    cost_[node] = unreachable;
    parent_arc_[node] = invalid_id;
    origin_[node] = invalid_id;
  }
  touched_.clear();
  queue_.clear();
}

void Dijkstra::seed(std::span<const Seed> sources) {
  reset();
  for (uint32_t i = 0; i < sources.size(); ++i) {
    const Seed& source = sources[i];
    if (source.cost_ms >= cost_[source.node]) continue;
    if (cost_[source.node] == unreachable) touched_.push_back(source.node);
    cost_[source.node] = source.cost_ms;
    origin_[source.node] = i;
    queue_.push_back({source.cost_ms, source.node});
    std::push_heap(queue_.begin(), queue_.end(), std::greater<>());
  }
}

uint32_t Dijkstra::tail_of(uint32_t arc) const {
  return csr_row_of(network_->first_out, arc);
}

void Dijkstra::relax_from(uint32_t node, std::span<const uint32_t> weights) {
  const uint32_t node_cost = cost_[node];
  for (uint32_t arc = network_->first_out[node]; arc < network_->first_out[node + 1]; ++arc) {
    if (weights[arc] == blocked) continue;
    const uint32_t head = network_->arc_head[arc];
    const uint32_t candidate = node_cost + weights[arc];
    if (candidate >= cost_[head]) continue;
    if (cost_[head] == unreachable) touched_.push_back(head);
    cost_[head] = candidate;
    parent_arc_[head] = arc;
    origin_[head] = origin_[node];
    queue_.push_back({candidate, head});
    std::push_heap(queue_.begin(), queue_.end(), std::greater<>());
  }
}

PathResult Dijkstra::shortest_path(std::span<const Seed> sources, std::span<const Seed> targets,
                                   std::span<const uint32_t> weights) {
  seed(sources);
  // Cheapest remaining cost from each node to the end of the route, if it is a target.
  std::vector<std::pair<uint32_t, uint32_t>> target_of;  // (node, target index), sorted
  for (uint32_t i = 0; i < targets.size(); ++i) target_of.emplace_back(targets[i].node, i);
  std::sort(target_of.begin(), target_of.end());

  PathResult result;
  uint32_t best_node = invalid_id;
  while (!queue_.empty()) {
    std::pop_heap(queue_.begin(), queue_.end(), std::greater<>());
    const QueueEntry entry = queue_.back();
    queue_.pop_back();
    if (entry.cost != cost_[entry.node]) continue;  // stale
    if (entry.cost >= result.cost_ms) break;        // nothing cheaper can follow
    auto it = std::lower_bound(target_of.begin(), target_of.end(), std::pair(entry.node, 0u));
    for (; it != target_of.end() && it->first == entry.node; ++it) {
      const uint32_t total = entry.cost + targets[it->second].cost_ms;
      if (total < result.cost_ms) {
        result.cost_ms = total;
        result.target = it->second;
        best_node = entry.node;
      }
    }
    relax_from(entry.node, weights);
  }
  if (best_node == invalid_id) return result;
  result.source = origin_[best_node];
  for (uint32_t node = best_node; parent_arc_[node] != invalid_id;) {
    const uint32_t arc = parent_arc_[node];
    result.arcs.push_back(arc);
    node = tail_of(arc);
  }
  std::reverse(result.arcs.begin(), result.arcs.end());
  return result;
}

std::vector<uint32_t> Dijkstra::all_costs(std::span<const Seed> sources,
                                          std::span<const uint32_t> weights) {
  seed(sources);
  while (!queue_.empty()) {
    std::pop_heap(queue_.begin(), queue_.end(), std::greater<>());
    const QueueEntry entry = queue_.back();
    queue_.pop_back();
    if (entry.cost != cost_[entry.node]) continue;
    relax_from(entry.node, weights);
  }
  return cost_;
}

std::span<const uint32_t> Dijkstra::settle_within(std::span<const Seed> sources,
                                                  std::span<const uint32_t> weights,
                                                  uint32_t limit) {
  seed(sources);
  settled_.clear();
  while (!queue_.empty()) {
    std::pop_heap(queue_.begin(), queue_.end(), std::greater<>());
    const QueueEntry entry = queue_.back();
    queue_.pop_back();
    if (entry.cost != cost_[entry.node]) continue;
    if (entry.cost > limit) break;  // the heap's least: everything left is beyond the radius
    settled_.push_back(entry.node);
    relax_from(entry.node, weights);
  }
  return settled_;
}

}  // namespace siaga::routing
