// The OSRM-compatible HTTP endpoints end to end over loopback, field by field: /route against the
// route engine and Dijkstra (GeoJSON and polyline, via points, steps, alternatives), /table against
// pairwise routes, /nearest against the snapper, every error with its OSRM code; and the text
// writers they use (polyline, GeoJSON written as text).
#include <gtest/gtest.h>
#include <httplib.h>

#include <cmath>
#include <random>

#include "json_writer.h"
#include "server/served_fixture.h"
#include "siaga/routing/alternatives.h"
#include "siaga/routing/route.h"
#include "siaga/routing/steps.h"
#include "siaga/server/osrm_api.h"
#include "siaga/server/polyline.h"
#include "test_support.h"

namespace siaga::server::osrm_http_test {
namespace {

TEST(HttpOsrm, RouteMatchesDijkstraFieldByField) {
  Served served;
  const auto [status, body] = served.get("/route/v1/driving/" + lon_lat(fire_station) + ";" +
                                         lon_lat(airport) + "?overview=full&geometries=geojson");
  ASSERT_EQ(status, 200);
  EXPECT_EQ(body["code"], "Ok");
  ASSERT_EQ(body["routes"].size(), 1u);
  const Json& route = body["routes"][0];
  const routing::Route expected = served.reference_route("car", fire_station, airport);
  ASSERT_TRUE(expected.found);
  EXPECT_EQ(route["duration"], seconds(expected.duration_ms));
  EXPECT_EQ(route["weight"], route["duration"]);
  EXPECT_EQ(route["weight_name"], "duration");
  EXPECT_NEAR(route["distance"].get<double>(), expected.distance_m, 0.06);
  ASSERT_EQ(route["legs"].size(), 1u);
  EXPECT_EQ(route["legs"][0]["duration"], route["duration"]);
  EXPECT_TRUE(route["legs"][0]["steps"].is_array());
  EXPECT_EQ(route["geometry"]["type"], "LineString");
  EXPECT_EQ(route["geometry"]["coordinates"].size(), expected.geometry.size());
  ASSERT_EQ(body["waypoints"].size(), 2u);
  for (const Json& waypoint : body["waypoints"]) {
    EXPECT_TRUE(waypoint["hint"].is_string());
    EXPECT_TRUE(waypoint["name"].is_string());
    EXPECT_LT(waypoint["distance"].get<double>(), 100);
    EXPECT_EQ(waypoint["location"].size(), 2u);
  }
  const geodata::Snap start = served.snapper.snap(fire_station);
  EXPECT_NEAR(body["waypoints"][0]["location"][0].get<double>(), start.position.lon, 1e-6);
  EXPECT_NEAR(body["waypoints"][0]["location"][1].get<double>(), start.position.lat, 1e-6);
  EXPECT_EQ(body["schematic"], true);
  const Json label = dispatch::dataset_label(served.network);
  for (const auto& [name, value] : label.items()) EXPECT_EQ(body[name], value) << name;
}

TEST(HttpOsrm, PolylineGeometryDecodesToTheGeoJsonOneAndViaPointsMakeLegs) {
  Served served;
  const std::string coordinates =
      lon_lat(fire_station) + ";" + lon_lat(galala) + ";" + lon_lat(airport);
  const auto [s1, geojson] = served.get("/route/v1/car/" + coordinates + "?geometries=geojson");
  const auto [s2, polyline] = served.get("/route/v1/car/" + coordinates);
  const auto [s3, polyline6] = served.get("/route/v1/car/" + coordinates + "?geometries=polyline6");
  const auto [s4, none] = served.get("/route/v1/car/" + coordinates + "?overview=false");
  ASSERT_EQ(s1 + s2 + s3 + s4, 800);
  const Json& legs = geojson["routes"][0]["legs"];
  ASSERT_EQ(legs.size(), 2u);
  EXPECT_NEAR(legs[0]["duration"].get<double>() + legs[1]["duration"].get<double>(),
              geojson["routes"][0]["duration"].get<double>(), 0.11);
  const Json& points = geojson["routes"][0]["geometry"]["coordinates"];
  for (const auto& [body, precision] : {std::pair{&polyline, 5}, std::pair{&polyline6, 6}}) {
    const auto decoded =
        decode_polyline((*body)["routes"][0]["geometry"].get<std::string>(), precision);
    ASSERT_TRUE(decoded);
    ASSERT_EQ(decoded->size(), points.size());
    const double tolerance = precision == 5 ? 1.1e-5 : 1.1e-6;
    for (size_t i = 0; i < points.size(); ++i) {
      EXPECT_NEAR((*decoded)[i].lon, points[i][0].get<double>(), tolerance);
      EXPECT_NEAR((*decoded)[i].lat, points[i][1].get<double>(), tolerance);
    }
  }
  EXPECT_FALSE(none["routes"][0].contains("geometry"));
  // The coordinates as a polyline, as OSRM clients may send them.
  const geodata::LatLon three[] = {fire_station, galala, airport};
  const auto [s5, again] =
      served.get("/route/v1/car/polyline(" + encode_polyline(three, 5) + ")?overview=false");
  ASSERT_EQ(s5, 200);
  EXPECT_NEAR(again["routes"][0]["duration"].get<double>(),
              none["routes"][0]["duration"].get<double>(), 5.0);  // points rounded to 1 m
}

// steps=true: every leg's steps in the shape OSRM clients read, adding up to the leg, from a
// depart to an arrive, with the road names and manoeuvres route_steps gives; a bad value is 400.
TEST(HttpOsrm, StepsAreTurnByTurnInOsrmShape) {
  Served served;
  const std::string coordinates =
      lon_lat(fire_station) + ";" + lon_lat(galala) + ";" + lon_lat(airport);
  const auto [status, body] =
      served.get("/route/v1/car/" + coordinates + "?steps=true&geometries=geojson");
  ASSERT_EQ(status, 200);
  const Json& legs = body["routes"][0]["legs"];
  ASSERT_EQ(legs.size(), 2u);
  for (const Json& leg : legs) {
    const Json& steps = leg["steps"];
    ASSERT_GE(steps.size(), 3u);
    EXPECT_EQ(steps.front()["maneuver"]["type"], "depart");
    EXPECT_EQ(steps.back()["maneuver"]["type"], "arrive");
    double distance = 0, duration = 0;
    for (const Json& step : steps) {
      distance += step["distance"].get<double>();
      duration += step["duration"].get<double>();
      EXPECT_EQ(step["mode"] == "driving" || step["mode"] == "ferry", true);
      EXPECT_EQ(step["driving_side"], "left");
      EXPECT_TRUE(step["name"].is_string());
      EXPECT_EQ(step["geometry"]["type"], "LineString");
      EXPECT_EQ(step["maneuver"]["location"], step["geometry"]["coordinates"][0]);
      EXPECT_EQ(step["intersections"][0]["location"], step["maneuver"]["location"]);
    }
    EXPECT_NEAR(distance, leg["distance"].get<double>(), 0.1 * steps.size());
    EXPECT_NEAR(duration, leg["duration"].get<double>(), 0.051 * steps.size());
  }
  // The first leg's steps are route_steps' own on the same engine's route.
  const auto set = served.live.current();
  const routing::CchMetric& car =
      set->metrics[routing::profile_index(served.live.profiles(), "car")];
  routing::CchQuery query(test::ambon_cch());
  const routing::Route first = routing::route_between(
      served.network, car, served.snapper.snap(fire_station), served.snapper.snap(galala), query);
  const std::vector<routing::Step> expected =
      routing::route_steps(served.network, car.arc_weight, first);
  const Json& steps = legs[0]["steps"];
  ASSERT_EQ(steps.size(), expected.size());
  // The arrival carries the side of the road the leg's destination lies on.
  EXPECT_EQ(steps.back()["maneuver"]["modifier"], routing::arrival_side(first, galala));
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(steps[i]["name"], expected[i].name);
    EXPECT_EQ(steps[i]["maneuver"]["type"], expected[i].type);
    if (i + 1 < expected.size()) {  // the arrival's is its side of the road, checked above
      EXPECT_EQ(steps[i]["maneuver"].value("modifier", ""), expected[i].modifier);
    }
    EXPECT_EQ(steps[i]["maneuver"]["bearing_before"], expected[i].bearing_before);
    EXPECT_EQ(steps[i]["maneuver"]["bearing_after"], expected[i].bearing_after);
    EXPECT_EQ(steps[i]["mode"], expected[i].ferry ? "ferry" : "driving");
    // Every junction route_steps lists, in OSRM's shape: `in` and `out` only where they apply.
    const Json& crossings = steps[i]["intersections"];
    ASSERT_EQ(crossings.size(), expected[i].intersections.size()) << "step " << i;
    for (size_t c = 0; c < crossings.size(); ++c) {
      const routing::Intersection& crossing = expected[i].intersections[c];
      EXPECT_EQ(crossings[c]["bearings"], Json(crossing.bearings));
      EXPECT_EQ(crossings[c]["entry"], Json(crossing.entry));
      EXPECT_EQ(crossings[c].value("in", -1), crossing.in);
      EXPECT_EQ(crossings[c].value("out", -1), crossing.out);
    }
  }
  // The default geometry: each step's polyline decodes to its GeoJSON line.
  const auto [polyline_status, encoded] =
      served.get("/route/v1/car/" + coordinates + "?steps=true");
  ASSERT_EQ(polyline_status, 200);
  const Json& encoded_steps = encoded["routes"][0]["legs"][0]["steps"];
  ASSERT_EQ(encoded_steps.size(), steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto decoded = decode_polyline(encoded_steps[i]["geometry"].get<std::string>(), 5);
    const Json& line = steps[i]["geometry"]["coordinates"];
    ASSERT_TRUE(decoded && decoded->size() == line.size()) << "step " << i;
    for (size_t k = 0; k < line.size(); ++k) {
      EXPECT_NEAR((*decoded)[k].lon, line[k][0].get<double>(), 1.1e-5);
      EXPECT_NEAR((*decoded)[k].lat, line[k][1].get<double>(), 1.1e-5);
    }
  }
  const auto [none_status, without] = served.get("/route/v1/car/" + coordinates);
  EXPECT_TRUE(without["routes"][0]["legs"][0]["steps"].empty());
  EXPECT_EQ(served.get("/route/v1/car/" + coordinates + "?steps=yes").first, 400);
}

// alternatives=true|N: the routes routes_with_alternatives finds on the same engine, fastest
// first; via points get one route (as OSRM); more than three is refused.
TEST(HttpOsrm, AlternativesAreTheEnginesSecondWaysRound) {
  Served served;
  const auto set = served.live.current();
  const routing::CchMetric& car =
      set->metrics[routing::profile_index(served.live.profiles(), "car")];
  routing::CchQuery query(test::ambon_cch());
  routing::AlternativeOptions options;
  options.max_alternatives = 2;
  int offered = 0;
  for (const auto& [from, to] : {std::pair{fire_station, airport}, std::pair{fire_station, galala},
                                 std::pair{galala, airport}}) {
    const auto expected = routing::routes_with_alternatives(
        served.network, test::ambon_cch(), car, served.snapper.snap(from), served.snapper.snap(to),
        query, options);
    const auto [status, body] = served.get("/route/v1/car/" + lon_lat(from) + ";" + lon_lat(to) +
                                           "?alternatives=2&overview=false");
    ASSERT_EQ(status, 200);
    ASSERT_EQ(body["routes"].size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i)
      EXPECT_EQ(body["routes"][i]["duration"], seconds(expected[i].duration_ms));
    offered += expected.size() > 1;
  }
  EXPECT_GT(offered, 0) << "somewhere on the island there is a second way";
  const std::string three = lon_lat(fire_station) + ";" + lon_lat(galala) + ";" + lon_lat(airport);
  EXPECT_EQ(served.get("/route/v1/car/" + three + "?alternatives=true").second["routes"].size(),
            1u);
  EXPECT_EQ(served.get("/route/v1/car/" + three + "?alternatives=4").first, 400);
}

TEST(HttpOsrm, ErrorsHaveOsrmCodesAnd400) {
  Served served;
  const std::string good = lon_lat(fire_station) + ";" + lon_lat(airport);
  const std::pair<std::string, std::string> cases[] = {
      {"/route/v1/driving/128.1,abc;128.2,-3.7", "InvalidQuery"},
      {"/route/v1/driving/128.1;128.2,-3.7", "InvalidQuery"},
      {"/route/v1/driving/polyline(!!)", "InvalidQuery"},
      {"/route/v1/driving/128.1,-95;128.2,-3.7", "InvalidValue"},
      {"/route/v1/driving/" + lon_lat(fire_station), "InvalidOptions"},
      {"/route/v1/bicycle/" + good, "InvalidOptions"},
      {"/route/v1/driving/" + good + "?frobnicate=1", "InvalidOptions"},
      {"/route/v1/driving/" + good + "?geometries=wkt", "InvalidOptions"},
      {"/route/v1/driving/" + good + "?overview=some", "InvalidOptions"},
      {"/route/v1/driving/" + good + "?radiuses=10", "InvalidOptions"},
      {"/route/v1/driving/" + good + "?radiuses=-1;5", "InvalidValue"},
      {"/route/v1/driving/127.90,-3.60;128.2,-3.67", "NoSegment"},  // the sea off Leihitu
      {"/table/v1/driving/" + good + "?sources=0;7", "InvalidOptions"},
      {"/table/v1/driving/" + good + "?annotations=speed", "InvalidOptions"},
      {"/nearest/v1/driving/" + good, "InvalidOptions"},
      {"/nearest/v1/driving/" + lon_lat(fire_station) + "?number=0", "InvalidOptions"},
  };
  for (const auto& [path, code] : cases) {
    const auto [status, body] = served.get(path);
    EXPECT_EQ(status, 400) << path;
    EXPECT_EQ(body["code"], code) << path;
    EXPECT_TRUE(body["message"].is_string()) << path;
  }
  std::string many;
  for (int i = 0; i < 101; ++i) {
    if (i) many += ';';
    many += lon_lat(fire_station);
  }
  EXPECT_EQ(served.get("/table/v1/driving/" + many).second["code"], "TooBig");
  // NoRoute: onto the bridge while the bridge is closed.
  served.live.activate("closure-jembatan-merah-putih");
  const auto [status, body] =
      served.get("/route/v1/driving/" + lon_lat(fire_station) + ";" + lon_lat(on_the_bridge));
  EXPECT_EQ(status, 400);
  EXPECT_EQ(body["code"], "NoRoute");
}

TEST(HttpOsrm, TableEqualsPairwiseRoutesAndNearestEqualsTheSnapper) {
  Served served;
  const geodata::LatLon places[] = {fire_station, airport, galala, {-3.6400, 128.2520}};
  std::string coordinates;
  for (const auto& place : places) {
    if (!coordinates.empty()) coordinates += ';';
    coordinates += lon_lat(place);
  }
  const auto [status, table] =
      served.get("/table/v1/ambulance/" + coordinates + "?annotations=duration,distance");
  ASSERT_EQ(status, 200);
  ASSERT_EQ(table["durations"].size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    for (size_t j = 0; j < 4; ++j) {
      const routing::Route expected = served.reference_route("ambulance", places[i], places[j]);
      EXPECT_EQ(table["durations"][i][j], seconds(expected.duration_ms)) << i << "," << j;
      EXPECT_NEAR(table["distances"][i][j].get<double>(), expected.distance_m, 0.06);
    }
  }
  const auto [s2, part] =
      served.get("/table/v1/ambulance/" + coordinates + "?sources=3&destinations=0;1");
  ASSERT_EQ(s2, 200);
  EXPECT_FALSE(part.contains("distances"));
  EXPECT_EQ(part["durations"],
            Json::array({Json::array({table["durations"][3][0], table["durations"][3][1]})}));
  EXPECT_EQ(part["sources"].size(), 1u);
  EXPECT_EQ(part["destinations"].size(), 2u);

  const auto [s3, nearest] = served.get("/nearest/v1/driving/" + lon_lat(fire_station) + ".json");
  ASSERT_EQ(s3, 200);
  const geodata::Snap snap = served.snapper.snap(fire_station);
  const Json& waypoint = nearest["waypoints"][0];
  EXPECT_NEAR(waypoint["distance"].get<double>(), snap.distance_m, 0.051);
  EXPECT_EQ(waypoint["nodes"], Json::array({served.network.node_osm_id[snap.tail],
                                            served.network.node_osm_id[snap.head]}));
}

TEST(Polyline, RoundTripsAndRefusesGarbage) {
  const geodata::LatLon points[] = {{38.5, -120.2}, {40.7, -120.95}, {43.252, -126.453}};
  EXPECT_EQ(encode_polyline(points, 5), "_p~iF~ps|U_ulLnnqC_mqNvxq`@");  // Google's example
  const auto decoded = decode_polyline("_p~iF~ps|U_ulLnnqC_mqNvxq`@", 5);
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->size(), 3u);
  EXPECT_NEAR((*decoded)[2].lon, -126.453, 1e-9);
  EXPECT_FALSE(decode_polyline("_p~iF", 5));
  EXPECT_FALSE(decode_polyline(std::string(40, '~'), 5));
}

