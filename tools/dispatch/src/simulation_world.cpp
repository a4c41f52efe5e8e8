// Loading what a simulation reads: the stream, its coverage scenario and the flood-day scenario,
// the graph with both scenarios' hazard layers, the streets' demand and kecamatan, the fleet,
// the classes, plans and targets, and the hospitals.
#include <algorithm>
#include <optional>
#include <ostream>
#include <set>

#include "siaga/dispatch/simulation.h"
#include "siaga/routing/segments.h"
#include "siaga/tracking/fleet.h"

namespace siaga::dispatch {

namespace fs = std::filesystem;

namespace {

// The stream's areas whose streets the flood zones close or slow, for any profile.
std::vector<size_t> areas_changed_by(const SimulationWorld& world, const routing::MetricSet& dry,
                                     const routing::MetricSet& flooded) {
  std::set<uint32_t> changed;  // coverage area indices
  for (size_t s = 0; s < world.ground.segments.size(); ++s) {
    const routing::Segment& segment = world.ground.segments[s];
    for (size_t p = 0; p < dry.metrics.size(); ++p) {
      const auto& before = dry.metrics[p].arc_weight;
      const auto& after = flooded.metrics[p].arc_weight;
      const bool forward = before[segment.forward_arc] != after[segment.forward_arc];
      const bool backward = segment.backward_arc != geodata::invalid_id &&
                            before[segment.backward_arc] != after[segment.backward_arc];
      if (forward || backward) changed.insert(world.ground.areas.of_segment[s]);
    }
  }
  std::vector<size_t> areas;
  for (size_t a = 0; a < world.stream.areas.size(); ++a) {
    const auto& names = world.ground.areas.names;
    const size_t index =
        std::find(names.begin(), names.end(), world.stream.areas[a].kecamatan) - names.begin();
    if (changed.count(static_cast<uint32_t>(index))) areas.push_back(a);
  }
  return areas;
}

// The flood day's zones, switched on for a moment to see which areas they change.
void load_flood_day(SimulationWorld& world, const std::optional<Scenario>& flood) {
  if (!flood) return;
  world.flood_zones = flood->active_hazards;
  const auto dry = world.setup->live->current();
  world.setup->live->set_active(world.flood_zones);
  const auto flooded = world.setup->live->current();
  world.setup->live->set_active(world.scenario.active_hazards);
  world.flood_areas = areas_changed_by(world, *dry, *flooded);
}

}  // namespace

SimulationWorld load_simulation_world(const DataPaths& paths, const fs::path& stream_file,
                                      const fs::path& fleet_file, std::ostream& log) {
  SimulationWorld world;
  world.stream = load_incident_stream(stream_file);
  geodata::RoadNetwork network = load_or_import(paths, log);
  world.scenario = load_scenario(world.stream.coverage_scenario, network);
  std::vector<fs::path> hazard_files = world.scenario.hazard_files;
  std::optional<Scenario> flood;
  if (!world.stream.flood_day.scenario_file.empty()) {
    // Its hazard files too, so that its zones can be switched on for the flood hours.
    flood = load_scenario(world.stream.flood_day.scenario_file, network);
    for (const fs::path& file : flood->hazard_files)
      if (std::find(hazard_files.begin(), hazard_files.end(), file) == hazard_files.end())
        hazard_files.push_back(file);
  }
  world.setup = build_routing(std::move(network), geodata::load_hazards(hazard_files),
                              default_profiles_file(), log);
  world.setup->live->set_active(world.scenario.active_hazards);
  world.snapper = std::make_unique<geodata::Snapper>(world.setup->network);
  world.ground = coverage_ground(world.setup->network, world.scenario);
  assign_areas(world.ground, world.setup->network, world.scenario, paths.osm);
  world.places = call_places(world.stream, world.ground);
  const auto& profiles = world.setup->live->profiles();
  world.classes = load_incident_classes(default_incident_types_file(), profiles);
  world.plans = load_response_plans(default_response_plans_file(), world.classes, profiles);
  world.targets = load_response_targets(default_response_targets_file());
  world.fleet = tracking::load_fleet(fleet_file);
  for (const tracking::Unit& unit : world.fleet.units) {
    if (!world.stream.turnout_seconds.count(unit.type))
      throw StreamError(world.stream.file.string() + ": \"turnout_seconds\" has no time for " +
                        "unit type \"" + unit.type + "\" (unit " + unit.id + ")");
  }
  for (const geodata::Facility& facility : world.setup->network.facilities)
    if (facility.kind == geodata::FacilityKind::hospital)
      world.hospitals.push_back(world.snapper->snap(facility.position, {5000}));
  load_flood_day(world, flood);
  return world;
}

}  // namespace siaga::dispatch
