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
#include <memory>
#include <mutex>
#include <thread>

#include "broker_fixture.h"
#include "engine_process.h"
#include "siaga/mqtt/messages.h"
#include "siaga/mqtt/outbox.h"
#include "siaga/mqtt/topics.h"
#include "siaga/server/broker_credentials.h"
#include "siaga/server/ingest.h"
#include "siaga/server/tracking_json.h"
#include "siaga/synth/fleet_sim.h"
#include "siaga/synth/sample_fleet.h"
#include "test_support.h"

namespace siaga {
namespace {

using namespace std::chrono_literals;

const tracking::Fleet& fleet() {
  static const tracking::Fleet sample = synth::sample_fleet(test::ambon().network);
  return sample;
}

// The engine's session and a tracker's, logged in with the credentials generated from the fleet
// (the simulator's user: fixes of any unit, nothing else).
mqtt::ClientOptions engine_to(const test::TestBroker& broker, const std::string& id) {
  return broker.client(id, server::engine_user);
}
mqtt::ClientOptions tracker_to(const test::TestBroker& broker, const std::string& id) {
  return broker.client(id, server::simulator_user);
}

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

// A client that does not speak TLS gets nowhere with a TLS listener, and a TLS client that does
// not trust the broker's certificate refuses it.
TEST(MqttBroker, TlsListenerRefusesPlainClientsAndUntrustedCertificates) {
  test::TestBroker broker("tls", fleet(), test::Transport::tls);
  mqtt::ClientOptions plain = engine_to(broker, "plain");
  plain.ca_file.clear();
  mqtt::Client plain_client(plain);
  plain_client.start();
  test::TestBroker other("tls-other", fleet(), test::Transport::tls);
  mqtt::ClientOptions untrusting = engine_to(broker, "untrusting");
  untrusting.ca_file = other.ca_file();  // another broker's certificate
  mqtt::Client untrusting_client(untrusting);
  untrusting_client.start();
  mqtt::Client trusting(engine_to(broker, "trusting"));
  trusting.start();
  ASSERT_TRUE(trusting.wait_connected(5s));
  std::this_thread::sleep_for(1s);  // time for the others to have tried
  EXPECT_FALSE(plain_client.connected());
  EXPECT_EQ(plain_client.connect_count(), 0u);
  EXPECT_FALSE(untrusting_client.connected());
  EXPECT_EQ(untrusting_client.connect_count(), 0u);
}

// A broker that dies mid-session (power cut, OOM kill) ends its TLS streams without a
// close_notify. libmosquitto's own network thread takes that as fatal and ends for good; the
// client must go on reconnecting, or a tracker (or the engine) goes silent until restarted.
TEST(MqttBroker, TlsClientsReconnectAfterTheBrokerIsKilled) {
  test::TestBroker broker("tls-kill", fleet(), test::Transport::tls);
  std::vector<std::unique_ptr<mqtt::Client>> clients;
  for (size_t i = 0; i < 8; ++i) {
    clients.push_back(
        std::make_unique<mqtt::Client>(engine_to(broker, "kill-" + std::to_string(i))));
    clients.back()->start();
  }
  for (const auto& client : clients) ASSERT_TRUE(client->wait_connected(5s));
  for (uint64_t kills = 1; kills <= 3; ++kills) {
    broker.kill();
    ASSERT_TRUE(eventually(
        [&] {
          for (const auto& client : clients)
            if (client->connected()) return false;
          return true;
        },
        10s));
    broker.start();
    for (size_t i = 0; i < clients.size(); ++i) {
      EXPECT_TRUE(eventually([&] { return clients[i]->connect_count() > kills; }, 30s))
          << "client " << i << " did not reconnect after kill " << kills;
    }
  }
  for (const auto& client : clients) {
    client->publish(mqtt::fix_topic(fleet().units[0].id), "x");
    EXPECT_TRUE(client->wait_acknowledged(10s));
  }
}

// What an operator reads on the engine's stderr: the link coming up, going down and coming back,
// and a refused password; nothing said twice in a row, however often the client retries.
TEST(MqttBroker, LinkChangesAndRefusalsAreToldOnceEach) {
  test::TestBroker broker("link-log", fleet(), test::Transport::tls);
  struct Log {
    std::mutex mutex;
    std::vector<std::string> lines;
    std::vector<std::string> read() {
      std::lock_guard lock(mutex);
      return lines;
    }
  };
  const auto logged_into = [](Log& log) {
    return [&log](const std::string& message) {
      std::lock_guard lock(log.mutex);
      log.lines.push_back(message);
    };
  };
  Log good_log, bad_log;
  mqtt::ClientOptions good = engine_to(broker, "link-good");
  good.on_link_change = logged_into(good_log);
  mqtt::ClientOptions bad = engine_to(broker, "link-bad");
  bad.password = "not-the-password";
  bad.on_link_change = logged_into(bad_log);
  mqtt::Client good_client(good);
  mqtt::Client bad_client(bad);
  good_client.start();
  bad_client.start();
  ASSERT_TRUE(good_client.wait_connected(5s));
  broker.kill();
  ASSERT_TRUE(eventually([&] { return !good_client.connected(); }, 10s));
  std::this_thread::sleep_for(2s);  // retries against a closed port
  broker.start();
  ASSERT_TRUE(eventually([&] { return good_client.connect_count() == 2; }, 30s));
  std::this_thread::sleep_for(3s);  // the refused client retries meanwhile

  const std::string where = "127.0.0.1:" + std::to_string(broker.port());
  const std::vector<std::string> lines = good_log.read();
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines.front(), "connected to " + where);
  EXPECT_EQ(lines[1].rfind("link to " + where + " down: ", 0), 0u) << lines[1];
  EXPECT_EQ(lines.back(), "connected to " + where);
  for (size_t i = 1; i < lines.size(); ++i) EXPECT_NE(lines[i], lines[i - 1]) << "repeated";