// The route's GeoJSON is written as text, not built as Json: the same numbers, whatever the
// coordinate (negative, whole, a half micro-degree to round, far off the island).
TEST(JsonText, ALineStringWrittenAsTextParsesToTheSameNumbersAsItsJson) {
  std::mt19937_64 random(5);
  std::uniform_real_distribution<double> lat(-90, 90), lon(-180, 180), near(-0.5, 0.5);
  std::vector<geodata::LatLon> points = {{0, 0},
                                         {-3.693, 128.182},
                                         {-4, 128},
                                         {-0.0000005, 1.0000005},
                                         {89.9999996, -179.9999996},
                                         {-3.1234565, 128.0000004}};
  for (int i = 0; i < 2000; ++i) points.push_back({lat(random), lon(random)});
  for (int i = 0; i < 2000; ++i) points.push_back({-3.7 + near(random), 128.2 + near(random)});
  // Half micro-degrees and their neighbours, where rounding away from zero decides.
  std::uniform_int_distribution<int64_t> micro(-180'000'000, 180'000'000);
  for (int i = 0; i < 2000; ++i) {
    const double half = (static_cast<double>(micro(random)) + 0.5) / 1e6;
    points.push_back({std::nextafter(half, 0.0) / 2, half});
    points.push_back({-half / 2, std::nextafter(half, 1e3)});
  }
  const std::string text = dispatch::line_string_text(points);
  // (Not always the same text: Json writes some rounded doubles with 17 digits,
  // -3.6087920000000002.)
  EXPECT_TRUE(Json::parse(text) == dispatch::line_string(points)) << "different numbers";
  EXPECT_EQ(Json::parse(dispatch::line_string_text({})), dispatch::line_string({}));
  // A coordinate the text has no room for is refused, never written past the end.
  const std::vector<geodata::LatLon> broken = {{std::nan(""), 128}};
  EXPECT_THROW(dispatch::line_string_text(broken), ContractViolation);
  const std::vector<geodata::LatLon> far = {{-3.7, 12345.6}};
  EXPECT_THROW(dispatch::line_string_text(far), ContractViolation);
}

