// The planner's simulation: Ambon's 112 days in one process on a simulated clock, with the same
// library code as the server for routing (the CCH under the active hazards), recommendation (the
// response plans filled fastest first) and the unit lifecycle. Reports arrive from the incident
// stream; the dispatcher sends the plan after the processing time; units turn out, drive the
// engine's routes at their profile's speeds, stay on scene, take patients to the nearest
// hospital, and drive home. A call that finds no unit at all waits for the first one freed.
// With move-ups, after every change the greedy MEXCLP suggestions are carried out at once.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "siaga/dispatch/incident_classes.h"
#include "siaga/dispatch/incident_stream.h"
#include "siaga/dispatch/live_coverage.h"
#include "siaga/dispatch/response_plans.h"
#include "siaga/dispatch/response_times.h"
#include "siaga/tracking/fleet.h"
#include "siaga/tracking/incident_store.h"

namespace siaga::dispatch {

enum class Policy { closest, moveup };
std::string_view policy_name(Policy policy);

// What a simulation reads, loaded once and shared by the runs that compare policies.
struct SimulationWorld {
  IncidentStream stream;
  Scenario scenario;  // the stream's coverage scenario: stations, targets, demand, areas
  std::unique_ptr<RoutingSetup> setup;  // hazard layers of both scenarios, the baseline's active
  std::unique_ptr<geodata::Snapper> snapper;
  Coverage ground;  // streets, demand and their kecamatan
  CallPlaces places;
  std::vector<IncidentClass> classes;
  std::vector<ResponsePlan> plans;
  std::vector<ResponseTarget> targets;
  tracking::Fleet fleet;
  std::vector<std::string> flood_zones;  // active in the flood-day scenario
  std::vector<size_t> flood_areas;       // stream areas whose roads those zones change
  std::vector<geodata::Snap> hospitals;
};

// Throws what loading the graph, the stream, the scenarios, the fleet and the plans throws.
SimulationWorld load_simulation_world(const DataPaths& paths,
                                      const std::filesystem::path& stream_file,
                                      const std::filesystem::path& fleet_file, std::ostream& log);

struct SimulationOptions {
  double days = 1;
  double load = 1;  // × the stream's report rate
  bool flood_day = false;
  Policy policy = Policy::closest;
  uint64_t seed = 1;
  int64_t start_ms = 1'757'343'600'000;  // 2025-09-09 00:00 WIT, the day Ambon 112 opened
  MoveUpOptions moveups;
};

struct SimulationResult {
  std::vector<tracking::IncidentTiming> incidents;  // real reports and prank calls
  std::vector<geodata::LatLon> places;              // per incident: where it was
  size_t reports = 0;
  size_t pranks = 0;
  size_t waited = 0;         // found no unit at all and waited for one to be freed
  size_t short_of_plan = 0;  // a slot of the plan found no unit of its type
  size_t moveups = 0;        // relocations carried out (move-ups and returns to quarters)
  size_t hazard_changes = 0;
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  double wall_seconds = 0;
};

// Throws InputError for days or load ≤ 0: what a caller can check before loading a world.
void check_simulation_options(const SimulationOptions& options);

// Throws InputError for days or load ≤ 0, or a flood day the stream does not describe.
SimulationResult simulate(SimulationWorld& world, const SimulationOptions& options);

// One run and its response-time report (the same code and format as the incident history's).
struct PolicyRun {
  SimulationOptions options;
  SimulationResult result;
  ResponseReport report;
};
PolicyRun run_policy(SimulationWorld& world, const SimulationOptions& options);

// A run as JSON: its settings, the counts, and the response-time report.
Json simulation_json(const SimulationWorld& world, const PolicyRun& run);
// Runs of several policies over the same seed side by side: per target the share within it, the
// median and 90th percentile, the calls that waited, the relocations.
Json comparison_json(const SimulationWorld& world, std::span<const PolicyRun> runs);
std::string comparison_markdown(const SimulationWorld& world, std::span<const PolicyRun> runs);

}  // namespace siaga::dispatch
