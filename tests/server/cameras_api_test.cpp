// CCTV over HTTP on loopback: the cameras near a place, and for an incident the cameras near it
// and along the way each dispatched unit still has to drive, checked against a haversine scan of
// plain Dijkstra's route (camera_oracle.h); bad questions get 400, unknown incidents 404.
#include "siaga/server/cameras_api.h"

#include <gtest/gtest.h>

#include "dispatch/camera_oracle.h"
#include "served_fixture.h"
#include "siaga/dispatch/area_labels.h"
#include "siaga/dispatch/response_plans.h"

namespace siaga::server::cameras_api_test {
namespace {

namespace fs = std::filesystem;

// Served with the sample cameras, and incidents in memory.
struct ServedWithCameras : Served {
  dispatch::CameraIndex cameras{
      dispatch::load_cameras(test::source_dir / "geodata/ambon/cameras-SAMPLE.geojson")};
  std::vector<dispatch::ResponsePlan> plans = dispatch::load_response_plans(
      dispatch::default_response_plans_file(), classes, live.profiles());
  tracking::IncidentStore incidents{{}};
  dispatch::DispatchContext context{network, snapper, live, classes};
  dispatch::IncidentDesk desk{context, store, incidents, queries, plans, {}};

  ServedWithCameras() {
    api.cameras = &cameras;
    api.incidents = &incidents;
    api.desk = &desk;
  }

  std::string fire_at(geodata::LatLon place) {
    tracking::NewIncident call;
    call.location.lat = place.lat;
    call.location.lon = place.lon;
    call.incident_class = "fire";
    return desk.create(call, "test").incident.id;
  }
};

std::set<std::string> ids_of(const Json& cameras) {
  std::set<std::string> ids;
  for (const Json& camera : cameras) ids.insert(camera["id"].get<std::string>());
  return ids;
}

TEST(CamerasApi, NearAPlaceAnswersWhatTheRegisterHoldsAndSaysItIsASample) {
  ServedWithCameras served;
  const auto& all = served.cameras.file().cameras;
  const auto [status, every] = served.get("/v1/cameras");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(every["sample"], true);
  EXPECT_EQ(every["cameras"].size(), all.size());

  const geodata::LatLon tugu = all[0].position;  // PEMKOT-01, Tugu Trikora
  const auto [near_status, near] = served.get("/v1/cameras?near=" + std::to_string(tugu.lat) + "," +
                                              std::to_string(tugu.lon) + "&radius=1500");
  ASSERT_EQ(near_status, 200) << near.dump();
  ASSERT_FALSE(near["cameras"].empty());
  EXPECT_EQ(near["cameras"][0]["id"], all[0].id);
  const geodata::LatLon place[] = {tugu};
  for (const auto& [id, in] : test::cameras_clearly_in_or_out(all, place, 1500))
    EXPECT_EQ(ids_of(near["cameras"]).count(id) == 1, in) << id;

  for (const char* bad : {"/v1/cameras?near=north", "/v1/cameras?near=-3.69,128.18&radius=0",
                          "/v1/cameras?near=-3.69,128.18&radius=9000",
                          "/v1/cameras?near=-3.69,128.18&radius=abc", "/v1/cameras?near=nan,nan"}) {
    const auto [bad_status, body] = served.get(bad);
    EXPECT_EQ(bad_status, 400) << bad;
    EXPECT_TRUE(body.contains("error")) << bad;
  }
}

TEST(CamerasApi, AnIncidentHasTheCamerasNearItAndAlongEachUnitsWayThere) {
  ServedWithCameras served;
  const auto& all = served.cameras.file().cameras;
  const geodata::LatLon benteng{-3.7060, 128.1720};
  const std::string id = served.fire_at(benteng);
  // From Passo across the city: past Halong, Galala, Batu Merah and Tugu Trikora.
  const std::vector<std::string> sent = {"DMK-03", "POL-03"};
  for (const auto& outcome : served.desk.dispatch(id, sent, "test"))
    ASSERT_TRUE(outcome.dispatched) << outcome.unit_id << ": " << outcome.error;

  const double radius_m = 250;
  const auto [status, answer] =
      served.get("/v1/incidents/" + id + "/cameras?radius=" + std::to_string(radius_m));
  ASSERT_EQ(status, 200) << answer.dump();
  EXPECT_EQ(answer["sample"], true);
  const geodata::LatLon place[] = {benteng};
  for (const auto& [camera, in] : test::cameras_clearly_in_or_out(all, place, radius_m))
    EXPECT_EQ(ids_of(answer["near_incident"]).count(camera) == 1, in) << camera;
  ASSERT_EQ(answer["along_routes"].size(), sent.size());
  for (const Json& unit : answer["along_routes"]) {
    const auto state = served.store.unit(unit["unit_id"].get<std::string>(), tracking::now_ms());
    ASSERT_TRUE(state);
    const routing::Route route =
        served.reference_route(state->unit.type, {state->fix->lat, state->fix->lon}, benteng);
    ASSERT_TRUE(route.found);
    EXPECT_TRUE(unit["route_found"].get<bool>());
    const auto expected = test::cameras_clearly_in_or_out(all, route.geometry, radius_m);
    size_t along = 0;
    for (const auto& [camera, in] : expected) {
      EXPECT_EQ(ids_of(unit["cameras"]).count(camera) == 1, in) << unit["unit_id"] << camera;
      along += in;
    }
    EXPECT_GE(along, 2u) << "the way from Passo should pass cameras";
  }
}

TEST(CamerasApi, UnknownIncidentsAndServersWithoutARegisterSaySo) {
  ServedWithCameras served;
  EXPECT_EQ(served.get("/v1/incidents/112-2026-999999/cameras").first, 404);
  const std::string id = served.fire_at({-3.6960, 128.1830});
  EXPECT_EQ(served.get("/v1/incidents/" + id + "/cameras?radius=-5").first, 400);
  const auto [status, answer] = served.get("/v1/incidents/" + id + "/cameras");
  EXPECT_EQ(status, 200);
  EXPECT_TRUE(answer["along_routes"].empty());  // nobody sent yet
  EXPECT_EQ(answer["radius_m"], 300);
  served.api.cameras = nullptr;
  EXPECT_EQ(served.get("/v1/cameras").first, 503);
  EXPECT_EQ(served.get("/v1/incidents/" + id + "/cameras").first, 503);
}

}  // namespace
}  // namespace siaga::server::cameras_api_test