TEST(JsonText, AReplysMarkersBecomeTheirTextAndNothingElseIsTouched) {
  Reply reply;
  reply.body = {{"first", add_raw(reply, R"({"type":"LineString","coordinates":[[1.5,2.0]]})")},
                {"not_ours", "\x01raw:7"},
                {"second", Json::array({add_raw(reply, "[1,2,3]")})},
                {"text", "raw:0"}};
  const Json sent = Json::parse(reply_text(reply));
  EXPECT_EQ(sent["first"]["coordinates"][0][1], 2.0);
  EXPECT_EQ(sent["second"][0], Json::array({1, 2, 3}));
  EXPECT_EQ(sent["not_ours"], "\x01raw:7");
  EXPECT_EQ(sent["text"], "raw:0");
  EXPECT_EQ(reply_text(Reply{200, {{"a", 1}}}), R"({"a":1})");
  // A refusal quoting back bytes that are not UTF-8 is still sent, as JSON.
  const Reply refusal{400, {{"error", "near must be LAT,LON, not \xad\xad"}}};
  EXPECT_EQ(Json::parse(reply_text(refusal))["error"], "near must be LAT,LON, not \uFFFD\uFFFD");
}

// A second writer: random nested values written by JsonWriter and built as Json read back the same.
// Strings take every kind of byte: quotes, backslashes, control characters, UTF-8, and not UTF-8.
Json random_value(std::mt19937_64& random, JsonWriter& out, int depth) {
  const std::vector<std::string> texts = {"",
                                          "Jl. Sultan Hasanudin",
                                          "say \"halo\"",
                                          "a\\b",
                                          "tab\there\n",
                                          "\x01\x1f\x7f",
                                          "_p~iF~ps|U\\_ulL",
                                          "Café Tual",
                                          "\xad\xad broken"};
  std::uniform_real_distribution<double> any_double(-1e9, 1e9);
  const int kind = static_cast<int>(random() % (depth > 3 ? 5 : 7));
  const std::string& text = texts[random() % texts.size()];
  switch (kind) {
    case 0: {
      const double value = std::round(any_double(random) * 1e3) / (random() % 2 ? 1e3 : 1);
      out.number(value);
      return value;
    }
    case 1: {
      const auto value = static_cast<int64_t>(random()) / 3;
      out.integer(value);
      return value;
    }
    case 2: {
      const bool value = random() % 2;
      out.boolean(value);
      return value;
    }
    case 3:
      out.string(text);
      return Json(text);
    case 4:
      out.null();
      return nullptr;
    case 5: {
      Json array = Json::array();
      out.begin_array();
      for (size_t i = random() % 4; i > 0; --i)
        array.push_back(random_value(random, out, depth + 1));
      out.end_array();
      return array;
    }
    default: {
      Json object = Json::object();
      out.begin_object();
      for (size_t i = random() % 4; i > 0; --i) {
        const std::string name = "k" + std::to_string(i) + texts[random() % texts.size()];
        out.key(name);
        object[name] = random_value(random, out, depth + 1);
      }
      out.end_object();
      return object;
    }
  }
}

TEST(JsonText, TheWritersTextReadsBackAsTheJsonBuiltBesideIt) {
  std::mt19937_64 random(11);
  for (int round = 0; round < 500; ++round) {
    std::string text;
    JsonWriter out(text);
    out.begin_array();
    Json built = Json::array();
    for (int i = 0; i < 3; ++i) built.push_back(random_value(random, out, 0));
    out.end_array();
    Json read;
    ASSERT_NO_THROW(read = Json::parse(text)) << text;
    // Invalid UTF-8 reads back as U+FFFD, as Json::dump writes it.
    const Json expected = Json::parse(built.dump(-1, ' ', false, Json::error_handler_t::replace));
    ASSERT_EQ(read, expected) << text;
  }
  std::string text;
  JsonWriter(text).begin_object().key("nan").number(std::nan("")).end_object();
  EXPECT_EQ(text, R"({"nan":null})");
}

}  // namespace
}  // namespace siaga::server::osrm_http_test
