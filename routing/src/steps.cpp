#include "siaga/routing/steps.h"

#include <cmath>
#include <numbers>

namespace siaga::routing {

using geodata::invalid_id;
using geodata::LatLon;

namespace {

// A piece of the route: one arc, whole or in part, and where it is driven from and to.
double initial_bearing(LatLon a, LatLon b) {
  constexpr double rad = std::numbers::pi / 180;
  const double y = std::sin((b.lon - a.lon) * rad) * std::cos(b.lat * rad);
  const double x = std::cos(a.lat * rad) * std::sin(b.lat * rad) -
                   std::sin(a.lat * rad) * std::cos(b.lat * rad) * std::cos((b.lon - a.lon) * rad);
  const double degrees = std::atan2(y, x) / rad;
  return degrees < 0 ? degrees + 360 : degrees;
}

bool same_road(const geodata::RoadNetwork& network, uint32_t a, uint32_t b) {
  const bool ferry_a = network.arc_class[a] == geodata::RoadClass::ferry;
  const bool ferry_b = network.arc_class[b] == geodata::RoadClass::ferry;
  return ferry_a == ferry_b &&
         network.way_name[network.arc_way[a]] == network.way_name[network.arc_way[b]];
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

}  // namespace

std::string turn_modifier(double turn_degrees) {
  const double turn = std::remainder(turn_degrees, 360.0);  // (-180, 180]
  const double size = std::abs(turn);
  const std::string side = turn > 0 ? "right" : "left";
  if (size < 20) return "straight";
  if (size < 60) return "slight " + side;
  if (size < 120) return side;
  if (size < 170) return "sharp " + side;
  return "uturn";
}

std::vector<Step> route_steps(const geodata::RoadNetwork& network,
                              std::span<const uint32_t> weights, const Route& route) {
  std::vector<Step> steps;
  if (!route.found || route.geometry.size() < 2 || route.start_arc == invalid_id) return steps;
  const std::vector<RoutePiece> pieces = route_pieces(route);
  uint32_t assigned_ms = 0;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const RoutePiece& piece = pieces[i];
    if (steps.empty() || !same_road(network, pieces[i - 1].arc, piece.arc)) {
      Step step;
      step.name = network.way_name[network.arc_way[piece.arc]];
      step.ferry = network.arc_class[piece.arc] == geodata::RoadClass::ferry;
      step.geometry.push_back(piece.from);
      steps.push_back(std::move(step));
    }
    Step& step = steps.back();
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
  for (size_t i = 0; i < steps.size(); ++i) {
    Step& step = steps[i];
    step.bearing_after = static_cast<int>(std::lround(first_bearing(step.geometry))) % 360;
    if (i == 0) {
      step.type = "depart";
      continue;
    }
    const double before = last_bearing(steps[i - 1].geometry);
    step.bearing_before = static_cast<int>(std::lround(before)) % 360;
    step.modifier = turn_modifier(first_bearing(step.geometry) - before);
    step.type =
        step.modifier == "straight" || step.modifier.starts_with("slight") ? "new name" : "turn";
  }
  Step arrive;
  arrive.type = "arrive";
  arrive.name = steps.back().name;
  arrive.ferry = steps.back().ferry;
  arrive.geometry = {route.geometry.back(), route.geometry.back()};
  arrive.bearing_before = static_cast<int>(std::lround(last_bearing(steps.back().geometry))) % 360;
  steps.push_back(std::move(arrive));
  return steps;
}

}  // namespace siaga::routing
