// The incident history in SQLite: the lifecycle and its refusals, one open incident per unit, ids
// per WIT year, idempotent creates, the schema version, append-only events, and durability: eight
// writers killed with SIGKILL lose nothing they were told was stored, and a full disk refuses
// what it cannot keep without leaving half of it behind.
#include "siaga/tracking/incident_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace siaga::tracking::incident_store_test {
namespace {

namespace fs = std::filesystem;

// 2026-12-02 10:00 WIT (01:00 UTC).
constexpr int64_t t0 = 1'796'173'200'000;

NewIncident call(std::string incident_class = "medical", std::string key = "") {
  NewIncident incident;
  incident.location = {-3.6930, 128.1820, "Jl. A. Y. Patty", "Sirimau", "Honipopu", 3.5};
  incident.incident_class = std::move(incident_class);
  incident.idempotency_key = std::move(key);
  return incident;
}

fs::path fresh_file(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("siaga-incidents-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir / "incidents.sqlite";
}

TEST(IncidentStore, WalksTheLifecycleAndRefusesWhatDoesNotFit) {
  IncidentStore store({});
  const Incident created = store.create(call(), "operator-1", t0).incident;
  EXPECT_EQ(created.id, "112-2026-000001");
  EXPECT_EQ(created.status, IncidentStatus::new_call);
  ASSERT_EQ(created.events.size(), 1u);
  EXPECT_EQ(created.events[0].kind, "created");
  EXPECT_EQ(created.events[0].who, "operator-1");
  EXPECT_EQ(store.create(call("fire"), "operator-1", t0 + 1).incident.id, "112-2026-000002");

  Incident incident = store.assign_unit(created.id, "AMB-01", "operator-1", 300'000, t0 + 60'000);
  EXPECT_EQ(incident.status, IncidentStatus::dispatched);
  ASSERT_EQ(incident.units.size(), 1u);
  EXPECT_EQ(incident.units[0].dispatched_ms, t0 + 60'000);
  EXPECT_EQ(incident.units[0].first_eta_ms, 300'000);
  EXPECT_THROW(store.assign_unit(created.id, "AMB-01", "operator-1", -1, t0), IncidentConflict);

  store.record_unit_status(created.id, "AMB-01", UnitStatus::en_route, true, "auto", t0 + 90'000);
  incident = store.record_unit_status(created.id, "AMB-01", UnitStatus::on_scene, false, "AMB-01",
                                      t0 + 400'000);
  EXPECT_EQ(incident.status, IncidentStatus::on_scene);
  // A repeated report keeps the first time.
  incident = store.record_unit_status(created.id, "AMB-01", UnitStatus::on_scene, false, "AMB-01",
                                      t0 + 500'000);
  EXPECT_EQ(incident.units[0].on_scene_ms, t0 + 400'000);
  EXPECT_TRUE(incident.units[0].en_route_auto);
  EXPECT_FALSE(incident.units[0].on_scene_auto);
  // The crew's own report replaces the step set from GPS.
  incident = store.record_unit_status(created.id, "AMB-01", UnitStatus::en_route, false, "AMB-01",
                                      t0 + 95'000);
  EXPECT_EQ(incident.units[0].en_route_ms, t0 + 95'000);
  EXPECT_FALSE(incident.units[0].en_route_auto);
  store.record_unit_status(created.id, "AMB-01", UnitStatus::transporting, false, "AMB-01",
                           t0 + 900'000);
  incident = store.at_hospital(created.id, "AMB-01", "AMB-01", t0 + 1'500'000);
  EXPECT_EQ(incident.units[0].at_hospital_ms, t0 + 1'500'000);
  EXPECT_THROW(store.record_unit_status(created.id, "POL-01", UnitStatus::on_scene, false, "x", t0),
               IncidentConflict);

  incident = store.finish(created.id, IncidentStatus::closed, "operator-2", "", t0 + 2'000'000);
  EXPECT_EQ(incident.status, IncidentStatus::closed);
  EXPECT_EQ(incident.closed_ms, t0 + 2'000'000);
  EXPECT_EQ(incident.units[0].cleared_ms, t0 + 2'000'000);
  EXPECT_THROW(store.finish(created.id, IncidentStatus::cancelled, "x", "", t0), IncidentConflict);
  EXPECT_THROW(store.assign_unit(created.id, "AMB-02", "x", -1, t0), IncidentConflict);
  EXPECT_THROW(store.set_priority(created.id, "x", 2, t0), IncidentConflict);
  // Notes may follow a closed call; the log only grows.
  incident = store.add_note(created.id, "supervisor", "family thanked the crew", t0 + 3'000'000);
  EXPECT_EQ(incident.events.back().kind, "note");
  for (size_t i = 1; i < incident.events.size(); ++i)
    EXPECT_LT(incident.events[i - 1].seq, incident.events[i].seq);
  EXPECT_THROW(store.get("112-2026-999999").value(), std::bad_optional_access);
  EXPECT_THROW(store.add_note("112-2026-999999", "x", "y", t0), IncidentNotFound);
}

TEST(IncidentStore, RefusesBadCallsNamingTheField) {
  IncidentStore store({});
  const auto refused_for = [&](NewIncident incident, const std::string& field) {
    try {
      store.create(incident, "x", t0);
      ADD_FAILURE() << "accepted a call without a good " << field;
    } catch (const InputError& error) {
      EXPECT_EQ(std::string(error.what()).rfind(field, 0), 0u) << error.what();
    }
  };
  refused_for(call("alien"), "class");
  NewIncident bad = call();
  bad.location.lat = std::nan("");
  refused_for(bad, "location");
  bad = call();
  bad.priority = 0;
  refused_for(bad, "priority");
  bad = call();
  bad.call_type = CallType::duplicate;
  refused_for(bad, "duplicate_of");
  bad.duplicate_of = "112-2026-000404";
  EXPECT_THROW(store.create(bad, "x", t0), IncidentNotFound);
  EXPECT_TRUE(store.list({.open_only = false}).empty()) << "nothing refused was stored";
}

TEST(IncidentStore, AUnitIsOnAtMostOneOpenIncident) {
  IncidentStore store({});
  const std::string a = store.create(call(), "x", t0).incident.id;
  const std::string b = store.create(call(), "x", t0).incident.id;
  store.assign_unit(a, "AMB-01", "x", -1, t0);
  try {
    store.assign_unit(b, "AMB-01", "x", -1, t0);
    FAIL() << "a unit went to two incidents";
  } catch (const IncidentConflict& error) {
    EXPECT_NE(std::string(error.what()).find(a), std::string::npos) << error.what();
  }
  EXPECT_EQ(store.open_incident_of("AMB-01"), a);
  store.record_unit_status(a, "AMB-01", UnitStatus::available, false, "x", t0 + 1);  // recalled
  EXPECT_FALSE(store.open_incident_of("AMB-01"));
  EXPECT_EQ(store.assign_unit(b, "AMB-01", "x", -1, t0 + 2).units.size(), 1u);
}

TEST(IncidentStore, NumbersStartAgainEachYearInWit) {
  IncidentStore store({});
  constexpr int64_t new_year_wit =
      1'798'729'200'000;  // 2027-01-01 00:00 WIT = 2026-12-31 15:00 UTC
  EXPECT_EQ(wit_year(new_year_wit - 1), 2026);
  EXPECT_EQ(wit_year(new_year_wit), 2027);
  EXPECT_EQ(store.create(call(), "x", new_year_wit - 1).incident.id, "112-2026-000001");
  EXPECT_EQ(store.create(call(), "x", new_year_wit).incident.id, "112-2027-000001");
  EXPECT_EQ(store.create(call(), "x", new_year_wit + 5).incident.id, "112-2027-000002");
}

TEST(IncidentStore, ARetriedCreateNeverMakesTwoIncidents) {
  IncidentStore store({});
  const auto first = store.create(call("fire", "phone-42-call-7"), "x", t0);
  const auto again = store.create(call("fire", "phone-42-call-7"), "x", t0 + 5'000);
  EXPECT_FALSE(first.replayed);
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(first.incident.id, again.incident.id);
  EXPECT_EQ(store.list({.open_only = false}).size(), 1u);
  EXPECT_NE(store.create(call("fire", "phone-42-call-8"), "x", t0).incident.id, first.incident.id);
}

TEST(IncidentStore, ListsOpenOrAllWithinTimesNewestFirst) {
  IncidentStore store({});
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(store.create(call(), "x", t0 + i * 1000).incident.id);
  store.finish(ids[1], IncidentStatus::cancelled, "x", "prank", t0 + 10'000);
  store.assign_unit(ids[3], "POL-02", "x", -1, t0 + 20'000);
  const auto open = store.list({});
  ASSERT_EQ(open.size(), 4u);
  EXPECT_EQ(open.front().id, ids[4]);
  EXPECT_EQ(open[1].units.size(), 1u) << "units come with the list";
  EXPECT_EQ(store.list({.open_only = false}).size(), 5u);
  const auto window = store.list({.open_only = false, .from_ms = t0 + 1000, .to_ms = t0 + 3000});
  ASSERT_EQ(window.size(), 2u);
  EXPECT_EQ(window[0].id, ids[2]);
  EXPECT_EQ(window[1].id, ids[1]);
}

TEST(IncidentStore, KeepsItsHistoryAcrossRestartsAndItsEventsAppendOnly) {
  const fs::path file = fresh_file("restart");
  std::string id;
  {
    IncidentStore store(file);
    id = store.create(call(), "x", t0).incident.id;
    store.add_note(id, "x", "caller says two people hurt", t0 + 1);
  }
  IncidentStore reopened(file);
  const auto incident = reopened.get(id);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->events.size(), 2u);
  EXPECT_EQ(incident->location.kecamatan, "Sirimau");
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &raw), SQLITE_OK);
  EXPECT_NE(
      sqlite3_exec(raw, "UPDATE events SET text = 'nothing happened'", nullptr, nullptr, nullptr),
      SQLITE_OK);
  EXPECT_NE(sqlite3_exec(raw, "DELETE FROM events", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  EXPECT_EQ(reopened.get(id)->events.size(), 2u);
  fs::remove_all(file.parent_path());
}

TEST(IncidentStore, ADatabaseFromANewerSiagaIsRefusedUntouched) {
  const fs::path file = fresh_file("newer");
  { IncidentStore store(file); }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  EXPECT_THROW(IncidentStore{file}, DataError);
  fs::remove_all(file.parent_path());
}

// Eight threads create incidents and, once each create returns, write its id to a pipe; the
// child is killed with SIGKILL mid-stream. Every id it reported is in the database, and the
// numbers have no gap: no transaction was half kept.
TEST(IncidentStore, EightWritersKilledWithSigkillLoseNothingAcknowledged) {
  const fs::path file = fresh_file("sigkill");
  int ends[2];
  ASSERT_EQ(::pipe(ends), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ends[0]);
    IncidentStore store(file);
    std::vector<std::thread> writers;
    for (int w = 0; w < 8; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0;; ++i) {
          const std::string key = "writer-" + std::to_string(w) + "-" + std::to_string(i);
          const std::string line =
              store.create(call("medical", key), key, t0 + i).incident.id + " " + key + "\n";
          if (::write(ends[1], line.data(), line.size()) < 0) std::_Exit(1);
        }
      });
    }
    for (auto& writer : writers) writer.join();
    std::_Exit(0);
  }
  ::close(ends[1]);
  std::string acknowledged;
  char buffer[4096];
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  while (std::chrono::steady_clock::now() < end) {
    const ssize_t n = ::read(ends[0], buffer, sizeof buffer);
    if (n <= 0) break;
    acknowledged.append(buffer, static_cast<size_t>(n));
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(ends[0]);
  acknowledged.erase(acknowledged.rfind('\n') + 1);  // a line cut by the kill was not read whole

  IncidentStore reopened(file);
  const auto stored = reopened.list({.open_only = false, .limit = 1'000'000});
  std::set<std::string> ids;
  for (const Incident& incident : stored) ids.insert(incident.id);
  size_t lines = 0;
  std::istringstream in(acknowledged);
  for (std::string id, key; in >> id >> key; ++lines) {
    ASSERT_TRUE(ids.count(id)) << id << " (" << key << ") was acknowledged and is gone";
    EXPECT_TRUE(reopened.create(call("medical", key), "check", t0).replayed) << key;
  }
  EXPECT_GT(lines, 8u) << "the writers got going before the kill";
  EXPECT_GE(stored.size(), lines);
  EXPECT_EQ(
      *ids.rbegin(), "112-2026-" +
                         [&] {
                           char n[8];
                           std::snprintf(n, sizeof n, "%06zu", stored.size());
                           return std::string(n);
                         }())
      << "numbers 1..n with no gap";
  fs::remove_all(file.parent_path());
}

// The disk fills (RLIMIT_FSIZE in a child): the create that cannot be kept is refused with an
// IncidentStorageError, and the database holds exactly the incidents acknowledged before it.
TEST(IncidentStore, AFullDiskRefusesTheIncidentAndKeepsTheRest) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const fs::path dir = fs::temp_directory_path() / "siaga-incidents-full-disk";
  const fs::path file = dir / "incidents.sqlite";
  if (!::testing::internal::InDeathTestChild()) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  const auto fill_the_disk = [&] {
    IncidentStore store(file);
    const rlimit limit{2 * 1024 * 1024, 2 * 1024 * 1024};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    ::signal(SIGXFSZ, SIG_IGN);
    NewIncident big = call();
    big.note = std::string(2000, 'n');
    for (int i = 1; i <= 100'000; ++i) {
      try {
        store.create(big, "x", t0 + i);
      } catch (const IncidentStorageError&) {
        std::ofstream(dir / "stored") << i - 1;  // a few bytes: under the limit
        std::fprintf(stderr, "refused after %d stored\n", i - 1);
        std::_Exit(0);
      }
    }
    std::_Exit(4);
  };
  EXPECT_EXIT(fill_the_disk(), ::testing::ExitedWithCode(0), "refused after [1-9][0-9]* stored");
  IncidentStore reopened(file);
  const auto stored = reopened.list({.open_only = false, .limit = 1'000'000, .with_events = true});
  size_t acknowledged = 0;
  std::ifstream(dir / "stored") >> acknowledged;
  ASSERT_GT(acknowledged, 10u);
  EXPECT_EQ(stored.size(), acknowledged) << "every acknowledged incident, and no other";
  for (const Incident& incident : stored) {
    EXPECT_EQ(incident.events.size(), 2u) << incident.id << ": created and noted, or nothing";
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace siaga::tracking::incident_store_test
