// Live coverage and move-ups as the server answers them: from the units that are available now
// (with a fresh fix on a road), where they are, under the hazards in force, against the targets
// and the stations of a planner's scenario (default geodata/ambon/scenarios/baseline.json).
// Computed on every read, so every answer holds for the newest status change, fix and hazard
// toggle; a few milliseconds on the island (bench/coverage_bench.cpp).
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "siaga/dispatch/coverage.h"
#include "siaga/server/api.h"

namespace siaga::server {

// The scenario's targets, stations and demand, loaded once.
struct CoverageSetup {
  dispatch::Scenario scenario;
  dispatch::Coverage ground;
};
// Throws what load_scenario throws. `streets`: the snapper's, shared (empty: the network's own).
CoverageSetup load_coverage_setup(const geodata::RoadNetwork& network,
                                  const std::filesystem::path& scenario_file,
                                  routing::Segments streets = {});

// The move-ups the dispatcher accepted: each relocating unit's post, so that its arrival there
// (within 50 m, from its GPS) makes it available again.
class Relocations {
 public:
  struct Post {
    std::string station;
    geodata::LatLon position;
  };
  static constexpr double arrived_m = 50;

  void start(const std::string& unit_id, Post post);
  std::optional<Post> post_of(const std::string& unit_id) const;
  // After each accepted fix: a relocating unit at its post becomes available; a unit no longer
  // relocating (sent to a call, called off) is forgotten.
  void on_fix(tracking::TrackingStore& store, std::string_view unit_id, int64_t now_ms);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Post, std::less<>> posts_;
};

// GET /v1/coverage/live[?target=NAME&streets=uncovered]: per target the available units, the
// demand within it and its share; with streets=uncovered, the streets of that target (default
// the first) outside it as a GeoJSON FeatureCollection, for the console's map layer.
Reply live_coverage(Api& api, const Params& params);

// GET /v1/moveups: which available unit should move to which station to restore the most
// expected coverage (greedy MEXCLP), each with its gain and drive time; empty while no unit of
// a target's type is busy.
Reply moveups(Api& api);

// POST /v1/moveups/accept {"unit_id", "station"}: the dispatcher sends an available unit to a
// station of the scenario that takes its type; it becomes `relocating` (and can still be sent
// to a call on the way) until its GPS shows it there. 404 for an unknown unit or station, 409
// for a unit that is not available or a station that does not take its type.
Reply accept_moveup(Api& api, std::string_view body);

// siaga_live_coverage_share and siaga_live_coverage_units per target, for /metrics.
std::string live_coverage_metrics(Api& api);

}  // namespace siaga::server
