#include "siaga/server/api.h"

#include <siaga.pb.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "request_body.h"
#include "siaga/dispatch/recommendation.h"
#include "siaga/mqtt/topics.h"
#include "siaga/server/mutual_aid.h"
#include "siaga/server/replication.h"
#include "siaga/server/tracking_json.h"

namespace siaga::server {

Reply error_reply(int status, std::string message) {
  return {status, Json{{"error", std::move(message)}}};
}

namespace {
// A control character no answer's own strings hold, so the marker cannot be met by chance.
constexpr std::string_view raw_prefix = "\x01raw:";
constexpr std::string_view dumped_prefix = "\"\\u0001raw:";  // as Json::dump() writes it
}  // namespace

Json add_raw(Reply& reply, std::string json_text) {
  reply.raw.push_back(std::move(json_text));
  return std::string(raw_prefix) + std::to_string(reply.raw.size() - 1);
}

std::string reply_text(const Reply& reply) {
  // Invalid UTF-8 that a refusal quotes back (a query string's bytes) becomes U+FFFD: thrown, it
  // turned a clear 400 into a 500 (found by fuzz_http).
  std::string text = reply.body.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (reply.raw.empty()) return text;
  std::string out;
  size_t from = 0;
  for (size_t at = text.find(dumped_prefix); at != std::string::npos;
       at = text.find(dumped_prefix, from)) {
    const size_t digits = at + dumped_prefix.size();
    const size_t quote = text.find('"', digits);
    size_t index = reply.raw.size();
    if (quote != std::string::npos)
      std::from_chars(text.data() + digits, text.data() + quote, index);
    if (index >= reply.raw.size()) {  // not one of ours: kept as it is
      out.append(text, from, digits - from);
      from = digits;
      continue;
    }
    out.append(text, from, at - from);
    out.append(reply.raw[index]);
    from = quote + 1;
  }
  out.append(text, from);
  return out;
}

namespace {

using body::Body;
using body::finite_number;

std::optional<std::string> short_text(const Json& json, const char* field) {
  return body::text(json, field);
}

Body parse_body(std::string_view text) {
  return body::parse(text);
}

void publish_dispatch_event(Api& api, const Json& request, const tracking::UnitState& state,
                            bool& published) {
  v1::DispatchEvent event;
  event.set_unit_id(state.unit.id);
  event.set_incident_id(state.incident_id);
  event.set_incident_type(request.value("type", ""));
  if (auto lat = finite_number(request, "lat")) event.set_lat(*lat);
  if (auto lon = finite_number(request, "lon")) event.set_lon(*lon);
  event.set_status_seq(state.status_seq);
  event.set_time_ms(state.status_time_ms);
  published = api.publish && api.publish(api.topics.event("dispatch"), event.SerializeAsString());
}

}  // namespace

Reply recommend(Api& api, std::string_view text) {
  const Body body = parse_body(text);
  if (body.error) return *body.error;
  const auto lat = finite_number(body.json, "lat");
  const auto lon = finite_number(body.json, "lon");
  if (!lat || !lon) return error_reply(400, "lat and lon must be finite numbers");
  const auto type = short_text(body.json, "type");
  if (!type) return error_reply(400, "type must be an incident class (medical, fire, ...)");
  int64_t k = 3;
  if (body.json.contains("k")) {
    if (!body.json["k"].is_number_integer()) return error_reply(400, "k must be an integer");
    k = body.json["k"].get<int64_t>();
    if (k < 1 || k > 100) return error_reply(400, "k must be between 1 and 100");
  }
  bool mutual_aid = true;
  if (body.json.contains("mutual_aid")) {
    if (!body.json["mutual_aid"].is_boolean())
      return error_reply(400, "mutual_aid must be true or false");
    mutual_aid = body.json["mutual_aid"].get<bool>();
  }
  const dispatch::DispatchContext context{api.network, api.snapper, api.live, api.incident_classes};
  const int64_t now = api.clock();
  const std::vector<tracking::UnitState> states = api.store.units(now);
  Reply reply;  // the routes' lines are written as text, spliced in when sent
  const auto line_text = [&reply](std::span<const geodata::LatLon> points) {
    return add_raw(reply, dispatch::line_string_text(points));
  };
  Json out;
  try {
    auto query = api.queries.borrow();  // back to the pool before the neighbours are asked
    const dispatch::Ranking ranking =
        dispatch::rank_units(context, states, {*lat, *lon}, *type, static_cast<size_t>(k), *query);
    out = dispatch::ranking_json(context, ranking, now, line_text);
  } catch (const geodata::SnapError& error) {
    return error_reply(422,
                       std::string("the incident is not on the island's roads: ") + error.what());
  } catch (const dispatch::UnknownIncidentClass& error) {
    return error_reply(400, error.what());
  }
  if (!api.topics.region().empty()) {
    out["region"] = api.topics.region();
    for (Json& item : out["recommended"]) item["region"] = api.topics.region();
  }
  if (mutual_aid && api.ask_neighbours) {
    Json asked = body.json;
    asked["mutual_aid"] = false;  // a neighbour answers with its own units and asks nobody
    out = merge_mutual_aid(std::move(out), api.ask_neighbours(asked), static_cast<size_t>(k));
  }
  reply.body = std::move(out);
  return reply;
}

Reply dispatch(Api& api, std::string_view text) {
  const Body body = parse_body(text);
  if (body.error) return *body.error;
  const auto unit_id = short_text(body.json, "unit_id");
  const auto incident_id = short_text(body.json, "incident_id");
  if (!unit_id || !incident_id) {
    return error_reply(400, "unit_id and incident_id must be strings of 1 to 128 characters");
  }
  // Only an available (or relocating) unit is sent; one already busy is re-assigned by its crew's
  // reports, never silently by a second dispatch. The store checks and changes in one step (two
  // dispatchers may press at once).
  const tracking::Outcome outcome =
      api.store.change_status(*unit_id, tracking::UnitStatus::dispatched, *incident_id, api.clock(),
                              tracking::dispatchable);
  if (!outcome.accepted) {
    return error_reply(dispatch::dispatch_refusal_status(outcome.reason), outcome.detail);
  }
  const auto state = api.store.unit(*unit_id, api.clock());
  bool published = false;
  publish_dispatch_event(api, body.json, *state, published);
  return {200,
          {{"unit_id", *unit_id},
           {"status", tracking::unit_status_name(state->status)},
           {"incident_id", state->incident_id},
           {"status_seq", state->status_seq},
           {"event_published", published}}};
}

Reply units(Api& api) {
  Json out = dispatch::dataset_label(api.network);
  Json list = Json::array();
  std::map<std::string, int> by_status;
  for (const tracking::UnitState& state : api.store.units(api.clock())) {
    list.push_back(unit_json(state));
    ++by_status[shown_status(state)];
  }
  out["units"] = list;
  out["by_status"] = by_status;
  return {200, std::move(out)};
}

Reply hazards(Api& api) {
  const auto set = api.live.current();
  const geodata::HazardIndex& index = api.live.hazards();
  Json out = {{"type", "FeatureCollection"}};
  out.update(dispatch::dataset_label(api.network));
  out["metric_version"] = set->version;
  Json features = Json::array();
  for (uint32_t zone = 0; zone < index.zones.size(); ++zone) {
    Json polygons = Json::array();
    for (const geodata::PolygonRings& polygon : index.zones[zone].polygons) {
      Json rings = Json::array({dispatch::line_string(polygon.outer)["coordinates"]});
      for (const geodata::Ring& hole : polygon.holes)
        rings.push_back(dispatch::line_string(hole)["coordinates"]);
      polygons.push_back(rings);
    }
    Json properties = dispatch::zone_json(index.zones[zone]);
    properties["active"] = set->active[zone] != 0;
    features.push_back({{"type", "Feature"},
                        {"geometry", {{"type", "MultiPolygon"}, {"coordinates", polygons}}},
                        {"properties", properties}});
  }
  out["features"] = features;
  return {200, std::move(out)};
}

Reply toggle_hazard(Api& api, std::string_view zone_id, bool active) {
  if (api.live.hazards().find(zone_id) == geodata::invalid_id) {
    return error_reply(404, "no hazard zone \"" + std::string(zone_id) + "\"");
  }
  const uint64_t version = active ? api.live.activate(zone_id) : api.live.deactivate(zone_id);
  if (api.desk) api.desk->on_metrics_changed();  // every live ETA under the new hazards
  v1::HazardToggle event;
  event.set_zone_id(std::string(zone_id));
  event.set_active(active);
  event.set_time_ms(api.clock());
  const bool published =
      api.publish && api.publish(api.topics.event("hazard"), event.SerializeAsString());
  if (api.replication) api.replication->hazard_changed(std::string(zone_id), active);
  return {200,
          {{"id", zone_id},
           {"active", active},
           {"metric_version", version},
           {"event_published", published}}};
}

Reply incident_types(Api& api) {
  Json list = Json::array();
  for (const dispatch::IncidentClass& incident : api.incident_classes) {
    list.push_back({{"name", incident.name},
                    {"description", incident.description},
                    {"unit_types", incident.unit_types}});
  }
  return {200, {{"incident_types", list}}};
}

Reply health(Api& api, MqttLink mqtt) {
  Json out = {{"status", "ok"}};
  out.update(dispatch::dataset_label(api.network));
  const auto set = api.live.current();
  int active = 0;
  for (uint8_t on : set->active) active += on;
  out["units"] = api.store.fleet().units.size();
  out["sample_fleet"] = api.store.fleet().sample;
  out["mqtt_connected"] = mqtt.connected;
  out["mqtt_connects"] = mqtt.connects;
  out["metric_version"] = set->version;
  out["hazards_active"] = active;
  out["role"] = api.replication ? role_name(api.replication->role()) : "primary";
  return {200, std::move(out)};
}

Json network_geojson(const geodata::RoadNetwork& network) {
  std::vector<Json> lines(geodata::road_class_count, Json::array());
  const std::vector<uint32_t> tails = geodata::arc_tails(network);
  for (uint32_t arc = 0; arc < network.map_arc_count(); ++arc) {  // copies: the same street
    const uint32_t tail = tails[arc], head = network.map_node(network.arc_head[arc]);
    // A two-way street is drawn once, from its lower node id.
    if (tail > head && geodata::find_arc(network, head, tail) != geodata::invalid_id) continue;
    const geodata::LatLon a = network.node_position[tail], b = network.node_position[head];
    auto round5 = [](double value) { return std::round(value * 1e5) / 1e5; };
    lines[static_cast<size_t>(network.arc_class[arc])].push_back(
        Json::array({Json::array({round5(a.lon), round5(a.lat)}),
                     Json::array({round5(b.lon), round5(b.lat)})}));
  }
  Json out = {{"type", "FeatureCollection"}};
  out.update(dispatch::dataset_label(network));
  Json features = Json::array();
  for (int c = 0; c < geodata::road_class_count; ++c) {
    if (lines[c].empty()) continue;
    features.push_back(
        {{"type", "Feature"},
         {"geometry", {{"type", "MultiLineString"}, {"coordinates", std::move(lines[c])}}},
         {"properties",
          {{"road_class", geodata::road_class_name(static_cast<geodata::RoadClass>(c))}}}});
  }
  out["features"] = features;
  return out;
}

Reply places(Api& api, const Params& params) {
  if (!api.places) return error_reply(503, "this server has no place index");
  const auto q = params.find("q");
  if (q == params.end() || q->second.empty() || q->second.size() > 200)
    return error_reply(400, "q must be the place's name, 1 to 200 characters");
  size_t limit = 10;
  if (const auto given = params.find("limit"); given != params.end()) {
    const std::string& text = given->second;
    if (text.empty() || text.size() > 2 || !std::all_of(text.begin(), text.end(), ::isdigit) ||
        std::stoul(text) == 0)
      return error_reply(400, "limit must be 1 to 99");
    limit = std::stoul(text);
  }
  Json results = Json::array();
  for (const dispatch::PlaceHit& hit : api.places->search(q->second, limit)) {
    Json result = {{"name", hit.name},
                   {"kind", hit.kind},
                   {"lat", hit.position.lat},
                   {"lon", hit.position.lon},
                   {"score", std::round(hit.score * 1000) / 1000}};
    if (!hit.near.empty()) {
      result["near"] = hit.near;
      result["near_m"] = std::round(hit.near_m);
    }
    results.push_back(result);
  }
  Json out = dispatch::dataset_label(api.network);
  out["query"] = q->second;
  out["results"] = results;
  return {200, std::move(out)};
}

Reply labels(Api& api) {
  if (!api.places) return error_reply(503, "this server has no place index");
  // The kecamatan and OSM's settlement values (geodata/named_places.cpp).
  static constexpr std::string_view settlements[] = {
      "kecamatan", "city", "town", "village", "suburb", "neighbourhood", "hamlet", "quarter"};
  Json features = Json::array();
  for (const dispatch::PlaceHit& place : api.places->of_kinds(settlements)) {
    features.push_back(
        {{"type", "Feature"},
         {"geometry",
          {{"type", "Point"}, {"coordinates", {place.position.lon, place.position.lat}}}},
         {"properties", {{"name", place.name}, {"kind", place.kind}}}});
  }
  Json out = dispatch::dataset_label(api.network);
  out["type"] = "FeatureCollection";
  out["features"] = features;
  return {200, std::move(out)};
}

}  // namespace siaga::server
