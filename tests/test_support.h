// Paths and shared fixtures for the test suite.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <span>
#include <thread>
#include <utility>
#include <vector>

#include "siaga/geodata/osm_import.h"
#include "siaga/geodata/projection.h"
#include "siaga/geodata/turn_restrictions.h"
#include "siaga/routing/cch.h"

namespace siaga::test {

// How many random cases an oracle test checks: `n`, times $SIAGA_TEST_SCALE when set. The
// sanitizer run sets it below 1, since its instrumented code is several times slower; the
// Release run checks every case.
inline int scaled(int n) {
  const char* scale = std::getenv("SIAGA_TEST_SCALE");
  if (!scale) return n;
  return std::max(1, static_cast<int>(n * std::atof(scale)));
}

// The repository's checkout, for the files the product ships (profiles, scenarios, the island).
inline const std::filesystem::path source_dir = SIAGA_SOURCE_DIR;

inline std::filesystem::path test_data(const char* name) {
  return std::filesystem::path(SIAGA_TEST_DATA_DIR) / name;
}

inline std::filesystem::path ambon_schematic_pbf() {
  return source_dir / "geodata/ambon/ambon-schematic.osm.pbf";
}

// ../shared/data beside the repository: present on the developers' machines and in CI, absent
// on a user's clone, where the tests that need it skip.
inline std::optional<std::filesystem::path> shared_data(const char* relative) {
  const std::filesystem::path path = std::filesystem::path(SIAGA_SHARED_DATA_DIR) / relative;
  if (!std::filesystem::exists(path)) return std::nullopt;
  return path;
}

// The embedded island, imported once per test process.
inline const geodata::ImportResult& ambon() {
  static const geodata::ImportResult result = geodata::import_osm(ambon_schematic_pbf());
  return result;
}

// Its contraction hierarchy, built once per test process.
inline const routing::Cch& ambon_cch() {
  static const routing::Cch cch = routing::Cch::build(ambon().network);
  return cch;
}

// `base` with about one weight in `one_in` set to `blocked`: random closures, the same for a seed.
inline std::vector<uint32_t> with_random_closures(std::span<const uint32_t> base, uint64_t seed,
                                                  int one_in) {
  std::vector<uint32_t> weights(base.begin(), base.end());
  std::mt19937_64 random(seed);
  for (uint32_t& w : weights) {
    if (random() % one_in == 0) w = routing::blocked;
  }
  return weights;
}

// Two metrics equal in every array: costs, what drives each edge, the inputs they came from.
inline ::testing::AssertionResult same_metric(const routing::CchMetric& a,
                                              const routing::CchMetric& b) {
  auto pairs = [](const std::vector<routing::CchUnpacking>& unpacking) {
    std::vector<std::pair<uint32_t, uint32_t>> legs;
    for (const auto& how : unpacking) legs.push_back({how.down_leg, how.up_leg});
    return legs;
  };
  if (a.arc_weight != b.arc_weight) return ::testing::AssertionFailure() << "arc weights differ";
  if (a.up != b.up || a.down != b.down) return ::testing::AssertionFailure() << "costs differ";
  if (pairs(a.unpacking) != pairs(b.unpacking))
    return ::testing::AssertionFailure() << "unpacking differs";
  return ::testing::AssertionSuccess();
}

// A small hand-drawn network for hand-computed answers: nodes 0..n-1 on a line 1 km apart (at
// -3.7 N, from 128.1 E eastward, 0.01° apart), the given directed arcs, each 1 km of residential
// street on one way named "Jl. Garis", `ms_per_arc` to drive.
inline geodata::RoadNetwork network_from_arcs(uint32_t node_count,
                                              std::vector<std::pair<uint32_t, uint32_t>> arcs,
                                              uint32_t ms_per_arc = 60'000) {
  geodata::RoadNetwork network;
  for (uint32_t i = 0; i < node_count; ++i) {
    network.node_position.push_back({-3.7, 128.1 + 0.01 * i});
    network.node_xy.push_back({1000.0 * i, 0});
    network.node_osm_id.push_back(i + 1);
  }
  std::stable_sort(arcs.begin(), arcs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  network.first_out.assign(node_count + 1, 0);
  for (const auto& [tail, head] : arcs) ++network.first_out[tail + 1];
  for (size_t v = 0; v < node_count; ++v) network.first_out[v + 1] += network.first_out[v];
  for (const auto& [tail, head] : arcs) {
    network.arc_head.push_back(head);
    network.arc_length_m.push_back(1000);
    network.arc_time_ms.push_back(ms_per_arc);
    network.arc_class.push_back(geodata::RoadClass::residential);
    network.arc_flags.push_back(0);
    network.arc_way.push_back(0);
  }
  network.way_osm_id = {1};
  network.way_name = {"Jl. Garis"};
  geodata::check_consistent(network);
  return network;
}

// network_from_arcs with node v placed at metres_east_north[v] from -3.7 N 128.1 E (0.009° is
// about 1 km here), in the projection a Snapper uses, so that points snap where they are drawn.
inline geodata::RoadNetwork network_in_metres(
    const std::vector<std::pair<double, double>>& metres_east_north,
    std::vector<std::pair<uint32_t, uint32_t>> arcs, uint32_t ms_per_arc = 60'000) {
  const uint32_t node_count = static_cast<uint32_t>(metres_east_north.size());
  geodata::RoadNetwork network = network_from_arcs(node_count, std::move(arcs), ms_per_arc);
  const geodata::UtmProjection utm;
  for (uint32_t v = 0; v < node_count; ++v) {
    const auto [east, north] = metres_east_north[v];
    network.node_position[v] = {-3.7 + north / 111'320.0, 128.1 + east / 111'320.0};
    network.node_xy[v] = utm.forward(network.node_position[v]);
  }
  return network;
}

// The node an arc leaves from (a binary search of first_out: for tests, not for hot loops).
inline uint32_t tail_of(const geodata::RoadNetwork& network, uint32_t arc) {
  return static_cast<uint32_t>(
      std::upper_bound(network.first_out.begin(), network.first_out.end(), arc) -
      network.first_out.begin() - 1);
}

// Polls until `done` holds or the time is up.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// Random restrictions at junctions with two ways in and two ways out: a no_ turn, or one time in
// four an only_ turn.
inline std::vector<geodata::TurnRestriction> random_restrictions(
    const geodata::RoadNetwork& network, size_t count, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<std::vector<uint32_t>> arriving(network.node_count());
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    arriving[network.arc_head[arc]].push_back(arc);
  }
  std::vector<geodata::TurnRestriction> restrictions;
  while (restrictions.size() < count) {
    const uint32_t node = static_cast<uint32_t>(random() % network.node_count());
    const uint32_t out = network.first_out[node + 1] - network.first_out[node];
    if (arriving[node].size() < 2 || out < 2) continue;
    restrictions.push_back({arriving[node][random() % arriving[node].size()],
                            network.first_out[node] + static_cast<uint32_t>(random() % out),
                            random() % 4 == 0});
  }
  return restrictions;
}

}  // namespace siaga::test
