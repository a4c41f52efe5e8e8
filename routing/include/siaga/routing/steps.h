// Turn-by-turn steps of a route, for a crew's phone and the OSRM API's `steps=true`: the route
// cut where the road's name (or the mode: road or ferry) changes, where it turns at a junction
// that offers another way (on the same road, or from one unnamed lane into another: most of
// Ambon's small streets have no name), and where it enters and leaves a roundabout; each step
// with its distance, time, geometry and the manoeuvre that begins it.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "siaga/geodata/road_network.h"
#include "siaga/routing/route.h"

namespace siaga::routing {

// A junction as OSRM clients draw it: every road there by its compass bearing from the junction
// (ascending), whether the route could have driven into each (not where the road is closed or a
// turn restriction forbids it), the road arrived on (`in`, none on a departure) and the one left
// on (`out`, none on an arrival).
struct Intersection {
  geodata::LatLon location;
  std::vector<int> bearings;
  std::vector<bool> entry;
  int in = -1;
  int out = -1;
};

struct Step {
  std::string name;    // the road's name ("" when it has none)
  bool ferry = false;  // driven onto a ferry rather than a road
  double distance_m = 0;
  uint32_t duration_ms = 0;
  std::vector<geodata::LatLon> geometry;  // from the manoeuvre's place to the next one
  // The manoeuvre at geometry.front(), as OSRM names them: "depart"; "turn" (onto another road,
  // or a turn at a junction between unnamed roads); "new name" (the road's name changes and the
  // way on is the obvious one); "continue" (a turn at a junction to stay on the same road);
  // "roundabout" (this step goes round it, `exit` counting the ring's exits up to the one
  // taken); "exit roundabout"; "arrive". Its modifier ("straight", "slight right", "right",
  // "sharp right", "uturn", and the same to the left; none on depart and arrive; a roundabout's
  // from the way in to the way out); compass bearings in degrees of the way in and the way out.
  std::string type;
  std::string modifier;
  int bearing_before = 0;
  int bearing_after = 0;
  uint32_t exit = 0;  // on a roundabout step that leaves the ring: its exits up to the one taken
  // The manoeuvre's place first, then every junction the step drives through where another road
  // leaves.
  std::vector<Intersection> intersections;
};

// The steps of a found route driven with `weights` (the ones it was found with): distances and
// durations add up to the route's, and a last zero-length "arrive" step ends them.
std::vector<Step> route_steps(const geodata::RoadNetwork& network,
                              std::span<const uint32_t> weights, const Route& route);

// The side of the road a destination lies on, for the "arrive" step's modifier as OSRM gives it:
// "left" or "right" of the way the route arrives at its snapped end, "straight" when the
// destination is on the road there (within a metre) or straight ahead. A crew on a narrow street
// then knows which door to look for.
std::string arrival_side(const Route& route, geodata::LatLon destination);

// The modifier OSRM names a change of heading by (degrees, clockwise positive).
std::string turn_modifier(double turn_degrees);

}  // namespace siaga::routing
