// Regions side by side (issue #18, part 3): Kota Ambon (81.71) and Maluku Tengah (81.01), each
// with its own half of the sample fleet, on one real Mosquitto; and mutual aid, where one
// region's server asks the other's for its units and merges the answers by arrival time.
#include <gtest/gtest.h>
#include <siaga.pb.h>

#include <mutex>
#include <thread>

#include "broker_fixture.h"
#include "server/served_fixture.h"
#include "siaga/mqtt/topics.h"
#include "siaga/server/ingest.h"
#include "siaga/server/mutual_aid.h"
#include "siaga/synth/sample_fleet.h"

namespace siaga::server::regions_test {
namespace {

using namespace std::chrono_literals;

TEST(Topics, VersionOneIsAsBeforeAndRegionsHaveTheirOwnRoots) {
  EXPECT_EQ(mqtt::fix_topic("AMB-01"), "siaga/v1/units/AMB-01/fix");
  EXPECT_EQ(mqtt::event_topic("dispatch"), "siaga/v1/events/dispatch");
  const mqtt::Topics ambon = mqtt::Topics::of_region("81.71");
  EXPECT_EQ(ambon.fix("AMB-01"), "siaga/v2/81.71/units/AMB-01/fix");
  EXPECT_EQ(ambon.status("AMB-01"), "siaga/v2/81.71/units/AMB-01/status");
  EXPECT_EQ(ambon.hazard("flood-1"), "siaga/v2/81.71/hazards/flood-1");
  EXPECT_EQ(ambon.event("incident"), "siaga/v2/81.71/events/incident");
  EXPECT_EQ(ambon.units_filter("fixes"), "siaga/v2/81.71/units/+/fixes");
  EXPECT_EQ(ambon.parse_unit("siaga/v2/81.71/units/AMB-01/fix")->unit_id, "AMB-01");
  EXPECT_EQ(ambon.parse_hazard("siaga/v2/81.71/hazards/flood-1"), "flood-1");
  const mqtt::Topics maluku_tengah = mqtt::Topics::of_region("81.01");
  EXPECT_FALSE(maluku_tengah.parse_unit("siaga/v2/81.71/units/AMB-01/fix"));
  EXPECT_FALSE(maluku_tengah.parse_hazard("siaga/v2/81.71/hazards/flood-1"));
  EXPECT_FALSE(mqtt::Topics{}.parse_unit("siaga/v2/81.71/units/AMB-01/fix"));
  EXPECT_FALSE(ambon.parse_unit("siaga/v1/units/AMB-01/fix"));
  for (const char* good : {"81", "81.71", "81.71.01", "81.71.01.1001"})
    EXPECT_TRUE(mqtt::Topics::valid_region(good)) << good;
  for (const char* bad : {"", "8", "817", "81.7", "81.71.", "81/71", "+", "#", "81.71.01.123",
                          "81.71.01.10011", "81.71.01.1001.01", "ab.cd"}) {
    EXPECT_FALSE(mqtt::Topics::valid_region(bad)) << bad;
    EXPECT_THROW(mqtt::Topics::of_region(bad), std::invalid_argument) << bad;
  }
}

// Half the sample fleet: the units at even (0) or odd (1) places.
tracking::Fleet half_of(const tracking::Fleet& fleet, size_t parity) {
  tracking::Fleet half = fleet;
  half.units.clear();
  for (size_t i = parity; i < fleet.units.size(); i += 2) half.units.push_back(fleet.units[i]);
  return half;
}

v1::Fix fix_at_home(const tracking::Unit& unit, int64_t time_ms) {
  v1::Fix fix;
  fix.set_unit_id(unit.id);
  fix.set_seq(1);
  fix.set_time_ms(time_ms);
  fix.set_lat(unit.home.lat);
  fix.set_lon(unit.home.lon);
  fix.set_accuracy_m(5);
  return fix;
}

TEST(Regions, TwoRegionsOnOneBrokerNeverSeeEachOthersFixes) {
  const tracking::Fleet fleet = synth::sample_fleet(test::ambon().network);
  test::TestBroker broker("regions", fleet);
  const mqtt::Topics topics[2] = {mqtt::Topics::of_region("81.71"),
                                  mqtt::Topics::of_region("81.01")};
  const tracking::Fleet halves[2] = {half_of(fleet, 0), half_of(fleet, 1)};
  tracking::TrackingStore ambon(halves[0], test::ambon().network);
  tracking::TrackingStore maluku_tengah(halves[1], test::ambon().network);
  tracking::TrackingStore* stores[2] = {&ambon, &maluku_tengah};
  std::vector<std::unique_ptr<Ingest>> engines;
  for (int r = 0; r < 2; ++r) {
    engines.push_back(std::make_unique<Ingest>(
        *stores[r], broker.client("engine-" + topics[r].region(), engine_user),
        Ingest::HazardHandler{}, Ingest::AcceptedHandler{}, Ingest::StatusHandler{}, topics[r]));
    engines.back()->start();
    ASSERT_TRUE(engines.back()->client().wait_connected(5s));
  }
  mqtt::Client trackers(broker.client("trackers", engine_user));
  trackers.start();
  ASSERT_TRUE(trackers.wait_connected(5s));

  // Every unit on its own region's topic; then each region's units also on version 1's topics,
  // which a region's engine does not take.
  const int64_t now = tracking::now_ms();
  for (int r = 0; r < 2; ++r) {
    for (const tracking::Unit& unit : halves[r].units)
      trackers.publish(topics[r].fix(unit.id), fix_at_home(unit, now - 2000).SerializeAsString());
  }
  for (const tracking::Unit& unit : fleet.units)
    trackers.publish(mqtt::fix_topic(unit.id), fix_at_home(unit, now - 1000).SerializeAsString());
  ASSERT_TRUE(trackers.wait_acknowledged(10s));
  for (int r = 0; r < 2; ++r) {
    const size_t expected = halves[r].units.size();
    for (int i = 0; i < 500 && stores[r]->counters().fixes_accepted < expected; ++i)
      std::this_thread::sleep_for(10ms);
  }
  std::this_thread::sleep_for(300ms);  // anything misrouted would arrive by now

  for (int r = 0; r < 2; ++r) {
    const tracking::Counters counters = stores[r]->counters();
    EXPECT_EQ(counters.fixes_accepted, halves[r].units.size()) << topics[r].region();
    uint64_t rejected = 0;
    for (uint64_t count : counters.rejected) rejected += count;
    EXPECT_EQ(rejected, 0u) << topics[r].region() << ": a message of the other region arrived";
    for (const tracking::Unit& unit : halves[r].units) {
      const auto state = stores[r]->unit(unit.id, tracking::now_ms());
      ASSERT_TRUE(state && state->fix) << unit.id;
      EXPECT_EQ(state->fix->time_ms, now - 2000) << "the version 1 fix must not have arrived";
    }
  }
  for (auto& engine : engines) engine->stop();
  trackers.stop();
}

// Two regions' credentials joined on one broker, both with the whole fleet: every name is its
// region's (AMB-01@81.71 and AMB-01@81.01, each with its own password), and neither a unit nor an
// engine can publish under the other region's root.
TEST(Regions, EachRegionHasItsOwnUsersOnASharedBroker) {
  const tracking::Fleet fleet = synth::sample_fleet(test::ambon().network);
  const mqtt::Topics ambon = mqtt::Topics::of_region("81.71");
  const mqtt::Topics maluku_tengah = mqtt::Topics::of_region("81.01");
  test::TestBroker broker("region-users", {{fleet, ambon}, {fleet, maluku_tengah}});
  const auto& ambon_users = broker.region_credentials(0).passwords;
  const auto& maluku_users = broker.region_credentials(1).passwords;
  ASSERT_TRUE(ambon_users.contains("AMB-01@81.71"));
  ASSERT_TRUE(maluku_users.contains("AMB-01@81.01"));
  EXPECT_NE(ambon_users.at("AMB-01@81.71"), maluku_users.at("AMB-01@81.01"));
  for (const auto& [user, password] : ambon_users)
    EXPECT_TRUE(user.ends_with("@81.71")) << user << " would clash with another region's";

  const auto login = [&](size_t region, const std::string& user, const std::string& id) {
    mqtt::ClientOptions options = broker.client(id);
    use_credentials(options, broker.region_credentials(region).credentials_file, user);
    return options;
  };
  std::mutex mutex;
  std::vector<std::string> heard;
  mqtt::Client engine(login(1, region_user(engine_user, maluku_tengah), "engine-81.01"),
                      [&](std::string_view topic, std::string_view) {
                        std::lock_guard lock(mutex);
                        heard.emplace_back(topic);
                      });
  engine.subscribe(maluku_tengah.root() + "/#");
  mqtt::Client own_unit(login(1, "AMB-01@81.01", "unit-81.01"));
  mqtt::Client other_unit(login(0, "AMB-01@81.71", "unit-81.71"));
  mqtt::Client other_engine(login(0, region_user(engine_user, ambon), "engine-81.71"));
  for (mqtt::Client* client : {&engine, &own_unit, &other_unit, &other_engine}) {
    client->start();
    ASSERT_TRUE(client->wait_connected(5s)) << "a region's user could not log in";
  }
  const std::string payload = fix_at_home(fleet.units[0], tracking::now_ms()).SerializeAsString();
  other_unit.publish(maluku_tengah.fix("AMB-01"), payload);
  other_engine.publish(maluku_tengah.event("dispatch"), payload);
  own_unit.publish(maluku_tengah.fix("AMB-01"), payload);
  for (mqtt::Client* client : {&own_unit, &other_unit, &other_engine})
    ASSERT_TRUE(client->wait_acknowledged(5s));
  ASSERT_TRUE(test::eventually([&] {
    std::lock_guard lock(mutex);
    return !heard.empty();
  }));
  std::this_thread::sleep_for(500ms);  // anything the ACL let through would be here by now
  std::lock_guard lock(mutex);
  EXPECT_EQ(heard, std::vector<std::string>{maluku_tengah.fix("AMB-01")})
      << "the other region's unit or engine published under 81.01";
}

// One region's server: half the fleet, each unit reporting from home, on a free port.
struct RegionServer {
  tracking::TrackingStore store;
  Api api;
  std::unique_ptr<HttpServer> server;

