#include "siaga/server/osrm_api.h"

#include <charconv>
#include <cmath>
#include <set>

#include "json_writer.h"
#include "siaga/routing/alternatives.h"
#include "siaga/routing/drive_times.h"
#include "siaga/routing/route.h"
#include "siaga/routing/steps.h"
#include "siaga/server/polyline.h"

namespace siaga::server {

namespace {

constexpr size_t max_coordinates = 100;
constexpr double default_radius_m = 1000;  // as `siaga route --max-snap`
constexpr double unlimited_radius_m = 100'000;

Reply osrm_error(std::string code, std::string message) {
  return {400, Json{{"code", std::move(code)}, {"message", std::move(message)}}};
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::optional<double> parse_double(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<size_t> parse_index(std::string_view text) {
  size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// A request's parsed parts, or the OSRM error that stops it.
struct Request {
  uint32_t profile = 0;
  std::vector<geodata::LatLon> points;
  std::vector<double> radius_m;
  std::optional<Reply> error;
};

std::optional<uint32_t> profile_of(const Api& api, std::string_view name) {
  if (name == "driving") name = "car";
  const auto& profiles = api.live.profiles();
  for (uint32_t i = 0; i < profiles.size(); ++i) {
    if (profiles[i].name == name) return i;
  }
  return std::nullopt;
}

std::optional<std::vector<geodata::LatLon>> parse_coordinates(std::string_view text) {
  if (text.size() > 5 && text.substr(text.size() - 5) == ".json") text.remove_suffix(5);
  for (const auto& [prefix, precision] : {std::pair{"polyline6(", 6}, std::pair{"polyline(", 5}}) {
    const std::string_view head = prefix;
    if (text.starts_with(head) && text.ends_with(")")) {
      return decode_polyline(text.substr(head.size(), text.size() - head.size() - 1), precision);
    }
  }
  std::vector<geodata::LatLon> points;
  for (std::string_view pair : split(text, ';')) {
    const auto lon_lat = split(pair, ',');
    if (lon_lat.size() != 2) return std::nullopt;
    const auto lon = parse_double(lon_lat[0]), lat = parse_double(lon_lat[1]);
    if (!lon || !lat) return std::nullopt;
    points.push_back({*lat, *lon});
  }
  return points;
}

// Options every service takes; those Siaga cannot honour but that change nothing essential
// (hints, bearings) are accepted and ignored, as OSRM ignores hints it cannot use.
const std::set<std::string> general_options = {"radiuses",       "bearings",      "hints",
                                               "generate_hints", "approaches",    "exclude",
                                               "snapping",       "skip_waypoints"};

Request parse_request(const Api& api, std::string_view profile, std::string_view coordinates,
                      const Params& params, const std::set<std::string>& service_options) {
  Request request;
  const auto index = profile_of(api, profile);
  if (!index) {
    request.error = osrm_error("InvalidOptions", "unknown profile \"" + std::string(profile) +
                                                     "\" (driving, car, ambulance, fire_truck, "
                                                     "rescue, police)");
    return request;
  }
  request.profile = *index;
  for (const auto& [name, value] : params) {
    if (!general_options.count(name) && !service_options.count(name)) {
      request.error = osrm_error("InvalidOptions", "unknown option \"" + name + "\"");
      return request;
    }
  }
  const auto points = parse_coordinates(coordinates);
  if (!points || points->empty()) {
    request.error = osrm_error("InvalidQuery", "coordinates must be {lon},{lat};{lon},{lat}...");
    return request;
  }
  if (points->size() > max_coordinates) {
    request.error = osrm_error(
        "TooBig", "at most " + std::to_string(max_coordinates) + " coordinates per request");
    return request;
  }
  for (const geodata::LatLon& point : *points) {
    if (!std::isfinite(point.lat) || !std::isfinite(point.lon) || std::abs(point.lat) > 90 ||
        std::abs(point.lon) > 180) {
      request.error = osrm_error("InvalidValue", "Invalid coordinate value.");
      return request;
    }
  }
  request.points = *points;
  request.radius_m.assign(points->size(), default_radius_m);
  if (auto radiuses = params.find("radiuses"); radiuses != params.end()) {
    const auto items = split(radiuses->second, ';');
    if (items.size() != points->size()) {
      request.error = osrm_error("InvalidOptions", "radiuses must have one entry per coordinate");
      return request;
    }
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].empty()) continue;
      const auto value = items[i] == "unlimited" ? unlimited_radius_m : parse_double(items[i]);
      if (!value || !(*value >= 0)) {
        request.error = osrm_error("InvalidValue", "radiuses must be numbers >= 0 or unlimited");
        return request;
      }
      request.radius_m[i] = std::min(*value, unlimited_radius_m);
    }
  }
  return request;
}

struct Snapped {
  std::vector<geodata::Snap> snaps;
  std::optional<Reply> error;
};

Snapped snap_all(const Api& api, const Request& request) {
  Snapped snapped;
  for (size_t i = 0; i < request.points.size(); ++i) {
    try {
      snapped.snaps.push_back(api.snapper.snap(request.points[i], {request.radius_m[i]}));
    } catch (const geodata::SnapError&) {
      snapped.error = osrm_error(
          "NoSegment", "Could not find a matching segment for coordinate " + std::to_string(i));
      return snapped;
    }
  }
  return snapped;
}

double seconds(uint32_t ms) {
  return std::round(ms / 100.0) / 10;
}
double metres(double m) {
  return std::round(m * 10) / 10;
}

// Degrees to six decimals, as OSRM writes a location.
double six_decimals(double degrees) {
  return std::round(degrees * 1e6) / 1e6;
}

std::string street_name(const geodata::RoadNetwork& network, const geodata::Snap& snap) {
  const uint32_t arc =
      snap.forward_arc != geodata::invalid_id ? snap.forward_arc : snap.backward_arc;
  return arc == geodata::invalid_id ? "" : network.way_name[network.arc_way[arc]];
}

void write_location(JsonWriter& out, geodata::LatLon point) {
  out.begin_array().number(six_decimals(point.lon)).number(six_decimals(point.lat)).end_array();
}

// A snapped coordinate as OSRM clients read it; with its segment's two OSM nodes for nearest.
void write_waypoint(JsonWriter& out, const geodata::RoadNetwork& network, const geodata::Snap& snap,
                    bool with_nodes = false) {
  out.begin_object().key("hint").string("").key("distance").number(metres(snap.distance_m));
  out.key("name").string(street_name(network, snap)).key("location");
  write_location(out, snap.position);
  if (with_nodes) {
    out.key("nodes").begin_array().integer(network.node_osm_id[snap.tail]);
    out.integer(network.node_osm_id[snap.head]).end_array();
  }
  out.end_object();
}

// An answer written as text by JsonWriter.
Reply text_reply(std::string text) {
  Reply reply;
  reply.body = add_raw(reply, std::move(text));
  return reply;
}

// A line as the request asked for it: a GeoJSON LineString, or a polyline of precision 5 or 6.
void write_geometry(JsonWriter& out, std::span<const geodata::LatLon> points,
                    std::string_view format) {
  if (format == "geojson") {
    out.raw(dispatch::line_string_text(points));
  } else {
    out.string(encode_polyline(points, format == "polyline6" ? 6 : 5));
  }
}

// One step as OSRM clients read it (Indonesia drives on the left).
void write_step(JsonWriter& out, const routing::Step& step, std::string_view format) {
  const geodata::LatLon place = step.geometry.front();
  write_geometry(out.begin_object().key("geometry"), step.geometry, format);
  out.key("maneuver").begin_object().key("location");
  write_location(out, place);
  out.key("bearing_before").integer(step.bearing_before);
  out.key("bearing_after").integer(step.bearing_after).key("type").string(step.type);
  if (!step.modifier.empty()) out.key("modifier").string(step.modifier);
  if (step.exit > 0) out.key("exit").integer(step.exit);
  out.end_object().key("mode").string(step.ferry ? "ferry" : "driving");
  out.key("driving_side").string("left").key("name").string(step.name);
  out.key("intersections").begin_array();
  for (const routing::Intersection& crossing : step.intersections) {
    write_location(out.begin_object().key("location"), crossing.location);
    out.key("bearings").begin_array();
    for (int bearing : crossing.bearings) out.integer(bearing);
    out.end_array().key("entry").begin_array();
    for (bool entry : crossing.entry) out.boolean(entry);
    out.end_array();
    if (crossing.in >= 0) out.key("in").integer(crossing.in);
    if (crossing.out >= 0) out.key("out").integer(crossing.out);
    out.end_object();
  }
  out.end_array();
  out.key("weight").number(seconds(step.duration_ms));
  out.key("duration").number(seconds(step.duration_ms));
  out.key("distance").number(metres(step.distance_m)).end_object();
}

// The dataset's label (dispatch::dataset_label's members), written into the answer's object.
void write_dataset_label(JsonWriter& out, const geodata::RoadNetwork& network) {
  out.key("dataset").string(network.dataset).key("schematic").boolean(network.schematic);
  if (network.schematic) out.key("notice").string(dispatch::schematic_notice);
}

struct RouteFormat {
  std::string geometries;
  bool overview = true;
  bool steps = false;
};

// A leg's steps, its arrival said with the side of the road its destination lies on.
void write_steps(JsonWriter& out, const geodata::RoadNetwork& network,
                 const routing::CchMetric& metric, const routing::Route& leg,
                 geodata::LatLon destination, std::string_view geometries) {
  std::vector<routing::Step> steps = routing::route_steps(network, metric.arc_weight, leg);
  if (!steps.empty()) steps.back().modifier = routing::arrival_side(leg, destination);
  for (const routing::Step& step : steps) write_step(out, step, geometries);
}

// One OSRM route object from its legs, leg i ending at destinations[i].
void write_route(JsonWriter& out, const geodata::RoadNetwork& network,
                 const routing::CchMetric& metric, std::span<const routing::Route> legs,
                 std::span<const geodata::LatLon> destinations, const RouteFormat& format) {
  std::vector<geodata::LatLon> joined;  // the legs' points, each leg's first (the last's end) once
  uint32_t duration_ms = 0;
  double distance_m = 0;
  for (const routing::Route& leg : legs) {
    duration_ms += leg.duration_ms;
    distance_m += leg.distance_m;
    if (legs.size() > 1 && format.overview) {
      joined.insert(joined.end(), leg.geometry.begin() + (joined.empty() ? 0 : 1),
                    leg.geometry.end());
    }
  }
  out.begin_object();
  if (format.overview) {
    const std::span<const geodata::LatLon> points =
        legs.size() > 1 ? std::span<const geodata::LatLon>(joined) : legs.front().geometry;
    write_geometry(out.key("geometry"), points, format.geometries);
  }
  out.key("legs").begin_array();
  for (size_t i = 0; i < legs.size(); ++i) {
    const routing::Route& leg = legs[i];
    out.begin_object().key("steps").begin_array();
    if (format.steps) write_steps(out, network, metric, leg, destinations[i], format.geometries);
    out.end_array().key("summary").string("");
    out.key("weight").number(seconds(leg.duration_ms));
    out.key("duration").number(seconds(leg.duration_ms));
    out.key("distance").number(metres(leg.distance_m)).end_object();
  }
  out.end_array().key("weight_name").string("duration");
  out.key("weight").number(seconds(duration_ms));
  out.key("duration").number(seconds(duration_ms));
  out.key("distance").number(metres(distance_m)).end_object();
}

}  // namespace

Reply osrm_route(Api& api, std::string_view profile, std::string_view coordinates,
                 const Params& params) {
  const Request request = parse_request(
      api, profile, coordinates, params,
      {"alternatives", "steps", "annotations", "geometries", "overview", "continue_straight"});
  if (request.error) return *request.error;
  if (request.points.size() < 2) return osrm_error("InvalidOptions", "at least two coordinates");
  auto option = [&](const char* name, const char* fallback) {
    const auto found = params.find(name);
    return found == params.end() ? std::string(fallback) : found->second;
  };
  const std::string geometries = option("geometries", "polyline");
  const std::string overview = option("overview", "simplified");
  if (geometries != "polyline" && geometries != "polyline6" && geometries != "geojson")
    return osrm_error("InvalidOptions", "geometries must be polyline, polyline6 or geojson");
  if (overview != "simplified" && overview != "full" && overview != "false")
    return osrm_error("InvalidOptions", "overview must be simplified, full or false");
  const std::string steps = option("steps", "false");
  if (steps != "true" && steps != "false")
    return osrm_error("InvalidOptions", "steps must be true or false");
  const std::string alternatives = option("alternatives", "false");
  uint32_t alternative_count = alternatives == "true" ? 1 : 0;
  if (alternatives != "true" && alternatives != "false") {
    const auto count = parse_index(alternatives);
    if (!count || *count > 3)
      return osrm_error("InvalidOptions", "alternatives must be true, false or 0 to 3");
    alternative_count = static_cast<uint32_t>(*count);
  }
  const Snapped snapped = snap_all(api, request);
  if (snapped.error) return *snapped.error;

  const auto set = api.live.current();
  const routing::CchMetric& metric = set->metrics[request.profile];
  auto query = api.queries.borrow();
  const RouteFormat format{geometries, overview != "false", steps == "true"};
  // Each route found, as its legs.
  std::vector<std::vector<routing::Route>> routes;
  if (alternative_count > 0 && snapped.snaps.size() == 2) {  // as OSRM: no alternatives via points
    routing::AlternativeOptions options;
    options.max_alternatives = alternative_count;
    for (routing::Route& route :
         routing::routes_with_alternatives(api.network, api.live.cch(), metric, snapped.snaps[0],
                                           snapped.snaps[1], *query, options))
      routes.push_back({std::move(route)});
    if (routes.empty()) return osrm_error("NoRoute", "Impossible route between points");
  } else {
    std::vector<routing::Route>& legs = routes.emplace_back();
    for (size_t i = 0; i + 1 < snapped.snaps.size(); ++i) {
      legs.push_back(routing::route_between(api.network, metric, snapped.snaps[i],
                                            snapped.snaps[i + 1], *query));
      if (!legs.back().found) return osrm_error("NoRoute", "Impossible route between points");
    }
  }
  std::string text;
  JsonWriter out(text);
  out.begin_object().key("code").string("Ok").key("routes").begin_array();
  for (const std::vector<routing::Route>& legs : routes)
    write_route(out, api.network, metric, legs, std::span(request.points).subspan(1), format);
  out.end_array().key("waypoints").begin_array();
  for (const geodata::Snap& snap : snapped.snaps) write_waypoint(out, api.network, snap);
  write_dataset_label(out.end_array(), api.network);
  out.end_object();
  return text_reply(std::move(text));
}

namespace {

// "all" or "{index};{index}..." of the coordinates, or nullopt when malformed or out of range.
std::optional<std::vector<size_t>> indices(const Params& params, const char* name, size_t count) {
  std::vector<size_t> chosen;
  const auto found = params.find(name);
  if (found == params.end() || found->second == "all") {
    for (size_t i = 0; i < count; ++i) chosen.push_back(i);
    return chosen;
  }
  for (std::string_view item : split(found->second, ';')) {
    const auto index = parse_index(item);
    if (!index || *index >= count) return std::nullopt;
    chosen.push_back(*index);
  }
  return chosen;
}

// A table's cells, per source and per destination; none where no road leads there (written null,
// as OSRM does).
using Matrix = std::vector<std::vector<std::optional<double>>>;
struct TableCells {
  Matrix duration_s, distance_m;
};

// Durations: one many-to-one search per destination, as for a recommendation; a whole route per
// cell only when distances are asked for.
TableCells table_cells(Api& api, uint32_t profile, std::span<const geodata::Snap> snaps,
                       std::span<const size_t> sources, std::span<const size_t> destinations,
                       bool want_distance) {
  const auto set = api.live.current();
  auto query = api.queries.borrow();
  std::vector<routing::Responder> from;
  for (size_t s : sources) from.push_back({profile, snaps[s]});
  std::vector<std::vector<uint32_t>> column_ms;  // per destination, per source
  for (size_t d : destinations)
    column_ms.push_back(routing::drive_times(api.network, *set, from, snaps[d], *query));
  TableCells cells{Matrix(sources.size()), Matrix(sources.size())};
  for (size_t i = 0; i < sources.size(); ++i) {
    for (size_t j = 0; j < destinations.size(); ++j) {
      const uint32_t ms = column_ms[j][i];
      cells.duration_s[i].push_back(ms == routing::unreachable ? std::nullopt
                                                               : std::optional(seconds(ms)));
      if (!want_distance) continue;
      const routing::Route route = routing::route_between(
          api.network, set->metrics[profile], snaps[sources[i]], snaps[destinations[j]], *query);
      cells.distance_m[i].push_back(route.found ? std::optional(metres(route.distance_m))
                                                : std::nullopt);
    }
  }
  return cells;
}

void write_matrix(JsonWriter& out, const char* name, const Matrix& rows) {
  out.key(name).begin_array();
  for (const auto& row : rows) {
    out.begin_array();
    for (const std::optional<double>& cell : row) cell ? out.number(*cell) : out.null();
    out.end_array();
  }
  out.end_array();
}

void write_waypoints(JsonWriter& out, const char* name, const geodata::RoadNetwork& network,
                     std::span<const geodata::Snap> snaps, std::span<const size_t> chosen) {
  out.key(name).begin_array();
  for (size_t i : chosen) write_waypoint(out, network, snaps[i]);
  out.end_array();
}

}  // namespace

Reply osrm_table(Api& api, std::string_view profile, std::string_view coordinates,
                 const Params& params) {
  const Request request =
      parse_request(api, profile, coordinates, params, {"sources", "destinations", "annotations"});
  if (request.error) return *request.error;
  const auto sources = indices(params, "sources", request.points.size());
  const auto destinations = indices(params, "destinations", request.points.size());
  if (!sources || !destinations) {
    return osrm_error("InvalidOptions", "sources and destinations are all or index;index...");
  }
  const auto annotations = params.find("annotations");
  const std::string wanted = annotations == params.end() ? "duration" : annotations->second;
  const bool want_duration = wanted.find("duration") != std::string::npos;
  const bool want_distance = wanted.find("distance") != std::string::npos;
  if (!want_duration && !want_distance)
    return osrm_error("InvalidOptions", "annotations must be duration, distance or both");
  const Snapped snapped = snap_all(api, request);
  if (snapped.error) return *snapped.error;

  const TableCells cells =
      table_cells(api, request.profile, snapped.snaps, *sources, *destinations, want_distance);
  std::string text;
  JsonWriter out(text);
  out.begin_object().key("code").string("Ok");
  if (want_duration) write_matrix(out, "durations", cells.duration_s);
  if (want_distance) write_matrix(out, "distances", cells.distance_m);
  write_waypoints(out, "sources", api.network, snapped.snaps, *sources);
  write_waypoints(out, "destinations", api.network, snapped.snaps, *destinations);
  write_dataset_label(out, api.network);
  out.end_object();
  return text_reply(std::move(text));
}

Reply osrm_nearest(Api& api, std::string_view profile, std::string_view coordinates,
                   const Params& params) {
  const Request request = parse_request(api, profile, coordinates, params, {"number"});
  if (request.error) return *request.error;
  if (request.points.size() != 1)
    return osrm_error("InvalidOptions", "nearest takes exactly one coordinate");
  if (auto number = params.find("number"); number != params.end() && number->second != "1") {
    const auto value = parse_index(number->second);
    if (!value || *value < 1) return osrm_error("InvalidOptions", "number must be an integer >= 1");
    // One snap per point is what the engine keeps; more would be segments no route starts on.
  }
  const Snapped snapped = snap_all(api, request);
  if (snapped.error) return *snapped.error;
  const geodata::Snap& snap = snapped.snaps[0];
  std::string text;
  JsonWriter out(text);
  out.begin_object().key("code").string("Ok").key("waypoints").begin_array();
  write_waypoint(out, api.network, snap, true);
  write_dataset_label(out.end_array(), api.network);
  out.end_object();
  return text_reply(std::move(text));
}

}  // namespace siaga::server