  // Refused at every retry, said again only after something else was said (the broker's kill).
  const std::vector<std::string> refused = bad_log.read();
  const std::string refusal = "refused by " + where + ": Connection Refused: not authorised.";
  ASSERT_FALSE(refused.empty());
  EXPECT_EQ(refused.front(), refusal);
  for (size_t i = 1; i < refused.size(); ++i)
    EXPECT_NE(refused[i], refused[i - 1]) << testing::PrintToString(refused);
  EXPECT_EQ(bad_client.connect_count(), 0u);
}

// wait_connected() means subscribed: on a first session (nothing queued yet), a message published
// the moment it returns, to the last of many patterns, still reaches the client. Connected on the
// CONNACK alone, the SUBSCRIBEs were still on their way and the message passed it by.
TEST(MqttBroker, AClientIsConnectedOnlyOnceItsSubscriptionsAreAcknowledged) {
  test::TestBroker broker("suback", fleet());
  mqtt::Client tracker(tracker_to(broker, "suback-tracker"));
  tracker.start();
  ASSERT_TRUE(tracker.wait_connected(5s));
  constexpr int rounds = 5;
  for (int round = 0; round < rounds; ++round) {
    std::atomic<int> heard{0};
    const std::string last = mqtt::fix_topic(fleet().units[round].id);
    mqtt::Client engine(engine_to(broker, "suback-engine-" + std::to_string(round)),
                        [&](std::string_view topic, std::string_view) {
                          if (topic == last) ++heard;
                        });
    for (int i = 0; i < 300; ++i) engine.subscribe("siaga/v1/unused/" + std::to_string(i));
    engine.subscribe(last);
    engine.start();
    ASSERT_TRUE(engine.wait_connected(10s));
    tracker.publish(last, "now");
    ASSERT_TRUE(tracker.wait_acknowledged(10s));
    EXPECT_TRUE(eventually([&] { return heard.load() == 1; }, 5s))
        << "round " << round << ": connected before the broker had its subscriptions";
    engine.stop();
  }
}

// The engine's promise that a SIGKILL loses nothing rests on this: a QoS 1 message is acknowledged
// to the broker only after the handler (the journal write) returns. A subscriber that dies inside
// its handler gets the message again when its session comes back.
TEST(MqttBroker, AMessageIsAcknowledgedOnlyAfterTheHandlerReturns) {
  test::TestBroker broker("puback", fleet());
  const std::string topic = mqtt::fix_topic(fleet().units[0].id);
  const mqtt::ClientOptions engine = engine_to(broker, "puback-engine");
  {  // the session subscribes once; the broker keeps it (clean session off)
    mqtt::Client first(engine);
    first.subscribe(topic);
    first.start();
    ASSERT_TRUE(first.wait_connected(5s));
  }
  const pid_t child = ::fork();
  if (child == 0) {
    mqtt::Client dying(engine, [](std::string_view, std::string_view) { ::_exit(0); });
    dying.start();
    std::this_thread::sleep_for(20s);
    ::_exit(1);  // the message never came
  }
  mqtt::Client tracker(tracker_to(broker, "puback-tracker"));
  tracker.start();
  ASSERT_TRUE(tracker.wait_connected(5s));
  tracker.publish(topic, "once");
  ASSERT_TRUE(tracker.wait_acknowledged(10s));
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the message did not reach it";

  std::atomic<int> again{0};
  mqtt::Client resumed(engine, [&](std::string_view, std::string_view payload) {
    if (payload == "once") ++again;
  });
  resumed.start();
  EXPECT_TRUE(eventually([&] { return again.load() == 1; }, 15s))
      << "the message died with the subscriber: it was acknowledged before its handler returned";
}

// A tracker whose link is down holds its messages and, once connected, sends them oldest first
// and before anything new; past its limit it drops the oldest, and counts them.
TEST(MqttBroker, OutboxSendsWhatItHeldOldestFirstAndDropsTheOldestPastItsLimit) {
  test::TestBroker broker("outbox", fleet());
  const std::string topic = mqtt::fix_topic(fleet().units[0].id);
  std::mutex mutex;
  std::vector<std::string> received;
  mqtt::Client listener(engine_to(broker, "outbox-listener"),
                        [&](std::string_view, std::string_view payload) {
                          std::lock_guard lock(mutex);
                          received.emplace_back(payload);
                        });
  listener.subscribe(topic);
  listener.start();
  ASSERT_TRUE(listener.wait_connected(5s));

  mqtt::Client tracker(tracker_to(broker, "outbox-tracker"));  // not started: no link yet
  mqtt::Outbox outbox(tracker, 5);
  for (int i = 1; i <= 8; ++i) outbox.send(topic, std::string{'m', static_cast<char>('0' + i)});
  EXPECT_EQ(outbox.held(), 5u);
  EXPECT_EQ(outbox.dropped(), 3u);
  EXPECT_FALSE(outbox.flush());
  tracker.start();
  ASSERT_TRUE(tracker.wait_connected(5s));
  outbox.send(topic, "m9");
  EXPECT_EQ(outbox.held(), 0u);
  ASSERT_TRUE(tracker.wait_acknowledged(10s));
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return received.size() >= 6;
  }));
  std::this_thread::sleep_for(200ms);  // nothing more comes
  std::lock_guard lock(mutex);
  EXPECT_EQ(received, (std::vector<std::string>{"m4", "m5", "m6", "m7", "m8", "m9"}));
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
}  // namespace siaga
