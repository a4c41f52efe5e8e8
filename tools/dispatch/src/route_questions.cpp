#include "siaga/dispatch/route_questions.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <istream>
#include <ostream>

#include "siaga/geodata/snapper.h"
#include "siaga/routing/hazard_report.h"
#include "siaga/routing/isochrone.h"
#include "siaga/routing/route.h"

namespace siaga::dispatch {

namespace {

// A reason inside a CSV field: its commas would start new fields.
std::string csv_safe(std::string text) {
  std::replace(text.begin(), text.end(), ',', ';');
  return text;
}

// The line's non-empty comma-separated fields (a trailing comma is forgiven).
std::vector<std::string> comma_fields(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    if (std::string field = line.substr(start, comma - start); !field.empty())
      fields.push_back(std::move(field));
    if (comma == std::string::npos) return fields;
    start = comma + 1;
  }
}

// One CSV line of a batch: the answer, or "unreachable,REASON" / "error,REASON".
std::string batch_line(const std::string& line, const RoutingSetup& setup,
                       const geodata::Snapper& snapper, uint32_t profile, routing::CchQuery& query,
                       const routing::MetricSet& set) {
  const std::vector<std::string> fields = comma_fields(line);
  if (fields.size() != 4) return "error,expected from_lat;from_lon;to_lat;to_lon";
  try {
    const geodata::Snap from = snapper.snap(geodata::parse_lat_lon(fields[0] + "," + fields[1]));
    const geodata::Snap to = snapper.snap(geodata::parse_lat_lon(fields[2] + "," + fields[3]));
    const routing::Route route =
        routing::route_between(setup.network, set.metrics[profile], from, to, query);
    if (!route.found) {
      return "unreachable," +
             csv_safe(routing::no_route_reason(setup.network, setup.live->profiles()[profile],
                                               setup.live->hazards(), set.active, from, to));
    }
    char text[64];
    std::snprintf(text, sizeof(text), "%.1f,%.1f", route.distance_m, route.duration_ms / 1000.0);
    return text;
  } catch (const geodata::SnapError& error) {
    return "unreachable," + csv_safe(error.what());
  } catch (const geodata::CoordinateError& error) {
    return "error," + csv_safe(error.what());
  }
}

}  // namespace

Json route_answer(const RoutingSetup& setup, const RouteQuestion& question) {
  const routing::LiveMetrics& live = *setup.live;
  const uint32_t profile_index = routing::profile_index(live.profiles(), question.vehicle);
  const routing::VehicleProfile& profile = live.profiles()[profile_index];
  const geodata::Snapper snapper(setup.network);
  const geodata::Snap from = snapper.snap(question.from, {question.max_snap_m});
  const geodata::Snap to = snapper.snap(question.to, {question.max_snap_m});
  const std::shared_ptr<const routing::MetricSet> set = live.current();
  routing::CchQuery query(*setup.cch);
  const routing::Route route =
      routing::route_between(setup.network, set->metrics[profile_index], from, to, query);
  if (!route.found) {
    throw NoRoute("no route: " + routing::no_route_reason(setup.network, profile, live.hazards(),
                                                          set->active, from, to));
  }
  Json out = route_json(setup.network, route);
  out["vehicle"] = profile.name;
  out["hazards"] = hazards_json(live, *set, profile, route);
  return out;
}

void answer_route_batch(const RoutingSetup& setup, std::string_view vehicle, std::istream& in,
                        std::ostream& out) {
  const uint32_t profile = routing::profile_index(setup.live->profiles(), vehicle);
  const geodata::Snapper snapper(setup.network);
  routing::CchQuery query(*setup.cch);
  const std::shared_ptr<const routing::MetricSet> set = setup.live->current();
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const bool header = first && !line.empty() && std::isalpha(static_cast<unsigned char>(line[0]));
    first = false;
    if (line.empty() || header) continue;
    out << batch_line(line, setup, snapper, profile, query, *set) << "\n";
  }
}

Json isochrone_answer(const RoutingSetup& setup, geodata::LatLon from, std::string_view vehicle,
                      std::vector<double> bands_minutes) {
  for (double minutes : bands_minutes) {
    if (!(minutes > 0 && minutes <= 24 * 60))
      throw InputError("a band must be more than 0 and at most 1440 minutes");
  }
  if (bands_minutes.empty()) throw InputError("an isochrone needs at least one band");
  std::sort(bands_minutes.begin(), bands_minutes.end());
  const uint32_t profile = routing::profile_index(setup.live->profiles(), vehicle);
  const geodata::Snapper snapper(setup.network);
  const geodata::Snap snap = snapper.snap(from);
  const auto set = setup.live->current();
  const routing::CchMetric& metric = set->metrics[profile];
  routing::CchQuery query(*setup.cch);
  const routing::SnapSeeds seeds = routing::source_seeds(setup.network, snap, metric.arc_weight);
  std::vector<uint32_t> limits_ms;
  for (double minutes : bands_minutes) limits_ms.push_back(std::llround(minutes * 60'000));
  const std::vector<routing::BandedArc> banded = routing::band_arcs(
      setup.network, metric.arc_weight, query.all_costs(metric, seeds.seeds), limits_ms);
  Json out = isochrone_geojson(setup.network, banded, bands_minutes);
  out["vehicle"] = setup.live->profiles()[profile].name;
  out["bands_minutes"] = bands_minutes;
  out["from_snap_m"] = std::round(snap.distance_m * 10) / 10;
  return out;
}

}  // namespace siaga::dispatch
