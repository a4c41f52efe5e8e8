// GET /v1/places over loopback: a place by name, "A dekat B", and bad queries answered 400.
#include <gtest/gtest.h>

#include "server/served_fixture.h"
#include "siaga/dispatch/place_search.h"

namespace siaga::server::places_api_test {
namespace {

struct ServedWithPlaces : Served {
  std::vector<geodata::NamedPlace> named = geodata::load_named_places(test::ambon_schematic_pbf());
  std::vector<dispatch::AreaSeat> seats =
      dispatch::load_area_seats(test::source_dir / "geodata/ambon/kecamatan-seats.json");
  dispatch::PlaceIndex index{network, named, seats};
  ServedWithPlaces() { api.places = &index; }
};

TEST(PlacesApi, FindsByNameAndNearAndRefusesBadQueries) {
  ServedWithPlaces served;
  auto [status, answer] = served.get("/v1/places?q=rs%20haulusy&limit=3");
  ASSERT_EQ(status, 200) << answer.dump();
  ASSERT_FALSE(answer["results"].empty());
  EXPECT_EQ(answer["results"][0]["kind"], "hospital");
  EXPECT_LE(answer["results"].size(), 3u);
  // The same as the index answers in the process.
  const auto direct = served.index.search("rs haulusy", 3);
  ASSERT_EQ(direct.size(), answer["results"].size());
  for (size_t i = 0; i < direct.size(); ++i) {
    EXPECT_EQ(answer["results"][i]["name"], direct[i].name);
    EXPECT_DOUBLE_EQ(answer["results"][i]["lat"].get<double>(), direct[i].position.lat);
  }
  const std::string facility = served.network.facilities.front().name;
  const std::string street = served.network.way_name[served.network.arc_way[0]];
  if (!street.empty()) {
    httplib::Params params{{"q", street + " dekat " + facility}};
    const auto near = served.client->Get("/v1/places", params, httplib::Headers{});
    ASSERT_TRUE(near);
    const Json near_answer = Json::parse(near->body);
    ASSERT_FALSE(near_answer["results"].empty()) << near->body;
    EXPECT_EQ(near_answer["results"][0]["near"], facility);
    EXPECT_GE(near_answer["results"][0]["near_m"].get<double>(), 0);
  }
  EXPECT_EQ(served.get("/v1/places").first, 400);
  EXPECT_EQ(served.get("/v1/places?q=").first, 400);
  EXPECT_EQ(served.get("/v1/places?q=passo&limit=0").first, 400);
  EXPECT_EQ(served.get("/v1/places?q=passo&limit=abc").first, 400);
  std::string overlong = "/v1/places?q=";
  overlong.append(300, 'a');  // (appended: GCC 12 misreads the + of two strings as out of bounds)
  EXPECT_EQ(served.get(overlong).first, 400);
  auto [nothing_status, nothing] = served.get("/v1/places?q=qqqzzzx");
  EXPECT_EQ(nothing_status, 200);
  EXPECT_TRUE(nothing["results"].empty());
  served.api.places = nullptr;
  EXPECT_EQ(served.get("/v1/places?q=passo").first, 503);
}

TEST(PlacesApi, TheMapsLabelsAreEveryKecamatanAndSettlementAndNothingElse) {
  ServedWithPlaces served;
  const auto [status, labels] = served.get("/v1/labels");
  ASSERT_EQ(status, 200) << labels.dump();
  std::set<std::string> kecamatan, settlements;
  for (const Json& feature : labels["features"]) {
    const std::string kind = feature["properties"]["kind"];
    (kind == "kecamatan" ? kecamatan : settlements).insert(feature["properties"]["name"]);
    EXPECT_NE(kind, "hospital") << "facilities have their own markers";
  }
  EXPECT_EQ(kecamatan.size(), served.seats.size());
  size_t named_settlements = 0;
  for (const geodata::NamedPlace& place : served.named) {
    if (!place.settlement) continue;
    ++named_settlements;
    EXPECT_TRUE(settlements.count(place.name)) << place.name;
  }
  EXPECT_GT(named_settlements, 20u);
}

}  // namespace
}  // namespace siaga::server::places_api_test