  RegionServer(Served& shared, const tracking::Fleet& fleet, const std::string& region)
      : store(fleet, shared.network), api{shared.network, shared.snapper, shared.live, store,
                                          shared.classes, shared.queries, {}} {
    api.topics = mqtt::Topics::of_region(region);
    const int64_t now = tracking::now_ms();
    for (const tracking::Unit& unit : fleet.units)
      store.submit_fix({unit.id, 1, now - 1000, unit.home.lat, unit.home.lon, 0, 0, 5, {}}, now);
    HttpOptions options;
    options.port = 0;
    server = std::make_unique<HttpServer>(api, options);
    server->start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
  void neighbours(std::vector<std::string> urls) {
    api.ask_neighbours = [urls](const Json& request) {
      return ask_neighbours(urls, request, 3000ms);
    };
  }
};

// The oracle: each region's own ranking computed here, merged by arrival time, ties to `first`.
std::vector<std::pair<std::string, std::string>> merged_by_hand(Served& shared,
                                                                RegionServer* regions[2],
                                                                geodata::LatLon at, size_t k) {
  struct Offer {
    double eta_s;
    int region;
    std::string unit_id;
  };
  std::vector<Offer> offers;
  routing::CchQuery query(test::ambon_cch());
  for (int r = 0; r < 2; ++r) {
    const dispatch::Ranking ranking =
        dispatch::rank_units({shared.network, shared.snapper, shared.live, shared.classes},
                             regions[r]->store.units(tracking::now_ms()), at, "fire", k, query);
    for (const auto& unit : ranking.recommended)
      offers.push_back({std::round(unit.eta_ms / 100.0) / 10, r, unit.state.unit.id});
  }
  std::stable_sort(offers.begin(), offers.end(),
                   [](const Offer& a, const Offer& b) { return a.eta_s < b.eta_s; });
  std::vector<std::pair<std::string, std::string>> merged;
  for (size_t i = 0; i < offers.size() && i < k; ++i)
    merged.emplace_back(regions[offers[i].region]->api.topics.region(), offers[i].unit_id);
  return merged;
}

TEST(Regions, MutualAidMergesTheNeighboursUnitsByArrivalTime) {
  Served shared;
  const tracking::Fleet& fleet = shared.store.fleet();
  RegionServer ambon(shared, half_of(fleet, 0), "81.71");
  RegionServer maluku_tengah(shared, half_of(fleet, 1), "81.01");
  // Each the other's neighbour: a neighbour asked answers with its own units and asks nobody.
  ambon.neighbours({maluku_tengah.url()});
  maluku_tengah.neighbours({ambon.url()});
  RegionServer* regions[2] = {&ambon, &maluku_tengah};

  httplib::Client client("127.0.0.1", ambon.server->port());
  for (const geodata::LatLon at : {geodata::LatLon{-3.70, 128.18}, geodata::LatLon{-3.69, 128.17},
                                   geodata::LatLon{-3.66, 128.20}}) {
    for (const size_t k : {3u, 8u, 100u}) {
      const Json request = {{"lat", at.lat}, {"lon", at.lon}, {"type", "fire"}, {"k", k}};
      const auto result = client.Post("/v1/recommend", request.dump(), "application/json");
      ASSERT_TRUE(result);
      ASSERT_EQ(result->status, 200) << result->body;
      const Json answer = Json::parse(result->body);
      const auto expected = merged_by_hand(shared, regions, at, k);
      ASSERT_EQ(answer["recommended"].size(), expected.size());
      std::set<std::string> regions_seen;
      for (size_t i = 0; i < expected.size(); ++i) {
        const Json& unit = answer["recommended"][i];
        EXPECT_EQ(unit["rank"], i + 1);
        EXPECT_EQ(unit["region"], expected[i].first) << i;
        EXPECT_EQ(unit["unit_id"], expected[i].second) << i;
        EXPECT_EQ(unit.contains("neighbour"), expected[i].first == "81.01") << i;
        regions_seen.insert(unit["region"].get<std::string>());
      }
      if (k == 100u) {
        EXPECT_EQ(regions_seen.size(), 2u) << "both fleets answer a call";
      }
      ASSERT_EQ(answer["mutual_aid"].size(), 1u);
      EXPECT_EQ(answer["mutual_aid"][0]["region"], "81.01");
      EXPECT_EQ(answer["region"], "81.71");
    }
  }

  // Without mutual aid, and with a neighbour that is down: this region's own units, in time.
  const Json own_only = {{"lat", -3.70}, {"lon", 128.18}, {"type", "fire"}, {"mutual_aid", false}};
  const Json alone = Json::parse(client.Post("/v1/recommend", own_only.dump(), "text/json")->body);
  EXPECT_FALSE(alone.contains("mutual_aid"));
  for (const Json& unit : alone["recommended"]) EXPECT_EQ(unit["region"], "81.71");
  const int nobody = test::free_loopback_port();
  ambon.neighbours({"http://127.0.0.1:" + std::to_string(nobody)});
  const Json request = {{"lat", -3.70}, {"lon", 128.18}, {"type", "fire"}};
  const auto lonely = client.Post("/v1/recommend", request.dump(), "application/json");
  ASSERT_TRUE(lonely);
  EXPECT_EQ(lonely->status, 200);
  const Json lonely_answer = Json::parse(lonely->body);
  ASSERT_EQ(lonely_answer["recommended"].size(), alone["recommended"].size());
  for (size_t i = 0; i < alone["recommended"].size(); ++i) {  // the same, but for the fixes' age
    EXPECT_EQ(lonely_answer["recommended"][i]["unit_id"], alone["recommended"][i]["unit_id"]);
    EXPECT_EQ(lonely_answer["recommended"][i]["eta_s"], alone["recommended"][i]["eta_s"]);
  }
  ASSERT_EQ(lonely_answer["mutual_aid"].size(), 1u);
  EXPECT_FALSE(lonely_answer["mutual_aid"][0]["error"].get<std::string>().empty());
  const Json bad = {{"lat", -3.70}, {"lon", 128.18}, {"type", "fire"}, {"mutual_aid", "yes"}};
  EXPECT_EQ(client.Post("/v1/recommend", bad.dump(), "application/json")->status, 400);
}

TEST(Regions, ANeighboursAnswerThatIsNotARankingIsReportedNotMerged) {
  Json own = {{"recommended", Json::array({{{"unit_id", "A"}, {"eta_s", 30.0}, {"rank", 1}}})}};
  std::vector<NeighbourAnswer> answers = {
      {"http://x", {{"region", "81.01"}, {"recommended", Json::array({{{"unit_id", "B"}}})}}, ""},
      {"http://y", {}, "timed out"},
      {"http://z",
       {{"region", "81.02"},
        {"recommended", Json::array({{{"unit_id", "C"}, {"eta_s", 10.0}, {"rank", 1}}})}},
       ""}};
  const Json merged = merge_mutual_aid(own, answers, 5);
  ASSERT_EQ(merged["recommended"].size(), 2u);  // B has no time: left out
  EXPECT_EQ(merged["recommended"][0]["unit_id"], "C");
  EXPECT_EQ(merged["recommended"][0]["region"], "81.02");
  EXPECT_EQ(merged["recommended"][1]["unit_id"], "A");
  EXPECT_EQ(merged["recommended"][1]["rank"], 2);
  EXPECT_EQ(merged["mutual_aid"][0]["units"], 0);
  EXPECT_EQ(merged["mutual_aid"][1]["error"], "timed out");
}

}  // namespace
}  // namespace siaga::server::regions_test
