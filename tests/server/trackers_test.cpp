// The trackers Ambon's fleets already carry, each in the request shapes of its own public
// documentation, written here by hand: Traccar Client and OsmAnd (query, form, and Traccar
// Client 9's JSON), OwnTracks in HTTP mode, a Traccar server's JSON position forwarding over HTTP
// and over MQTT. Every refusal has its status and is counted by reason; HTTPS on its own port.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cmath>

#include "broker_fixture.h"
#include "siaga/server/broker_credentials.h"
#include "siaga/server/ingest.h"
#include "siaga/server/tracker_server.h"
#include "test_support.h"

namespace siaga::server::trackers_test {
namespace {

namespace fs = std::filesystem;
const std::string phone_secret = "secret-of-amb01-phone";
const std::string owntracks_secret = "secret-of-janes-phone";
const std::string forwarder_secret = "secret-of-dinkes-traccar";

// The sample fleet, with AMB-01 carrying Traccar Client (id 48241179), POL-01 an OwnTracks phone
// in HTTP mode (jane/phone), DMK-01 a GPS box behind Dinkes' Traccar server (IMEI
// 358240051111110), and that server as a forwarder.
tracking::Fleet fleet() {
  tracking::Fleet fleet =
      tracking::load_fleet(test::source_dir / "geodata/ambon/fleet-sample.json");
  for (tracking::Unit& unit : fleet.units) {
    if (unit.id == "AMB-01") unit.trackers.push_back({"48241179", phone_secret});
    if (unit.id == "POL-01") unit.trackers.push_back({"jane/phone", owntracks_secret});
    if (unit.id == "DMK-01") unit.trackers.push_back({"358240051111110", ""});
  }
  fleet.forwarders.push_back({"traccar-dinkes", forwarder_secret});
  return fleet;
}

int64_t now_s() {
  return tracking::now_ms() / 1000;
}

struct Listening {
  tracking::TrackingStore store{fleet(), test::ambon().network};
  TrackerIntake intake{store};
  std::unique_ptr<TrackerServer> server;
  std::unique_ptr<httplib::Client> client;

  explicit Listening(TrackerListenOptions options = {}) {
    options.port = 0;
    server = std::make_unique<TrackerServer>(intake, options);
    server->start();
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
  }
  uint64_t rejected(tracking::Rejection reason) const {
    return store.counters().rejected[static_cast<size_t>(reason)];
  }
  tracking::PositionFix newest(const std::string& unit) const {
    return *store.unit(unit, tracking::now_ms())->fix;
  }
};

// HTTP Basic's header, base64 written out here.
std::string basic(const std::string& user, const std::string& password) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string plain = user + ":" + password;
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(plain[i])); };
  std::string out;
  for (size_t i = 0; i < plain.size(); i += 3) {
    const size_t left = plain.size() - i;
    const uint32_t bits =
        byte(i) << 16 | (left > 1 ? byte(i + 1) << 8 : 0) | (left > 2 ? byte(i + 2) : 0);
    out += alphabet[bits >> 18 & 63];
    out += alphabet[bits >> 12 & 63];
    out += left > 1 ? alphabet[bits >> 6 & 63] : '=';
    out += left > 2 ? alphabet[bits & 63] : '=';
  }
  return "Basic " + out;
}

