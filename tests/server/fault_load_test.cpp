// Faults under load, through the real broker on loopback: 500 vehicles, each its own MQTT client
// logged in as its own unit over TLS, report once a second for 60 s while the broker is
// restarted twice and the engine (`siaga track`) is killed with SIGKILL once. Each vehicle also
// sends a share of garbage payloads and of duplicate fixes, as bad mobile links and buggy
// trackers do. Afterwards every unit's newest fix is in the engine's store, every distinct fix
// published was accepted exactly once, and the engine's counts reconcile with what was sent.
#include <gtest/gtest.h>
#include <siaga.pb.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "broker_fixture.h"
#include "engine_process.h"
#include "siaga/mqtt/outbox.h"
#include "siaga/mqtt/topics.h"
#include "siaga/server/tracking_json.h"
#include "siaga/synth/sample_fleet.h"
#include "test_support.h"

namespace siaga::fault_load_test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr size_t vehicle_count = 500;
constexpr uint64_t report_seconds = 60;

// The deliberate faults, spread over vehicles and seconds.
bool sends_garbage(size_t vehicle, uint64_t seq) {
  return (seq + vehicle) % 15 == 0;
}
bool sends_twice(size_t vehicle, uint64_t seq) {
  return (seq + vehicle) % 20 == 7;
}

