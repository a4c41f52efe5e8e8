// Tracking through a real Mosquitto broker on a free loopback port: end to end, a broker restart
// mid-stream, and the engine (`siaga track`) killed with SIGKILL mid-stream. Nothing is mocked.
#include <gtest/gtest.h>
#include <siaga.pb.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <thread>

#include "broker_fixture.h"
#include "engine_process.h"
#include "siaga/mqtt/messages.h"
#include "siaga/mqtt/topics.h"
#include "siaga/server/broker_credentials.h"
#include "siaga/server/ingest.h"
#include "siaga/server/tracking_json.h"
#include "siaga/synth/fleet_sim.h"
#include "siaga/synth/sample_fleet.h"
#include "test_support.h"

namespace siaga::broker_test {
namespace {

using namespace std::chrono_literals;

const tracking::Fleet& fleet() {
  static const tracking::Fleet sample = synth::sample_fleet(test::ambon().network);
  return sample;
}

using test::engine_to;
using test::tracker_to;

// Unit `index` drives 10 m east per fix and back every 100 fixes (1 km at most), one fix a
// second of fix time, so every fix is plausible; fix times end well before now.
v1::Fix moving_fix(size_t index, uint64_t seq, int64_t base_ms) {
  const tracking::Unit& unit = fleet().units.at(index);
  const double step = static_cast<double>(seq % 200 < 100 ? seq % 200 : 200 - seq % 200);
  v1::Fix fix;
  fix.set_unit_id(unit.id);
  fix.set_seq(seq);
  fix.set_time_ms(base_ms + static_cast<int64_t>(seq) * 1000);
  fix.set_lat(unit.home.lat);
  fix.set_lon(unit.home.lon + 10 * step / (111'320.0 * std::cos(unit.home.lat * M_PI / 180)));
  fix.set_speed_mps(10);
  fix.set_accuracy_m(5);
  return fix;
}

using test::eventually;

bool all_reached(const tracking::TrackingStore& store, size_t units, uint64_t seq) {
  const auto states = store.units(tracking::now_ms());
  for (size_t u = 0; u < units; ++u) {
    if (!states[u].fix || states[u].fix->seq < seq) return false;
  }
  return true;
}

void expect_newest(const tracking::TrackingStore& store, size_t units, uint64_t seq,
                   int64_t base_ms) {
  const auto states = store.units(tracking::now_ms());
  for (size_t u = 0; u < units; ++u) {
    ASSERT_TRUE(states[u].fix) << states[u].unit.id;
    EXPECT_EQ(states[u].fix->seq, seq) << states[u].unit.id;
    const v1::Fix sent = moving_fix(u, seq, base_ms);
    EXPECT_EQ(states[u].fix->lat, sent.lat());
    EXPECT_EQ(states[u].fix->lon, sent.lon());
  }
}

// Every fix published was either accepted or recognised as one already received: none lost.
void expect_all_accounted(const tracking::Counters& counters, uint64_t published) {
  const auto count = [&](tracking::Rejection r) {
    return counters.rejected[static_cast<size_t>(r)];
  };
  EXPECT_GE(counters.fixes_accepted + count(tracking::Rejection::duplicate) +
                count(tracking::Rejection::out_of_order),
            published);
  EXPECT_EQ(counters.fixes_accepted + counters.rejected_total(),
            counters.fixes_accepted + count(tracking::Rejection::duplicate) +
                count(tracking::Rejection::out_of_order))
      << "no rejection other than redelivery";
}

// Over TLS (certificate made at test time) and authenticated, as in deployment.
TEST(MqttBroker, FixesStatusAndHazardsArriveEndToEndOverTls) {
  test::TestBroker broker("e2e", fleet(), test::Transport::tls);
  tracking::TrackingStore store(fleet(), test::ambon().network);
  std::atomic<int> hazards{0};
  server::Ingest ingest(store, engine_to(broker, "engine-e2e"), [&](const v1::HazardToggle& t) {
    if (t.zone_id() == "flood-1" && t.active()) ++hazards;
  });
  ingest.start();
  ASSERT_TRUE(ingest.client().wait_connected(5s));
  mqtt::Client tracker(tracker_to(broker, "tracker-e2e"));
  tracker.start();
  ASSERT_TRUE(tracker.wait_connected(5s));
  mqtt::Client dispatcher(engine_to(broker, "dispatcher-e2e"));  // hazards: the engine's user
  dispatcher.start();
  ASSERT_TRUE(dispatcher.wait_connected(5s));

  const int64_t base = tracking::now_ms() - 100'000;
  for (uint64_t seq = 1; seq <= 20; ++seq) {
    for (size_t u = 0; u < 5; ++u) {
      tracker.publish(mqtt::fix_topic(fleet().units[u].id),
                      moving_fix(u, seq, base).SerializeAsString());
    }
  }
  v1::StatusChange change;
  change.set_seq(1);
  change.set_status("out_of_service");
  tracker.publish(mqtt::status_topic(fleet().units[0].id), change.SerializeAsString());
  v1::HazardToggle toggle;
  toggle.set_active(true);
  dispatcher.publish(mqtt::hazard_topic("flood-1"), toggle.SerializeAsString());
  ASSERT_TRUE(tracker.wait_acknowledged(10s));
  ASSERT_TRUE(dispatcher.wait_acknowledged(10s));

  ASSERT_TRUE(eventually([&] { return all_reached(store, 5, 20) && hazards == 1; }));
  expect_newest(store, 5, 20, base);
  const geodata::Snapper snapper(test::ambon().network);
  for (const auto& state : store.units(tracking::now_ms())) {
    if (!state.fix) continue;
    const geodata::Snap snap = snapper.snap({state.fix->lat, state.fix->lon});
    ASSERT_TRUE(state.road);
    EXPECT_EQ(state.road->snap.tail, snap.tail);
    EXPECT_EQ(state.road->snap.head, snap.head);
    EXPECT_NEAR(state.road->snap.distance_m, snap.distance_m, 1e-9);
  }
  EXPECT_TRUE(eventually([&] {
    return store.unit(fleet().units[0].id, 0)->status == tracking::UnitStatus::out_of_service;
  }));
  EXPECT_EQ(store.counters().fixes_accepted, 100u);
  EXPECT_EQ(store.counters().rejected_total(), 0u);
}

// The broker with the credentials and ACL generated from the fleet: anonymous clients and wrong
// passwords are refused, a unit's tracker cannot speak for another unit nor toggle hazards, and
// the engine still gets what each unit says of itself.
TEST(MqttBroker, AuthenticatedBrokerKeepsEachUnitToItsOwnTopics) {
  test::TestBroker broker("auth", fleet());
  const std::string& own = fleet().units[0].id;
  const std::string& other = fleet().units[1].id;

  mqtt::Client anonymous(broker.client("anonymous"));
  anonymous.start();
  mqtt::ClientOptions wrong = broker.client("wrong");
  wrong.username = own;
  wrong.password = "not-the-password";
  mqtt::Client impostor(wrong);
  impostor.start();

  tracking::TrackingStore store(fleet(), test::ambon().network);
  std::atomic<int> hazards{0};
  server::Ingest ingest(store, engine_to(broker, "engine-auth"),
                        [&](const v1::HazardToggle&) { ++hazards; });
  ingest.start();
  ASSERT_TRUE(ingest.client().wait_connected(5s));
  mqtt::Client tracker(broker.client("tracker-auth", own));
  tracker.start();
  ASSERT_TRUE(tracker.wait_connected(5s));
  std::this_thread::sleep_for(200ms);

  const int64_t base = tracking::now_ms() - 100'000;
  tracker.publish(mqtt::fix_topic(other), moving_fix(1, 1, base).SerializeAsString());
  v1::HazardToggle toggle;
  toggle.set_active(true);
  tracker.publish(mqtt::hazard_topic("flood-1"), toggle.SerializeAsString());
  tracker.publish(mqtt::fix_topic(own), moving_fix(0, 1, base).SerializeAsString());
  ASSERT_TRUE(tracker.wait_acknowledged(10s));
  ASSERT_TRUE(eventually([&] { return store.unit(own, 0)->fix.has_value(); }));
  std::this_thread::sleep_for(300ms);  // anything the broker let through has arrived by now
  EXPECT_FALSE(store.unit(other, 0)->fix.has_value()) << "a unit spoke for another";
  EXPECT_EQ(hazards, 0) << "a unit toggled a hazard";
  EXPECT_EQ(store.counters().fixes_accepted, 1u);
  EXPECT_FALSE(anonymous.connected());
  EXPECT_FALSE(impostor.connected());
  EXPECT_EQ(anonymous.connect_count(), 0u);
  EXPECT_EQ(impostor.connect_count(), 0u);
}

constexpr size_t units = 10;
constexpr uint64_t fixes = 300;

// The stream of the fault tests: `fixes` rounds of one fix per unit, ~1 ms apart; `after_round`
// injects the fault.
template <typename AfterRound>
void publish_stream(mqtt::Client& tracker, int64_t base, AfterRound after_round) {
  for (uint64_t seq = 1; seq <= fixes; ++seq) {
    for (size_t u = 0; u < units; ++u) {
      tracker.publish(mqtt::fix_topic(fleet().units[u].id),
                      moving_fix(u, seq, base).SerializeAsString());
    }
    after_round(seq);
    std::this_thread::sleep_for(1ms);
  }
}

TEST(MqttBroker, BrokerRestartMidStreamLosesNoFix) {
  test::TestBroker broker("restart", fleet());
  tracking::TrackingStore store(fleet(), test::ambon().network);
  server::Ingest ingest(store, engine_to(broker, "engine-restart"));
  ingest.start();
  ASSERT_TRUE(ingest.client().wait_connected(5s));
  mqtt::Client tracker(tracker_to(broker, "tracker-restart"));
  tracker.start();
  ASSERT_TRUE(tracker.wait_connected(5s));
  std::this_thread::sleep_for(200ms);

  const int64_t base = tracking::now_ms() - 400'000;
  publish_stream(tracker, base, [&](uint64_t seq) {
    if (seq == fixes / 2) broker.restart();  // both clients lose the link mid-stream
  });
  ASSERT_TRUE(tracker.wait_acknowledged(60s)) << tracker.unacknowledged() << " unacknowledged";
  ASSERT_TRUE(eventually([&] { return all_reached(store, units, fixes); }, 60s));
  expect_newest(store, units, fixes, base);
  expect_all_accounted(store.counters(), units * fixes);
  EXPECT_GE(ingest.client().connect_count(), 2u) << "the engine reconnected";
}

TEST(MqttBroker, EngineKilledWithSigkillRestartsWithNothingLost) {
  test::TestBroker broker("sigkill", fleet());
  const auto dir = test::fresh_directory("sigkill");
  std::ofstream(dir / "fleet.json") << tracking::fleet_json(fleet());
  test::EngineProcess engine(broker, dir, "kill");
  ASSERT_TRUE(engine.start()) << "siaga track did not get ready";
  mqtt::Client tracker(tracker_to(broker, "tracker-kill"));
  tracker.start();
  ASSERT_TRUE(tracker.wait_connected(5s));

  const int64_t base = tracking::now_ms() - 400'000;
  publish_stream(tracker, base, [&](uint64_t seq) {
    if (seq == 120) engine.stop(SIGKILL);  // mid-stream; the broker queues what follows
    if (seq == 180) {
      EXPECT_TRUE(engine.start());
    }
  });
  ASSERT_TRUE(tracker.wait_acknowledged(60s));
  ASSERT_TRUE(eventually(
      [&] {
        const auto store = test::read_state(fleet(), dir);
        return all_reached(store, units, fixes);
      },
      60s));
  engine.stop(SIGTERM);
  const tracking::TrackingStore store = test::read_state(fleet(), dir);
  expect_newest(store, units, fixes, base);
  expect_all_accounted(store.counters(), units * fixes);
  std::filesystem::remove_all(dir);
}

// The simulator with every fault on, dropping its link twice a second: the engine's counts
// reconcile with what was sent and every unit ends on its newest fix.
TEST(MqttBroker, FleetSimWithFaultsReconcilesWithTheEngine) {
  test::TestBroker broker("sim", fleet());
  tracking::TrackingStore store(fleet(), test::ambon().network);
  server::Ingest ingest(store, engine_to(broker, "engine-sim"));
  ingest.start();
  ASSERT_TRUE(ingest.client().wait_connected(5s));
  std::this_thread::sleep_for(200ms);
  synth::FleetSimOptions options;
  options.mqtt = tracker_to(broker, "fleet-sim");
  options.units = 10;
  options.rate_hz = 20;
  options.duration_s = 2;
  options.duplicate = 0.1;
  options.out_of_order = 0.1;
  options.bad_payload = 0.1;
  options.disconnect_every_s = 0.5;
  const std::atomic<bool> stop{false};
  const synth::FleetSimReport sent =
      synth::run_fleet_sim(test::ambon().network, fleet(), options, stop);
  ASSERT_TRUE(sent.all_acknowledged);
  EXPECT_GE(sent.disconnects, 3u);
  EXPECT_GT(sent.duplicates + sent.out_of_order + sent.bad_payloads, 0u);
  const uint64_t last_seq = sent.fixes / options.units;
  ASSERT_TRUE(eventually([&] {
    const tracking::Counters c = store.counters();
    return c.fixes_accepted + c.rejected_total() >= sent.messages() &&
           all_reached(store, 10, last_seq);
  })) << server::counters_json(store.counters()).dump();
  const tracking::Counters counters = store.counters();
  const auto count = [&](tracking::Rejection r) {
    return counters.rejected[static_cast<size_t>(r)];
  };
  // MQTT is at-least-once: a message in flight when the link dropped is sent again, garbage
  // included, so each reason may exceed what was sent, but only by what arrived more than once.
  const uint64_t received = counters.fixes_accepted + counters.rejected_total();
  ASSERT_GE(received, sent.messages());
  const uint64_t arrived_again = received - sent.messages();
  EXPECT_GE(count(tracking::Rejection::undecodable), sent.bad_payloads);
  EXPECT_LE(count(tracking::Rejection::undecodable), sent.bad_payloads + arrived_again);
  EXPECT_GE(count(tracking::Rejection::duplicate), sent.duplicates);
  EXPECT_EQ(counters.fixes_accepted + count(tracking::Rejection::duplicate) +
                count(tracking::Rejection::out_of_order) + count(tracking::Rejection::undecodable),
            counters.fixes_accepted + counters.rejected_total())
      << "no other rejection: the simulated fixes are all plausible";
}

}  // namespace
}  // namespace siaga::broker_test
