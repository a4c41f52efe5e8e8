// Live coverage and move-ups as the server answers them: from the units that are available now
// (with a fresh fix on a road), where they are, under the hazards in force, against the targets
// and the stations of a planner's scenario (default geodata/ambon/scenarios/baseline.json).
// Computed on every read, so every answer holds for the newest status change, fix and hazard
// toggle; a few milliseconds on the island (bench/coverage_bench.cpp).
#pragma once

#include <filesystem>
#include <string>

#include "siaga/dispatch/coverage.h"
#include "siaga/server/api.h"

namespace siaga::server {

// The scenario's targets, stations and demand, loaded once.
struct CoverageSetup {
  dispatch::Scenario scenario;
  dispatch::Coverage ground;
};
// Throws what load_scenario throws.
CoverageSetup load_coverage_setup(const geodata::RoadNetwork& network,
                                  const std::filesystem::path& scenario_file);

// GET /v1/coverage/live[?target=NAME&streets=uncovered]: per target the available units, the
// demand within it and its share; with streets=uncovered, the streets of that target (default
// the first) outside it as a GeoJSON FeatureCollection, for the console's map layer.
Reply live_coverage(Api& api, const Params& params);

// GET /v1/moveups: which available unit should move to which station to restore the most
// expected coverage (greedy MEXCLP), each with its gain and drive time; empty while no unit of
// a target's type is busy.
Reply moveups(Api& api);

// siaga_live_coverage_share and siaga_live_coverage_units per target, for /metrics.
std::string live_coverage_metrics(Api& api);

}  // namespace siaga::server
