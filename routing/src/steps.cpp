#include "siaga/routing/steps.h"

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cmath>
#include <numbers>

namespace siaga::routing {

using geodata::invalid_id;
using geodata::LatLon;

namespace {

// From this change of heading on, a turn where another road leaves the junction is always said;
// below it, only when another way out is straighter (the road forks and the route bears off).
constexpr double real_turn_degrees = 60;
constexpr double straight_degrees = 20;  // turn_modifier's "straight"
constexpr double rad = std::numbers::pi / 180;

double initial_bearing(LatLon a, LatLon b) {
  const double y = std::sin((b.lon - a.lon) * rad) * std::cos(b.lat * rad);
  const double x = std::cos(a.lat * rad) * std::sin(b.lat * rad) -
                   std::sin(a.lat * rad) * std::cos(b.lat * rad) * std::cos((b.lon - a.lon) * rad);
  const double degrees = std::atan2(y, x) / rad;
  return degrees < 0 ? degrees + 360 : degrees;
}

bool is_ferry(const geodata::RoadNetwork& network, uint32_t arc) {
  return network.arc_class[arc] == geodata::RoadClass::ferry;
}

const std::string& road_name(const geodata::RoadNetwork& network, uint32_t arc) {
  return network.way_name[network.arc_way[arc]];
}

bool same_road(const geodata::RoadNetwork& network, uint32_t a, uint32_t b) {
  return is_ferry(network, a) == is_ferry(network, b) &&
         road_name(network, a) == road_name(network, b);
}

// A step is on the road, or the ferry, of the arc it drives.
void take_road(Step& step, const geodata::RoadNetwork& network, uint32_t arc) {
  step.name = road_name(network, arc);
  step.ferry = is_ferry(network, arc);
}

bool on_roundabout(const geodata::RoadNetwork& network, uint32_t arc) {
  return (network.arc_flags[arc] & geodata::arc_roundabout) != 0;
}

// The heading of a step's first and last real (non-zero-length) segment.
double first_bearing(const std::vector<LatLon>& points) {
  for (size_t i = 0; i + 1 < points.size(); ++i) {
    if (points[i].lat != points[i + 1].lat || points[i].lon != points[i + 1].lon)
      return initial_bearing(points[i], points[i + 1]);
  }
  return 0;
}

double last_bearing(const std::vector<LatLon>& points) {
  for (size_t i = points.size(); i-- > 1;) {
    if (points[i].lat != points[i - 1].lat || points[i].lon != points[i - 1].lon)
      return initial_bearing(points[i - 1], points[i]);
  }
  return 0;
}

// The map node an arc leaves (map arcs are numbered in their map nodes' order; a copy arc drives
// its map arc).
uint32_t map_tail(const geodata::RoadNetwork& network, uint32_t arc) {
  const auto map_first_out = network.first_out.begin() + network.map_node_count() + 1;
  return static_cast<uint32_t>(
      std::upper_bound(network.first_out.begin(), map_first_out, network.map_arc(arc)) -
      network.first_out.begin() - 1);
}

// The junction between an arc driven in and the arc driven out of it, as the driver sees it on
// the map (a junction split by turn restrictions is one place): the turn taken, and the roads
// that leave it other than the one taken and the one arrived on.
struct Junction {
  double turn_cosine = 1;           // of the turn taken: 1 straight on, -1 back
  bool other_way_out = false;       // a road the driver could take instead
  bool straighter_way_out = false;  // ... and one of them bends less than the route does
  bool ring_exit = false;           // on a roundabout: a road off the ring leaves here
};

// The cosine of the turn from the way in (from → node) to the way out (node → to), in the map's
// metric frame: ways out of a junction are compared by how much they bend, and the cosine orders
// them as the angle would, without trigonometry (a route crosses hundreds of junctions).
double turn_cosine(const geodata::RoadNetwork& network, uint32_t from, uint32_t node, uint32_t to) {
  const geodata::Xy a = network.node_xy[from], b = network.node_xy[node], c = network.node_xy[to];
  const double in_x = b.x - a.x, in_y = b.y - a.y, out_x = c.x - b.x, out_y = c.y - b.y;
  const double lengths = std::sqrt((in_x * in_x + in_y * in_y) * (out_x * out_x + out_y * out_y));
  return lengths > 0 ? (in_x * out_x + in_y * out_y) / lengths : 1;  // a point: no turn
}

// Only worked out where the route had a choice: most nodes it crosses are where its road just
// goes on.
Junction junction_between(const geodata::RoadNetwork& network, uint32_t came_from, uint32_t in,
                          uint32_t out) {
  const uint32_t node = network.map_node(network.arc_head[in]);
  const uint32_t taken = network.map_node(network.arc_head[out]);
  Junction junction;
  for (uint32_t arc = network.first_out[node]; arc < network.first_out[node + 1]; ++arc) {
    const uint32_t head = network.map_node(network.arc_head[arc]);
    if (!on_roundabout(network, arc)) junction.ring_exit = true;
    if (head != came_from && head != taken) junction.other_way_out = true;
  }
  if (!junction.other_way_out) return junction;
  junction.turn_cosine = turn_cosine(network, came_from, node, taken);
  for (uint32_t arc = network.first_out[node]; arc < network.first_out[node + 1]; ++arc) {
    const uint32_t head = network.map_node(network.arc_head[arc]);
    if (head == came_from || head == taken) continue;
    if (turn_cosine(network, came_from, node, head) > junction.turn_cosine)
      junction.straighter_way_out = true;
  }
  return junction;
}

int compass(double bearing) {
  return static_cast<int>(std::lround(bearing)) % 360;
}

// The junction between the arcs `in` and `out` as OSRM lists it. Its roads are the map node's
// (the road arrived on first, in case it is one way in); which of them could be entered is read
// off the node `in` really ends at, which a turn restriction may have made a copy with fewer arcs.
// Bearings to the next node in a local flat frame: over a street's length they differ from the
// great circle's by hundredths of a degree, at a quarter of the trigonometry.
Intersection intersection_at(const geodata::RoadNetwork& network, std::span<const uint32_t> weights,
                             uint32_t came_from, uint32_t in, uint32_t out) {
  const uint32_t reached = network.arc_head[in];
  const uint32_t node = network.map_node(reached);
  const uint32_t taken = network.map_node(network.arc_head[out]);
  boost::container::small_vector<uint32_t, 8> roads{came_from};
  for (uint32_t arc = network.first_out[node]; arc < network.first_out[node + 1]; ++arc) {
    const uint32_t head = network.map_node(network.arc_head[arc]);
    if (std::find(roads.begin(), roads.end(), head) == roads.end()) roads.push_back(head);
  }
  auto can_enter = [&](uint32_t road) {
    for (uint32_t arc = network.first_out[reached]; arc < network.first_out[reached + 1]; ++arc) {
      if (network.map_node(network.arc_head[arc]) == road && weights[arc] != blocked) return true;
    }
    return false;
  };
  const LatLon at = network.node_position[node];
  const double east_scale = std::cos(at.lat * rad);
  auto bearing_to = [&](LatLon p) {
    const double degrees = std::atan2((p.lon - at.lon) * east_scale, p.lat - at.lat) / rad;
    return compass(degrees < 0 ? degrees + 360 : degrees);
  };
  boost::container::small_vector<std::pair<int, uint32_t>, 8> by_bearing;  // (bearing, road)
  for (uint32_t road : roads) by_bearing.push_back({bearing_to(network.node_position[road]), road});
  std::sort(by_bearing.begin(), by_bearing.end());
  Intersection intersection{at, {}, {}, -1, -1};
  intersection.bearings.reserve(by_bearing.size());
  intersection.entry.reserve(by_bearing.size());
  for (const auto& [bearing, road] : by_bearing) {
    const int index = static_cast<int>(intersection.bearings.size());
    if (road == came_from) intersection.in = index;
    if (road == taken) intersection.out = index;
    intersection.bearings.push_back(bearing);
    intersection.entry.push_back(can_enter(road));
  }
  return intersection;
}

// Why a new step begins at a piece of the route.
enum class Cut { none, name, junction_turn, roundabout, exit_roundabout };

Cut cut_between(const geodata::RoadNetwork& network, uint32_t in, uint32_t out,
                const Junction& junction) {
  const bool ring_in = on_roundabout(network, in), ring_out = on_roundabout(network, out);
  if (ring_in && ring_out) return Cut::none;  // once round the ring is one step
  if (ring_out) return Cut::roundabout;
  if (ring_in) return Cut::exit_roundabout;
  if (!same_road(network, in, out)) return Cut::name;
  const double cosine = junction.turn_cosine;
  const bool said = cosine <= std::cos(real_turn_degrees * rad) || junction.straighter_way_out;
  return junction.other_way_out && cosine <= std::cos(straight_degrees * rad) && said
             ? Cut::junction_turn
             : Cut::none;
}

// The type of a step that begins with a cut, from the turn at its start.
std::string step_type(Cut cut, const Step& step, const std::string& modifier, bool straighter) {
  switch (cut) {
    case Cut::roundabout:
      return "roundabout";
    case Cut::exit_roundabout:
      return "exit roundabout";
    case Cut::junction_turn:  // the same road on: "continue" where it has a name to stay on
      return step.name.empty() ? "turn" : "continue";
    default:  // a new name: said as a turn unless it is the obvious way on
      return modifier == "straight" || (modifier.starts_with("slight") && !straighter) ? "new name"
                                                                                       : "turn";
  }
}

// Each step's manoeuvre from why it begins and the headings on either side of its start.
void name_manoeuvres(std::vector<Step>& steps, const std::vector<Cut>& cuts,
                     const std::vector<bool>& straighter_options) {
  for (size_t i = 0; i < steps.size(); ++i) {
    Step& step = steps[i];
    // Only a ring left by the route has an exit: not a step that merely started on one, nor a ring
    // driven to the route's end.
    if (cuts[i] != Cut::roundabout || i + 1 == steps.size()) step.exit = 0;
    step.bearing_after = compass(first_bearing(step.geometry));
    if (i == 0) {
      step.type = "depart";
      step.intersections.insert(
          step.intersections.begin(),
          Intersection{step.geometry.front(), {step.bearing_after}, {true}, -1, 0});
      continue;
    }
    const double before = last_bearing(steps[i - 1].geometry);
    step.bearing_before = compass(before);
    // A roundabout's direction is the whole way round: from the way in to the way out.
    const bool left_ring = cuts[i] == Cut::roundabout && i + 1 < steps.size();
    const double after =
        left_ring ? first_bearing(steps[i + 1].geometry) : first_bearing(step.geometry);
    step.modifier = turn_modifier(after - before);
    step.type = step_type(cuts[i], step, step.modifier, straighter_options[i]);
  }
}

}  // namespace

std::string turn_modifier(double turn_degrees) {
  const double turn = std::remainder(turn_degrees, 360.0);  // (-180, 180]
  const double size = std::abs(turn);
  const std::string side = turn > 0 ? "right" : "left";
  if (size < straight_degrees) return "straight";
  if (size < real_turn_degrees) return "slight " + side;
  if (size < 120) return side;
  if (size < 170) return "sharp " + side;
  return "uturn";
}

std::string arrival_side(const Route& route, LatLon destination) {
  const std::vector<LatLon>& points = route.geometry;
  if (!route.found || points.empty()) return "straight";
  // Metres east and north of the route's end, near enough for a street (equirectangular).
  const LatLon end = points.back();
  const double metres_per_degree = 111'320, east_scale = std::cos(end.lat * rad);
  auto offset = [&](LatLon p) {
    return std::pair{(p.lon - end.lon) * metres_per_degree * east_scale,
                     (p.lat - end.lat) * metres_per_degree};
  };
  const auto [to_x, to_y] = offset(destination);
  size_t last = points.size() - 1;  // the last segment of any length leads in
  while (last > 0 && points[last - 1].lat == end.lat && points[last - 1].lon == end.lon) --last;
  if (last == 0 || std::hypot(to_x, to_y) < 1) return "straight";
  const auto [back_x, back_y] = offset(points[last - 1]);
  const double in_x = -back_x, in_y = -back_y;  // the way in, towards the end
  const double cross = in_x * to_y - in_y * to_x, dot = in_x * to_x + in_y * to_y;
  if (std::abs(std::atan2(cross, dot)) < straight_degrees * rad) return "straight";
  return cross > 0 ? "left" : "right";
}

std::vector<Step> route_steps(const geodata::RoadNetwork& network,
                              std::span<const uint32_t> weights, const Route& route) {
  std::vector<Step> steps;
  if (!route.found || route.geometry.size() < 2 || route.start_arc == invalid_id) return steps;
  const std::vector<RoutePiece> pieces = route_pieces(route);
  std::vector<Cut> cuts;                 // per step, why it begins
  std::vector<bool> straighter_options;  // per step, whether its junction had a straighter way
  uint32_t assigned_ms = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const RoutePiece& piece = pieces[i];
    Junction junction;
    Cut cut = Cut::name;
    uint32_t came_from = invalid_id;
    if (i > 0) {
      // The map node the piece before was driven from: the route's first arc's tail, then the
      // head of the arc before it.
      came_from = i == 1 ? map_tail(network, pieces[0].arc)
                         : network.map_node(network.arc_head[pieces[i - 2].arc]);
      junction = junction_between(network, came_from, pieces[i - 1].arc, piece.arc);
      cut = cut_between(network, pieces[i - 1].arc, piece.arc, junction);
      // Exits passed on the ring, and the one taken, count from the entry.
      if (on_roundabout(network, pieces[i - 1].arc) && junction.ring_exit) ++steps.back().exit;
    }
    // A piece of no length (a point snapped onto a node) is no place for a manoeuvre: it joins the
    // step it follows, and a departure from a node takes the road of the piece after it.
    const bool has_length = piece.fraction > 0;
    if (i > 0 && steps.back().distance_m == 0 && has_length) {
      take_road(steps.back(), network, piece.arc);
      cut = Cut::none;
    }
    if (i == 0 || (cut != Cut::none && has_length)) {
      Step step;
      take_road(step, network, piece.arc);
      step.geometry.push_back(piece.from);
      steps.push_back(std::move(step));
      cuts.push_back(cut);
      straighter_options.push_back(junction.straighter_way_out);
    }
    Step& step = steps.back();
    const bool new_step = step.geometry.size() == 1;
    if (i > 0 && (new_step || (step.distance_m > 0 && junction.other_way_out))) {
      step.intersections.push_back(
          intersection_at(network, weights, came_from, pieces[i - 1].arc, piece.arc));
    }
    step.geometry.push_back(piece.to);
    step.distance_m += network.arc_length_m[piece.arc] * piece.fraction;
    const uint32_t ms = partial_cost(weights[piece.arc], piece.fraction);
    step.duration_ms += ms;
    assigned_ms += ms;
  }
  // Rounding of the partial pieces: the route's own total wins, on its last step.
  steps.back().duration_ms += route.duration_ms - std::min(assigned_ms, route.duration_ms);
  if (assigned_ms > route.duration_ms)
    steps.back().duration_ms -= std::min(steps.back().duration_ms, assigned_ms - route.duration_ms);
  name_manoeuvres(steps, cuts, straighter_options);
  Step arrive;
  arrive.type = "arrive";
  arrive.name = steps.back().name;
  arrive.ferry = steps.back().ferry;
  arrive.geometry = {route.geometry.back(), route.geometry.back()};
  arrive.bearing_before = compass(last_bearing(steps.back().geometry));
  arrive.intersections = {
      Intersection{arrive.geometry.front(), {(arrive.bearing_before + 180) % 360}, {true}, 0, -1}};
  steps.push_back(std::move(arrive));
  return steps;
}

}  // namespace siaga::routing
