// The MQTT client's link to a real Mosquitto broker (TLS, a free loopback port, started and
// killed by the test): refusals, reconnecting after the broker dies, what the log says, when a
// client counts as connected and a message as acknowledged, and the outbox while offline.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <memory>
#include <mutex>
#include <thread>

#include "broker_fixture.h"
#include "siaga/mqtt/outbox.h"
#include "siaga/mqtt/topics.h"
#include "siaga/synth/sample_fleet.h"
#include "test_support.h"

namespace siaga::client_link_test {
namespace {

using namespace std::chrono_literals;
using test::engine_to;
using test::eventually;
using test::tracker_to;

const tracking::Fleet& fleet() {
  static const tracking::Fleet sample = synth::sample_fleet(test::ambon().network);
  return sample;
}

// CPU time this process has used, user and system.
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
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
// client must go on reconnecting, or a tracker (or the engine) goes silent until restarted, and
// must wait between attempts, or a phone's battery goes into them.
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
    if (kills == 1) {
      // Waiting for the broker costs next to nothing. libmosquitto 2.0.11 alone retried the TLS
      // handshake on the dead socket at once and forever: about a core for each client.
      const double before = process_cpu_seconds();
      std::this_thread::sleep_for(2s);
      EXPECT_LT(process_cpu_seconds() - before, 0.5) << "8 clients waiting for a dead broker";
    }
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
}  // namespace
}  // namespace siaga::client_link_test
