#include "siaga/server/cameras_api.h"

#include <charconv>
#include <cmath>

#include "siaga/dispatch/cameras.h"
#include "siaga/geodata/snapper.h"
#include "siaga/routing/profile.h"
#include "siaga/routing/route.h"

namespace siaga::server {

namespace {

constexpr double default_radius_m = 300;
constexpr double max_radius_m = 5000;

// The radius asked for, or why it cannot be used.
std::optional<double> radius_of(const Params& params, std::string& problem) {
  const auto given = params.find("radius");
  if (given == params.end()) return default_radius_m;
  double radius = -1;
  const std::string& text = given->second;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), radius);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(radius) ||
      radius <= 0 || radius > max_radius_m) {
    problem = "radius must be a number of metres above 0 and at most 5000";
    return std::nullopt;
  }
  return radius;
}

Json camera_json(const dispatch::Camera& camera) {
  return {{"id", camera.id},
          {"name", camera.name},
          {"owner", camera.owner},
          {"url", camera.url},
          {"url_kind", camera.url_kind},
          {"lat", camera.position.lat},
          {"lon", camera.position.lon},
          {"view_deg", camera.view_deg ? Json(*camera.view_deg) : Json(nullptr)}};
}

// Nearest first, each with its distance.
Json hits_json(std::span<const dispatch::CameraHit> hits) {
  Json out = Json::array();
  for (const dispatch::CameraHit& hit : hits) {
    Json camera = camera_json(*hit.camera);
    camera["distance_m"] = std::round(hit.distance_m);
    out.push_back(std::move(camera));
  }
  return out;
}

Json register_label(const dispatch::CameraIndex& index) {
  return {{"cameras_file", index.file().file.filename().string()}, {"sample", index.file().sample}};
}

// The rest of a unit's way to the incident, from where it is now, with its own profile under
// the hazards in force; empty when it has no position or no way there.
std::vector<geodata::LatLon> way_left(Api& api, const tracking::UnitState& state,
                                      const geodata::Snap& incident) {
  if (!state.road) return {};
  const auto set = api.live.current();
  const uint32_t profile = routing::profile_index(api.live.profiles(), state.unit.type);
  auto query = api.queries.borrow();
  const routing::Route route = routing::route_between(api.network, set->metrics[profile],
                                                      state.road->snap, incident, *query);
  return route.found ? route.geometry : std::vector<geodata::LatLon>{};
}

}  // namespace

Reply cameras(Api& api, const Params& params) {
  if (!api.cameras) return error_reply(503, "this server has no cameras file");
  std::string problem;
  const auto radius = radius_of(params, problem);
  if (!radius) return error_reply(400, problem);
  Json out = register_label(*api.cameras);
  const auto near = params.find("near");
  if (near == params.end()) {
    out["cameras"] = Json::array();
    for (const dispatch::Camera& camera : api.cameras->file().cameras)
      out["cameras"].push_back(camera_json(camera));
    return {200, out};
  }
  geodata::LatLon place;
  try {
    place = geodata::parse_lat_lon(near->second);
  } catch (const geodata::CoordinateError& error) {
    return error_reply(400, std::string("near: ") + error.what());
  }
  out["near"] = {{"lat", place.lat}, {"lon", place.lon}};
  out["radius_m"] = *radius;
  out["cameras"] = hits_json(api.cameras->near(place, *radius));
  return {200, out};
}

Reply incident_cameras(Api& api, std::string_view incident_id, const Params& params) {
  if (!api.cameras) return error_reply(503, "this server has no cameras file");
  if (!api.incidents) return error_reply(503, "this server keeps no incidents");
  std::string problem;
  const auto radius = radius_of(params, problem);
  if (!radius) return error_reply(400, problem);
  const auto incident = api.incidents->get(incident_id);
  if (!incident) return error_reply(404, "no incident " + std::string(incident_id));
  const geodata::LatLon place{incident->location.lat, incident->location.lon};
  Json out = register_label(*api.cameras);
  out["incident_id"] = incident->id;
  out["radius_m"] = *radius;
  out["near_incident"] = hits_json(api.cameras->near(place, *radius));
  out["along_routes"] = Json::array();
  const int64_t now = api.clock();
  std::optional<geodata::Snap> snapped;
  for (const tracking::UnitAssignment& unit : incident->units) {
    if (unit.cleared() || unit.on_scene_ms != 0) continue;  // there: the cameras near it serve
    const auto state = api.store.unit(unit.unit_id, now);
    if (!state) continue;
    if (!snapped) {
      try {
        snapped = api.snapper.snap(place, {1000});
      } catch (const geodata::SnapError& error) {
        return error_reply(422, std::string("the incident is off the roads: ") + error.what());
      }
    }
    const std::vector<geodata::LatLon> way = way_left(api, *state, *snapped);
    out["along_routes"].push_back({{"unit_id", unit.unit_id},
                                   {"route_found", !way.empty()},
                                   {"cameras", hits_json(api.cameras->along(way, *radius))}});
  }
  return {200, out};
}

}  // namespace siaga::server