TEST(Trackers, TraccarClientAndOsmAndQueryAndFormParameters) {
  // Python's base64 says so.
  ASSERT_EQ(basic("48241179", phone_secret), "Basic NDgyNDExNzk6c2VjcmV0LW9mLWFtYjAxLXBob25l");
  Listening l;
  // https://www.traccar.org/osmand/: GET /?id=…&lat=…&lon=…&timestamp=…&hdop=…&altitude=…&speed=…
  const int64_t t = now_s() - 60;
  auto reply =
      l.client->Get(("/?id=48241179&lat=-3.6954&lon=128.1814&timestamp=" + std::to_string(t) +
                     "&hdop=1.2&altitude=12&speed=10&bearing=90" + "&batt=76&key=" + phone_secret)
                        .c_str());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200) << reply->body;
  tracking::PositionFix fix = l.newest("AMB-01");
  EXPECT_EQ(fix.time_ms, t * 1000) << "seconds since the epoch";
  EXPECT_NEAR(fix.speed_mps, 10 * 0.514444, 1e-4) << "OsmAnd's speed is in knots";
  EXPECT_EQ(fix.heading_deg, 90);
  EXPECT_NEAR(fix.accuracy_m, 6, 1e-4) << "hdop 1.2 × 5 m, without an accuracy";
  EXPECT_NEAR(*fix.battery, 0.76, 1e-6);
  EXPECT_EQ(fix.seq, static_cast<uint64_t>(t * 1000));
  // A form post with deviceid and milliseconds, the secret as HTTP Basic's password.
  const int64_t t_ms = (t + 5) * 1000 + 250;
  httplib::Headers auth = {{"Authorization", basic("48241179", phone_secret)}};
  reply = l.client->Post("/osmand", auth,
                         "deviceid=48241179&lat=-3.6956&lon=128.1816&timestamp=" +
                             std::to_string(t_ms) + "&accuracy=4.5&speed=0",
                         "application/x-www-form-urlencoded");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(l.newest("AMB-01").time_ms, t_ms);
  EXPECT_EQ(l.newest("AMB-01").accuracy_m, 4.5f);
  // ISO 8601 and "yyyy-MM-dd HH:mm:ss", both UTC, on a fresh store (they are hours older).
  Listening fresh;
  for (const auto& [time, ms] : {std::pair{"2026-12-02T01%3A00%3A10.500Z", 1'796'173'210'500},
                                 std::pair{"2026-12-02%2001%3A00%3A20", 1'796'173'220'000}}) {
    reply =
        fresh.client->Get(("/?id=48241179&lat=-3.6957&lon=128.1817&timestamp=" + std::string(time) +
                           "&key=" + phone_secret)
                              .c_str());
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200) << reply->body;
    EXPECT_FALSE(reply->has_header("X-Siaga-Refused")) << reply->body;
    EXPECT_EQ(fresh.newest("AMB-01").time_ms, ms);
  }
  EXPECT_EQ(parse_tracker_time("2026-12-02T01:00:10.500Z"), 1'796'173'210'500);
  EXPECT_EQ(parse_tracker_time("2026-12-02T10:00:10+09:00"), 1'796'173'210'000);
  EXPECT_EQ(parse_tracker_time("2026-12-02 01:00:20"), 1'796'173'220'000);
  EXPECT_EQ(parse_tracker_time("1796173220"), 1'796'173'220'000);
  EXPECT_EQ(parse_tracker_time("1796173220123"), 1'796'173'220'123);
}

TEST(Trackers, TraccarClientJsonBody) {
  Listening l;
  // https://www.traccar.org/osmand/, the JSON of Traccar Client 9 and later (speed in m/s).
  const std::string body = R"({
    "location": {
      "timestamp": "2026-12-02T01:00:00.000Z",
      "coords": {"latitude": -3.6954, "longitude": 128.1814, "accuracy": 8, "speed": 12.5,
                 "heading": 270, "altitude": 20},
      "is_moving": true, "odometer": 1200, "event": "motionchange",
      "battery": {"level": 0.55, "is_charging": false},
      "activity": {"type": "in_vehicle"}, "extras": {}
    },
    "device_id": "48241179"
  })";
  const auto reply =
      l.client->Post("/", {{"Authorization", "Bearer " + phone_secret}}, body, "application/json");
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->status, 200) << reply->body;
  const tracking::PositionFix fix = l.newest("AMB-01");
  EXPECT_EQ(fix.time_ms, 1'796'173'200'000);
  EXPECT_EQ(fix.speed_mps, 12.5f) << "the JSON's speed is already m/s";
  EXPECT_EQ(fix.heading_deg, 270);
  EXPECT_NEAR(*fix.battery, 0.55, 1e-6);
}

TEST(Trackers, OwnTracksInHttpModeIsAnsweredWithAnEmptyList) {
  Listening l;
  // https://owntracks.org/booklet/tech/http/: POST the location JSON; the app names itself in
  // X-Limit-U and X-Limit-D and expects a JSON array back.
  const int64_t tst = now_s() - 30;
  const std::string body = R"({"_type":"location","acc":12,"alt":5,"batt":80,"bs":1,"lat":-3.6930,)"
                           R"("lon":128.1820,"tid":"jp","tst":)" +
                           std::to_string(tst) + R"(,"vel":36})";
  const httplib::Headers headers = {{"X-Limit-U", "jane"},
                                    {"X-Limit-D", "phone"},
                                    {"Authorization", basic("jane", owntracks_secret)}};
  auto reply = l.client->Post("/owntracks", headers, body, "application/json");
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(reply->body, "[]");
  const tracking::PositionFix fix = l.newest("POL-01");
  EXPECT_EQ(fix.time_ms, tst * 1000);
  EXPECT_NEAR(fix.speed_mps, 10, 1e-4) << "vel is km/h";
  // The same location again (the app resending after a lost answer): refused, still the list.
  reply = l.client->Post("/owntracks", headers, body, "application/json");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "[]");
  EXPECT_EQ(reply->get_header_value("X-Siaga-Refused"), "duplicate");
  // Not a location: nothing to do, and still the list the app expects.
  reply = l.client->Post("/owntracks", headers, R"({"_type":"lwt","tst":1})", "application/json");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "[]");
}

