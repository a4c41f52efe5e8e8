// Turn-by-turn steps of a route, for a crew's phone and the OSRM API's `steps=true`: the route
// cut where the road's name (or the mode: road or ferry) changes, each step with its distance,
// time, geometry and the manoeuvre that begins it.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "siaga/geodata/road_network.h"
#include "siaga/routing/route.h"

namespace siaga::routing {

struct Step {
  std::string name;    // the road's name ("" when it has none)
  bool ferry = false;  // driven onto a ferry rather than a road
  double distance_m = 0;
  uint32_t duration_ms = 0;
  std::vector<geodata::LatLon> geometry;  // from the manoeuvre's place to the next one
  // The manoeuvre at geometry.front(): "depart", "turn", "new name" (the road's name changes
  // with no real turn) or "arrive"; its modifier ("straight", "slight right", "right", "sharp
  // right", "uturn", and the same to the left; none on depart and arrive); compass bearings in
  // degrees of the way in and the way out.
  std::string type;
  std::string modifier;
  int bearing_before = 0;
  int bearing_after = 0;
};

// The steps of a found route driven with `weights` (the ones it was found with): distances and
// durations add up to the route's, and a last zero-length "arrive" step ends them.
std::vector<Step> route_steps(const geodata::RoadNetwork& network,
                              std::span<const uint32_t> weights, const Route& route);

// The modifier OSRM names a change of heading by (degrees, clockwise positive).
std::string turn_modifier(double turn_degrees);

}  // namespace siaga::routing
