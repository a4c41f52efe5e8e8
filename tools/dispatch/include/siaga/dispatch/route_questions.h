// The route questions the command line answers on a loaded island, each under the setup's active
// hazard zones: one route with the zones it meets, a batch of routes as CSV, and an isochrone.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "siaga/dispatch/dataset.h"
#include "siaga/dispatch/geojson.h"

namespace siaga::dispatch {

// Both places are on the roads, but no open road joins them for this vehicle.
struct NoRoute : InputError {
  using InputError::InputError;
};

struct RouteQuestion {
  geodata::LatLon from;
  geodata::LatLon to;
  std::string vehicle = "car";
  double max_snap_m = 1000;  // farther from a road: a SnapError
};

// route_json with "vehicle" and "hazards" (active, on the route, near it). Throws
// geodata::SnapError, routing::UnknownVehicle, or NoRoute naming the zones that close the way.
Json route_answer(const RoutingSetup& setup, const RouteQuestion& question);

// Reads from_lat,from_lon,to_lat,to_lon lines (a first line starting with a letter is a header)
// and writes one line per route, in order: distance_m,duration_s, or unreachable,REASON (off the
// roads, or no open road), or error,REASON (not four numbers). Throws UnknownVehicle.
void answer_route_batch(const RoutingSetup& setup, std::string_view vehicle, std::istream& in,
                        std::ostream& out);

// The road segments reached within each band (minutes, any order, each > 0), as GeoJSON with the
// vehicle, the bands and the start's distance to the road (isochrone_geojson).
Json isochrone_answer(const RoutingSetup& setup, geodata::LatLon from, std::string_view vehicle,
                      std::vector<double> bands_minutes);

}  // namespace siaga::dispatch