// Vehicle `u` drives 10 m east a second from its home; fix times end before now.
v1::Fix fix_of(const tracking::Unit& unit, uint64_t seq, int64_t base_ms) {
  v1::Fix fix;
  fix.set_unit_id(unit.id);
  fix.set_seq(seq);
  fix.set_time_ms(base_ms + static_cast<int64_t>(seq) * 1000);
  fix.set_lat(unit.home.lat);
  fix.set_lon(unit.home.lon +
              10.0 * static_cast<double>(seq) / (111'320.0 * std::cos(unit.home.lat * M_PI / 180)));
  fix.set_speed_mps(10);
  fix.set_accuracy_m(5);
  return fix;
}

// What one process of vehicles sent and how it went; a plain struct, it crosses a pipe.
struct Sent {
  uint64_t fixes = 0;  // distinct
  uint64_t duplicates = 0;
  uint64_t garbage = 0;
  uint64_t refused_locally = 0;  // the client library would not even queue it
  uint64_t not_connected = 0;    // vehicles that never connected
  uint64_t unacknowledged = 0;   // at the end, after waiting
  uint64_t never_sent = 0;       // still held in an outbox at the end: the vehicle never got back
  uint64_t reconnects = 0;
  uint64_t messages() const { return fixes + duplicates + garbage; }
  Sent& operator+=(const Sent& other) {
    fixes += other.fixes;
    duplicates += other.duplicates;
    garbage += other.garbage;
    refused_locally += other.refused_locally;
    not_connected += other.not_connected;
    unacknowledged += other.unacknowledged;
    never_sent += other.never_sent;
    reconnects += other.reconnects;
    return *this;
  }
};

// One report a second per vehicle from `start` on, the vehicles spread evenly over each second;
// then what the outboxes still hold is flushed until nothing is held. A vehicle back on the
// broker late (500 TLS handshakes after a restart, on a loaded machine) sends its held fixes then,
// as a tracker does: they are counted as never sent only if it is not back within `flush_limit`.
void drive(std::vector<std::unique_ptr<mqtt::Client>>& vehicles,
           const std::vector<const tracking::Unit*>& units, Clock::time_point start,
           int64_t base_ms, Sent& sent) {
  constexpr auto flush_limit = 90s;
  const auto spacing = std::chrono::duration_cast<Clock::duration>(1s) / vehicles.size();
  // Each vehicle holds what it cannot send (mqtt::Outbox).
  std::vector<mqtt::Outbox> outboxes;
  for (const auto& vehicle : vehicles) outboxes.emplace_back(*vehicle);
  const auto send = [&](size_t v, const std::string& payload) {
    outboxes[v].send(mqtt::fix_topic(units[v]->id), payload);
  };
  for (uint64_t seq = 1; seq <= report_seconds; ++seq) {
    for (size_t v = 0; v < vehicles.size(); ++v) {
      std::this_thread::sleep_until(start + (seq - 1) * 1s + v * spacing);
      try {
        const std::string payload = fix_of(*units[v], seq, base_ms).SerializeAsString();
        send(v, payload);
        ++sent.fixes;
        if (sends_twice(v, seq)) {
          send(v, payload);
          ++sent.duplicates;
        }
        if (sends_garbage(v, seq)) {
          send(v, "\xff\x01 not a fix");
          ++sent.garbage;
        }
      } catch (const mqtt::ClientError&) {
        ++sent.refused_locally;
      }
    }
  }
  const auto flush_until = start + report_seconds * 1s + flush_limit;
  bool all_flushed = false;
  while (!all_flushed && Clock::now() < flush_until) {
    std::this_thread::sleep_for(100ms);
    all_flushed = true;
    for (auto& outbox : outboxes) {
      try {
        all_flushed = outbox.flush() && all_flushed;
      } catch (const mqtt::ClientError&) {
        all_flushed = false;  // still held; tried again on the next pass
      }
    }
  }
  for (const auto& outbox : outboxes) sent.never_sent += outbox.held() + outbox.dropped();
}

// The vehicles of one process, each its own client logged in as its unit: connect, drive, wait
// for the broker to acknowledge everything, report.
Sent run_vehicles(const test::TestBroker& broker, const std::vector<const tracking::Unit*>& units,
                  Clock::time_point start, int64_t base_ms) {
  Sent sent;
  std::vector<std::unique_ptr<mqtt::Client>> vehicles;
  for (const tracking::Unit* unit : units) {
    vehicles.push_back(
        std::make_unique<mqtt::Client>(broker.client("vehicle-" + unit->id, unit->id)));
    vehicles.back()->start();
  }
  for (const auto& vehicle : vehicles) sent.not_connected += !vehicle->wait_connected(10s);
  drive(vehicles, units, start, base_ms, sent);
  for (const auto& vehicle : vehicles) {
    vehicle->wait_acknowledged(90s);
    sent.unacknowledged += vehicle->unacknowledged();
    sent.reconnects += vehicle->connect_count() > 0 ? vehicle->connect_count() - 1 : 0;
  }
  return sent;
}

// libmosquitto's network loop uses select(), so one process holds at most ~330 clients (file
// descriptors below 1024): the vehicles run in child processes of `per_process` each, as they
// run in vehicles of their own. Each child writes its Sent into a pipe.
struct VehicleProcesses {
  std::vector<pid_t> pids;
  std::vector<int> pipes;

  VehicleProcesses(const test::TestBroker& broker, const tracking::Fleet& fleet, size_t per_process,
                   Clock::time_point start, int64_t base_ms) {
    for (size_t first = 0; first < vehicle_count; first += per_process) {
      std::vector<const tracking::Unit*> units;
      for (size_t u = first; u < std::min(vehicle_count, first + per_process); ++u)
        units.push_back(&fleet.units[u]);
      int ends[2];
      if (::pipe(ends) != 0) throw std::runtime_error("pipe");
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::close(ends[0]);
        const Sent sent = run_vehicles(broker, units, start, base_ms);
        [[maybe_unused]] const auto n = ::write(ends[1], &sent, sizeof sent);
        ::_exit(0);
      }
      ::close(ends[1]);
      pids.push_back(pid);
      pipes.push_back(ends[0]);
    }
  }

  // Waits for every child; a child that died or said nothing counts its vehicles as lost.
  Sent collect() {
    Sent total;
    for (size_t i = 0; i < pids.size(); ++i) {
      Sent sent;
      if (::read(pipes[i], &sent, sizeof sent) != sizeof sent) sent.not_connected = 1'000'000;
      ::close(pipes[i]);
      ::waitpid(pids[i], nullptr, 0);
      total += sent;
    }
    pids.clear();
    return total;
  }
  ~VehicleProcesses() {
    for (const pid_t pid : pids) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

bool all_newest(const tracking::TrackingStore& store) {
  const auto states = store.units(tracking::now_ms());
  for (size_t u = 0; u < vehicle_count; ++u) {
    if (!states[u].fix || states[u].fix->seq < report_seconds) return false;
  }
  return true;
}

TEST(FaultsUnderLoad, FiveHundredVehiclesThroughTwoBrokerRestartsAndAnEngineKill) {
  const tracking::Fleet fleet = synth::sample_fleet(test::ambon().network, vehicle_count);
  ASSERT_GE(fleet.units.size(), vehicle_count);
  test::TestBroker broker("load", fleet, test::Transport::tls);
  const auto dir = test::fresh_directory("load");
  std::ofstream(dir / "fleet.json") << tracking::fleet_json(fleet);
  test::EngineProcess engine(broker, dir, "load");
  ASSERT_TRUE(engine.start()) << "siaga track did not get ready";

  // The vehicles connect during the first 5 s and report from then on.
  const auto start = Clock::now() + 5s;
  const int64_t base_ms = tracking::now_ms() - 2 * report_seconds * 1000;
  VehicleProcesses vehicles(broker, fleet, 125, start, base_ms);
  std::this_thread::sleep_until(start + 15s);
  broker.restart();
  std::this_thread::sleep_until(start + 25s);
  engine.stop(SIGKILL);
  const bool restarted = engine.start();
  std::this_thread::sleep_until(start + 40s);
  broker.restart();
  const Sent sent = vehicles.collect();
  ASSERT_TRUE(restarted) << "siaga track did not restart";
  ASSERT_EQ(sent.not_connected, 0u);
  ASSERT_EQ(sent.never_sent, 0u) << "fixes still held by vehicles that never got back on";
  ASSERT_EQ(sent.unacknowledged, 0u);
  ASSERT_TRUE(test::eventually([&] { return all_newest(test::read_state(fleet, dir)); }, 120s))
      << "the engine did not catch up";
  engine.stop(SIGTERM);
  const tracking::TrackingStore store = test::read_state(fleet, dir);

  const auto states = store.units(tracking::now_ms());
  for (size_t u = 0; u < vehicle_count; ++u) {
    const v1::Fix newest = fix_of(fleet.units[u], report_seconds, base_ms);
    ASSERT_TRUE(states[u].fix) << fleet.units[u].id;
    EXPECT_EQ(states[u].fix->seq, report_seconds) << fleet.units[u].id;
    EXPECT_EQ(states[u].fix->lon, newest.lon()) << fleet.units[u].id;
  }
  const tracking::Counters counters = store.counters();
  const auto rejected = [&](tracking::Rejection r) {
    return counters.rejected[static_cast<size_t>(r)];
  };
  const uint64_t received = counters.fixes_accepted + counters.rejected_total();
  const uint64_t repeats =
      rejected(tracking::Rejection::duplicate) + rejected(tracking::Rejection::out_of_order);
  std::cout << "{\"vehicles\":" << vehicle_count << ",\"seconds\":" << report_seconds
            << ",\"published\":" << sent.messages() << ",\"fixes\":" << sent.fixes
            << ",\"duplicates_sent\":" << sent.duplicates << ",\"garbage_sent\":" << sent.garbage
            << ",\"vehicle_reconnects\":" << sent.reconnects
            << ",\"engine\":" << server::counters_json(counters).dump()
            << ",\"redelivered\":" << received - sent.messages() << "}" << std::endl;

  EXPECT_EQ(sent.refused_locally, 0u);
  EXPECT_GT(sent.reconnects, vehicle_count) << "the vehicles lived through the restarts";
  // Every distinct fix was accepted exactly once: the store accepts a seq only above the unit's
  // newest, so no fix can be counted twice, and none is missing.
  EXPECT_EQ(counters.fixes_accepted, sent.fixes);
  // What was refused is what was meant to be refused, plus MQTT's at-least-once redeliveries
  // (which the store recognises as repeats): nothing lands in any other reason.
  EXPECT_GE(rejected(tracking::Rejection::undecodable), sent.garbage);
  EXPECT_GE(repeats, sent.duplicates);
  EXPECT_EQ(counters.rejected_total(), rejected(tracking::Rejection::undecodable) + repeats);
  EXPECT_GE(received, sent.messages()) << "a message was lost";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace siaga::fault_load_test