// The JSON a Traccar server posts with forward.type=json (a position and its device), as its
// users post it: speed in knots, batteryLevel in percent, fixTime with an offset.
std::string forwarded(const std::string& unique_id, const std::string& fix_time, double lat) {
  return R"({"position": {"id": 12345, "attributes": {"batteryLevel": 85, "distance": 15.4,
      "motion": true}, "deviceId": 10, "protocol": "gt06",
      "serverTime": "2026-12-02T01:00:01.000+00:00", "deviceTime": ")" +
         fix_time + R"(", "fixTime": ")" + fix_time +
         R"(", "outdated": false, "valid": true, "latitude": )" + std::to_string(lat) +
         R"(, "longitude": 128.1814, "altitude": 12.0, "speed": 13.5, "course": 180.0,
      "address": null, "accuracy": 0.0, "network": null},
    "device": {"id": 10, "name": "Damkar 1", "uniqueId": ")" +
         unique_id + R"(", "status": "online", "disabled": false}})";
}

TEST(Trackers, TraccarForwardingOverHttpAndOverMqtt) {
  Listening l;
  const httplib::Headers forwarder = {{"Authorization", "Bearer " + forwarder_secret}};
  auto reply = l.client->Post(
      "/traccar", forwarder, forwarded("358240051111110", "2026-12-02T10:00:00.000+09:00", -3.6954),
      "application/json");
  ASSERT_TRUE(reply);
  ASSERT_EQ(reply->status, 200) << reply->body;
  tracking::PositionFix fix = l.newest("DMK-01");
  EXPECT_EQ(fix.time_ms, 1'796'173'200'000);
  EXPECT_NEAR(fix.speed_mps, 13.5 * 0.514444, 1e-4) << "Traccar's speed is knots";
  EXPECT_NEAR(*fix.battery, 0.85, 1e-6);
  EXPECT_EQ(fix.heading_deg, 180);

  // The same JSON over MQTT (forward.type=mqtt), through a real broker whose ACL lets the
  // forwarder publish on traccar/positions only.
  test::TestBroker broker("trackers", l.store.fleet());
  Ingest ingest(l.store, broker.client("trackers-engine", engine_user));
  ingest.start();
  ASSERT_TRUE(ingest.client().wait_connected(std::chrono::seconds(10)));
  mqtt::Client traccar(broker.client("trackers-traccar", "traccar-dinkes"));
  traccar.start();
  ASSERT_TRUE(traccar.wait_connected(std::chrono::seconds(10)));
  traccar.publish(std::string(traccar_topic),
                  forwarded("358240051111110", "2026-12-02T01:00:30.000Z", -3.6955));
  EXPECT_TRUE(test::eventually([&] { return l.newest("DMK-01").time_ms == 1'796'173'230'000; }))
      << "the forwarded position never arrived";
  traccar.stop();
  ingest.stop();
}

