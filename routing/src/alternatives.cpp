#include "siaga/routing/alternatives.h"

#include <algorithm>
#include <unordered_set>

#include "csr.h"

namespace siaga::routing {

namespace {

// Every street (map arc) a route drives, in part or whole: a copy of an arc at a junction split by
// turn restrictions is the same street.
std::vector<uint32_t> arcs_driven(const geodata::RoadNetwork& network, const Route& route) {
  std::vector<uint32_t> arcs;
  for (const RoutePiece& piece : route_pieces(route)) arcs.push_back(network.map_arc(piece.arc));
  return arcs;
}

// The map arc and every copy of it.
template <class Visit>
void each_copy(const geodata::RoadNetwork& network, uint32_t map_arc, Visit&& visit) {
  geodata::for_each_arc_copy(network, csr_row_of(network.first_out, map_arc), map_arc,
                             [&](uint32_t arc, uint32_t) { visit(arc); });
}

// The route's duration under `weights`, partial arcs rounded as the search rounds them.
uint64_t duration_under(const Route& route, std::span<const uint32_t> weights) {
  uint64_t total = 0;
  for (const RoutePiece& piece : route_pieces(route)) {
    total += partial_cost(weights[piece.arc], piece.fraction);
  }
  return total;
}

// Metres of `route` on streets in `used` (partial arcs counted by the part driven).
double shared_length(const geodata::RoadNetwork& network, const Route& route,
                     const std::unordered_set<uint32_t>& used) {
  double shared = 0;
  for (const RoutePiece& piece : route_pieces(route)) {
    if (used.contains(network.map_arc(piece.arc)))
      shared += network.arc_length_m[piece.arc] * piece.fraction;
  }
  return shared;
}

}  // namespace

std::vector<Route> routes_with_alternatives(const geodata::RoadNetwork& network, const Cch& cch,
                                            const CchMetric& metric, const geodata::Snap& from,
                                            const geodata::Snap& to, CchQuery& query,
                                            const AlternativeOptions& options) {
  std::vector<Route> routes;
  Route best = route_between(network, metric, from, to, query);
  if (!best.found) return routes;
  std::vector<uint32_t> to_penalise = arcs_driven(network, best);
  std::unordered_set<uint32_t> used(to_penalise.begin(),
                                    to_penalise.end());  // kept routes' streets
  routes.push_back(std::move(best));
  std::vector<uint32_t> weights = metric.arc_weight;
  CchMetric penalised;
  for (uint32_t round = 0; round < options.rounds && routes.size() <= options.max_alternatives;
       ++round) {
    // The last route found, kept or not, is made slower (every copy of its streets too), so the
    // next search looks elsewhere.
    std::vector<uint32_t> changed;
    for (uint32_t street : to_penalise) {
      each_copy(network, street, [&](uint32_t arc) {
        if (weights[arc] == blocked) return;
        weights[arc] = static_cast<uint32_t>(
            std::min<double>(weights[arc] * options.penalty, static_cast<double>(blocked - 1)));
        changed.push_back(arc);
      });
    }
    penalised = customize(cch, round == 0 ? metric : penalised, weights, changed);
    Route candidate = route_between(network, penalised, from, to, query);
    if (!candidate.found) break;
    to_penalise = arcs_driven(network, candidate);
    const uint64_t duration = duration_under(candidate, metric.arc_weight);
    const bool quick_enough = duration <= options.max_stretch * routes[0].duration_ms;
    const bool different =
        shared_length(network, candidate, used) <= options.max_shared * candidate.distance_m;
    if (!quick_enough || !different) continue;
    used.insert(to_penalise.begin(), to_penalise.end());
    candidate.duration_ms = static_cast<uint32_t>(duration);
    routes.push_back(std::move(candidate));
  }
  return routes;
}

}  // namespace siaga::routing
