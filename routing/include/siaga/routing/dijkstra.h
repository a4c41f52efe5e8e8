// Plain Dijkstra on the road network's topology with any per-arc weight array: the issue-2 route
// engine and the baseline every faster engine is measured against.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "siaga/geodata/road_network.h"

namespace siaga::routing {

// A weight of `blocked` closes an arc; a cost of `unreachable` means no path.
inline constexpr uint32_t blocked = std::numeric_limits<uint32_t>::max();
inline constexpr uint32_t unreachable = std::numeric_limits<uint32_t>::max();

// A place the search starts from (or ends at) with the cost already paid to get there.
struct Seed {
  uint32_t node;
  uint32_t cost_ms;
};

struct PathResult {
  uint32_t cost_ms = unreachable;
  uint32_t source = geodata::invalid_id;  // index into the sources passed in
  uint32_t target = geodata::invalid_id;  // index into the targets passed in
  std::vector<uint32_t> arcs;             // the path, source node to target node
};

// A search's workspace: keeps a pointer to `network`, which must outlive it.
class Dijkstra {
 public:
  explicit Dijkstra(const geodata::RoadNetwork& network);

  // Cheapest path from any source to any target (costs include the seeds' own costs).
  PathResult shortest_path(std::span<const Seed> sources, std::span<const Seed> targets,
                           std::span<const uint32_t> weights);

  // Cost from the sources to every node (unreachable where none), for oracles and isochrones.
  std::vector<uint32_t> all_costs(std::span<const Seed> sources, std::span<const uint32_t> weights);

  // Every node whose cost from the sources is at most `limit`, in the order settled: a search
  // that stops at a radius (a station's reach within a target time), touching only that ball.
  // `costs()` then holds their exact costs; other nodes hold an upper bound above `limit`, or
  // `unreachable`. Both stay valid until the next search.
  std::span<const uint32_t> settle_within(std::span<const Seed> sources,
                                          std::span<const uint32_t> weights, uint32_t limit);
  std::span<const uint32_t> costs() const { return cost_; }

 private:
  struct QueueEntry {
    uint32_t cost;
    uint32_t node;
    bool operator>(const QueueEntry& other) const { return cost > other.cost; }
  };
  void reset();
  void seed(std::span<const Seed> sources);
  void relax_from(uint32_t node, std::span<const uint32_t> weights);
  uint32_t tail_of(uint32_t arc) const;

  const geodata::RoadNetwork* network_;
  std::vector<uint32_t> cost_;
  std::vector<uint32_t> parent_arc_;
  std::vector<uint32_t> origin_;  // which source a node's best path comes from
  std::vector<uint32_t> touched_;
  std::vector<uint32_t> settled_;
  std::vector<QueueEntry> queue_;
};

}  // namespace siaga::routing