TEST(Trackers, EveryRefusalHasItsStatusAndIsCountedByReason) {
  Listening l;
  using tracking::Rejection;
  const auto get = [&](const std::string& query) {
    const auto reply = l.client->Get(("/?" + query).c_str());
    return reply ? reply->status : 0;
  };
  // A position the store will never take is answered 200, so that the app drops it instead of
  // resending it forever, with the reason in X-Siaga-Refused.
  const auto refused = [&](const std::string& query) {
    const auto reply = l.client->Get(("/?" + query).c_str());
    if (!reply) return std::string("no answer");
    if (reply->status != 200) return "HTTP " + std::to_string(reply->status);
    return reply->get_header_value("X-Siaga-Refused");
  };
  const std::string key = "&key=" + phone_secret;
  const std::string when = "&timestamp=" + std::to_string(now_s() - 100);
  EXPECT_EQ(get("lat=-3.6954&lon=128.1814" + when + key), 400);  // no id
  EXPECT_EQ(get("id=48241179&lat=-3.6954&lon=128.1814&timestamp=yesterday" + key), 400);
  EXPECT_EQ(get("id=48241179&lat=north&lon=128.1814" + when + key), 400);
  EXPECT_EQ(l.rejected(Rejection::undecodable), 3u);
  EXPECT_EQ(get("id=48241179&lat=-3.6954&lon=128.1814" + when + "&key=not-the-secret"), 401);
  EXPECT_EQ(get("id=48241179&lat=-3.6954&lon=128.1814" + when), 401);  // no secret at all
  EXPECT_EQ(l.rejected(Rejection::unauthorized), 2u);
  EXPECT_EQ(get("id=99999&lat=-3.6954&lon=128.1814" + when + key), 403);
  EXPECT_EQ(l.rejected(Rejection::unknown_unit), 1u);
  EXPECT_EQ(refused("id=48241179&lat=-3.9000&lon=128.2000" + when + key), "off_island");
  EXPECT_EQ(l.rejected(Rejection::off_island), 1u);
  EXPECT_EQ(refused("id=48241179&lat=-3.6954&lon=128.1814" + when + key), "");           // accepted
  EXPECT_EQ(refused("id=48241179&lat=-3.6954&lon=128.1814" + when + key), "duplicate");  // replayed
  EXPECT_EQ(l.rejected(Rejection::duplicate), 1u);
  EXPECT_EQ(refused("id=48241179&lat=-3.6954&lon=128.1814&timestamp=" +
                    std::to_string(now_s() - 200) + key),
            "out_of_order");
  // Ten seconds later 20 km away: a jump no ambulance makes (a box sending the wrong unit).
  EXPECT_EQ(refused("id=48241179&lat=-3.5200&lon=128.2000&timestamp=" +
                    std::to_string(now_s() - 90) + key),
            "impossible_speed");
  EXPECT_EQ(l.rejected(Rejection::impossible_speed), 1u);
  // Ten minutes ahead: the phone's clock is wrong.
  EXPECT_EQ(refused("id=48241179&lat=-3.6954&lon=128.1814&timestamp=" +
                    std::to_string(now_s() + 600) + key),
            "from_the_future");
  // A box without a GPS fix says so; a wrong secret is still refused first.
  EXPECT_EQ(refused("id=48241179&lat=0&lon=0&valid=false" + when + key), "invalid_fix");
  EXPECT_EQ(get("id=48241179&lat=0&lon=0&valid=false" + when), 401);
  EXPECT_EQ(l.rejected(Rejection::invalid_fix), 1u);
  // A forwarder without its token, and bodies over the limit.
  const auto reply = l.client->Post(
      "/traccar", forwarded("358240051111110", "2026-12-02T01:00:00Z", -3.69), "application/json");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(l.rejected(Rejection::unauthorized), 4u);
  const auto huge = l.client->Post("/", std::string(64 * 1024, '{'), "application/json");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  EXPECT_EQ(l.rejected(Rejection::too_large), 1u);
  EXPECT_EQ(l.store.counters().fixes_accepted, 1u) << "only the one good fix";
}

TEST(Trackers, TheListenerSpeaksHttpsWithACertificate) {
  const fs::path dir = test::fresh_directory("trackers-tls");
  const BrokerCertificate tls = write_broker_certificate(dir, "127.0.0.1");
  TrackerListenOptions options;
  options.certificate = tls.certificate;
  options.key = tls.key;
  Listening l(options);
  EXPECT_TRUE(l.server->https());
  httplib::SSLClient secure("127.0.0.1", l.server->port());
  secure.set_ca_cert_path(tls.certificate.c_str());
  secure.enable_server_certificate_verification(true);
  const auto reply = secure.Get(("/?id=48241179&lat=-3.6954&lon=128.1814&timestamp=" +
                                 std::to_string(now_s() - 10) + "&key=" + phone_secret)
                                    .c_str());
  ASSERT_TRUE(reply) << httplib::to_string(reply.error());
  EXPECT_EQ(reply->status, 200) << reply->body;
  // Plain HTTP to the HTTPS port gets no answer.
  httplib::Client plain("127.0.0.1", l.server->port());
  plain.set_read_timeout(2, 0);
  const auto refused = plain.Get("/?id=48241179");
  EXPECT_TRUE(!refused || refused->status >= 400);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace siaga::server::trackers_test
