// The drills' calls: medical calls on the streets near the ambulances' homes (drill_test.cpp,
// failover_drill_test.cpp).
#pragma once

#include <cmath>
#include <filesystem>

#include "siaga/dispatch/coverage.h"
#include "siaga/dispatch/incident_stream.h"
#include "siaga/dispatch/scenario.h"
#include "siaga/tracking/fleet.h"
#include "test_support.h"

namespace siaga::test {

// Medical calls on the streets within 400 m of an ambulance's home, so that every drive is short.
struct NearbyCalls {
  dispatch::IncidentStream stream;
  dispatch::Coverage ground;
  dispatch::CallPlaces places;
};

inline NearbyCalls nearby_calls(const tracking::Fleet& fleet) {
  const geodata::RoadNetwork& network = ambon().network;
  NearbyCalls calls;
  calls.stream = dispatch::load_incident_stream(dispatch::default_incident_stream_file());
  calls.stream.classes.resize(1);  // medical: one ambulance each
  calls.stream.classes[0].share = 1;
  calls.stream.classes[0].subtypes.clear();
  calls.stream.areas = {{"near an ambulance station", 1}};
  const dispatch::Scenario scenario =
      dispatch::load_scenario(test::source_dir / "geodata/ambon/scenarios/baseline.json", network);
  calls.ground = dispatch::coverage_ground(network, scenario);
  calls.places.kecamatan = {"near an ambulance station"};
  calls.places.segments.emplace_back();
  calls.places.cumulative_km.emplace_back();
  for (uint32_t s = 0; s < calls.ground.segments.size(); ++s) {
    const auto a = network.node_position[calls.ground.segments[s].tail];
    for (const tracking::Unit& unit : fleet.units) {
      if (unit.type != "ambulance" || geodata::haversine_m(a, unit.home) > 400) continue;
      calls.places.segments[0].push_back(s);
      calls.places.cumulative_km[0].push_back(static_cast<double>(calls.places.segments[0].size()));
      break;
    }
  }
  return calls;
}

}  // namespace siaga::test
