// The tracking store without a broker: every rejection reason, the status lifecycle through the
// store, and persistence (journal replay, torn tail, snapshots) to the exact same state.
#include "siaga/tracking/store.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <latch>
#include <thread>

#include "broker_fixture.h"
#include "siaga/mqtt/messages.h"
#include "siaga/mqtt/topics.h"
#include "siaga/server/ingest.h"
#include "siaga/server/tracking_json.h"
#include "siaga/synth/sample_fleet.h"
#include "test_support.h"

namespace siaga::store_test {
namespace {

using tracking::PositionFix;
using tracking::Rejection;
using tracking::TrackingStore;

constexpr int64_t t0 = 1'795'000'000'000;  // engine clock in these tests (ms)

const tracking::Fleet& fleet() {
  static const tracking::Fleet sample = synth::sample_fleet(test::ambon().network);
  return sample;
}

// A fix of unit `index` of the sample fleet, `metres_east` from its home, at t0 + seconds.
PositionFix fix_of(size_t index, uint64_t seq, double seconds, double metres_east = 0) {
  const tracking::Unit& unit = fleet().units.at(index);
  PositionFix fix;
  fix.unit_id = unit.id;
  fix.seq = seq;
  fix.time_ms = t0 + static_cast<int64_t>(seconds * 1000);
  fix.lat = unit.home.lat;
  fix.lon = unit.home.lon + metres_east / (111'320.0 * std::cos(unit.home.lat * M_PI / 180));
  fix.speed_mps = 10;
  fix.accuracy_m = 5;
  return fix;
}

// An intake that is never started: handle() is fed directly.
mqtt::ClientOptions offline_client() {
  mqtt::ClientOptions options;
  options.client_id = "unit-test";
  return options;
}

tracking::StoreOptions stored_in(const std::filesystem::path& dir,
                                 uint64_t snapshot_every = 200'000) {
  tracking::StoreOptions options;
  options.state_dir = dir;
  options.snapshot_every = snapshot_every;
  return options;
}

void expect_rejected(const tracking::Outcome& outcome, Rejection reason) {
  EXPECT_FALSE(outcome.accepted);
  EXPECT_EQ(tracking::rejection_name(outcome.reason), tracking::rejection_name(reason))
      << outcome.detail;
  EXPECT_FALSE(outcome.detail.empty());
}

TEST(TrackingStore, AcceptsAFixAndSnapsIt) {
  TrackingStore store(fleet(), test::ambon().network);
  ASSERT_TRUE(store.submit_fix(fix_of(0, 1, 0), t0).accepted);
  const auto state = store.unit(fleet().units[0].id, t0);
  ASSERT_TRUE(state && state->fix && state->road);
  EXPECT_EQ(state->fix->seq, 1u);
  const geodata::Snap snap = geodata::Snapper(test::ambon().network).snap(fleet().units[0].home);
  EXPECT_EQ(state->road->snap.tail, snap.tail);
  EXPECT_NEAR(state->road->snap.distance_m, snap.distance_m, 1e-6);
  EXPECT_EQ(state->road->off_road, snap.distance_m > 50);
  EXPECT_FALSE(state->stale);
  EXPECT_TRUE(store.unit(fleet().units[0].id, t0 + 121'000)->stale);
  EXPECT_TRUE(store.unit(fleet().units[1].id, t0)->stale) << "no fix yet: stale";
}

TEST(TrackingStore, EveryRejectionReasonIsRefusedAndCounted) {
  TrackingStore store(fleet(), test::ambon().network);
  ASSERT_TRUE(store.submit_fix(fix_of(0, 10, 0), t0).accepted);

  PositionFix unknown = fix_of(0, 11, 1);
  unknown.unit_id = "NOBODY";
  expect_rejected(store.submit_fix(unknown, t0), Rejection::unknown_unit);
  PositionFix nan = fix_of(0, 11, 1);
  nan.lat = std::nan("");
  expect_rejected(store.submit_fix(nan, t0), Rejection::not_finite);
  PositionFix infinite_speed = fix_of(0, 11, 1);
  infinite_speed.speed_mps = INFINITY;
  expect_rejected(store.submit_fix(infinite_speed, t0), Rejection::not_finite);
  PositionFix at_sea = fix_of(0, 11, 1);
  at_sea.lat = -4.5;  // the Banda Sea
  expect_rejected(store.submit_fix(at_sea, t0), Rejection::off_island);
  PositionFix null_island = fix_of(0, 11, 1);
  null_island.lat = 0;
  null_island.lon = 0;
  expect_rejected(store.submit_fix(null_island, t0), Rejection::off_island);
  expect_rejected(store.submit_fix(fix_of(0, 11, 61), t0), Rejection::from_the_future);
  expect_rejected(store.submit_fix(fix_of(0, 10, 0), t0), Rejection::duplicate);
  expect_rejected(store.submit_fix(fix_of(0, 9, 0), t0), Rejection::out_of_order);
  expect_rejected(store.submit_fix(fix_of(0, 11, -5), t0), Rejection::out_of_order);
  // 2 km in 10 s is 720 km/h; 200 m in 10 s (72 km/h) is a fast ambulance.
  expect_rejected(store.submit_fix(fix_of(0, 11, 10, 2000), t0 + 10'000),
                  Rejection::impossible_speed);
  EXPECT_TRUE(store.submit_fix(fix_of(0, 11, 10, 200), t0 + 10'000).accepted);

  const std::string id = fleet().units[0].id;
  expect_rejected(store.submit_status({id, 1, "flying", "", t0}, t0), Rejection::unknown_status);
  expect_rejected(store.submit_status({id, 1, "on_scene", "", t0}, t0),
                  Rejection::illegal_transition);
  expect_rejected(store.submit_status({"NOBODY", 1, "available", "", t0}, t0),
                  Rejection::unknown_unit);
  ASSERT_TRUE(store.submit_status({id, 1, "dispatched", "INC-1", t0}, t0).accepted);
  expect_rejected(store.submit_status({id, 1, "en_route", "INC-1", t0}, t0), Rejection::duplicate);

  // Undecodable payloads never reach the store's validation: the intake counts them.
  server::Ingest ingest(store, offline_client());
  ingest.handle("siaga/v1/units/" + id + "/fix", std::string(12, '\xff'));
  ingest.handle("siaga/v1/units/" + id + "/status", "not protobuf \xff\xff\xff\xff\xff\xff\xff");
  ingest.handle("owntracks/psc119/amb01", "{not json");
  ingest.handle("owntracks/someone/else", R"({"_type":"location","lat":-3.7,"lon":128.2,"tst":1})");

  const tracking::Counters counters = store.counters();
  EXPECT_EQ(counters.fixes_accepted, 2u);
  EXPECT_EQ(counters.statuses_accepted, 1u);
  const auto count = [&](Rejection r) { return counters.rejected[static_cast<size_t>(r)]; };
  EXPECT_EQ(count(Rejection::unknown_unit), 3u);  // fix, status, unmapped OwnTracks device
  EXPECT_EQ(count(Rejection::not_finite), 2u);
  EXPECT_EQ(count(Rejection::off_island), 2u);
  EXPECT_EQ(count(Rejection::from_the_future), 1u);
  EXPECT_EQ(count(Rejection::duplicate), 2u);
  EXPECT_EQ(count(Rejection::out_of_order), 2u);
  EXPECT_EQ(count(Rejection::impossible_speed), 1u);
  EXPECT_EQ(count(Rejection::unknown_status), 1u);
  EXPECT_EQ(count(Rejection::illegal_transition), 1u);
  EXPECT_EQ(count(Rejection::undecodable), 3u);
  // Rejections never touched the unit's state.
  const auto state = store.unit(id, t0 + 10'000);
  EXPECT_EQ(state->fix->seq, 11u);
  EXPECT_EQ(state->status, tracking::UnitStatus::dispatched);
  EXPECT_EQ(state->incident_id, "INC-1");
}

TEST(TrackingStore, OwnTracksLocationMovesTheMappedUnit) {
  TrackingStore store(fleet(), test::ambon().network);
  server::Ingest ingest(store, offline_client());
  const tracking::Unit* unit = fleet().find_owntracks("psc119/amb01");
  ASSERT_NE(unit, nullptr);
  const int64_t tst = tracking::now_ms() / 1000;
  ingest.handle("owntracks/psc119/amb01",
                R"({"_type":"location","lat":)" + std::to_string(unit->home.lat) + R"(,"lon":)" +
                    std::to_string(unit->home.lon) + R"(,"tst":)" + std::to_string(tst) +
                    R"(,"vel":36,"acc":12,"batt":55})");
  ingest.handle("owntracks/psc119/amb01", R"({"_type":"lwt","tst":1})");  // not a fix, not an error
  const auto state = store.unit(unit->id, tracking::now_ms());
  ASSERT_TRUE(state->fix) << server::counters_json(store.counters()).dump();
  EXPECT_NEAR(state->fix->speed_mps, 10, 1e-4);
  EXPECT_NEAR(*state->fix->battery, 0.55, 1e-6);
  EXPECT_EQ(store.counters().rejected_total(), 0u);
}

// A FixBatch is its fixes, each validated on its own in order; a batch that speaks for another
// unit, or is too long, or is garbage, is refused whole and counted once.
TEST(TrackingStore, FixBatchIsEachFixInTurn) {
  TrackingStore store(fleet(), test::ambon().network);
  server::Ingest ingest(store, offline_client());
  const tracking::Unit& unit = fleet().units[0];
  const int64_t now = tracking::now_ms();
  v1::FixBatch batch;
  for (uint64_t seq : {1, 2, 2, 4, 3}) {  // a duplicate and a late one inside the batch
    v1::Fix* fix = batch.add_fixes();
    fix->set_seq(seq);  // unit_id left empty: the topic's
    fix->set_time_ms(now - 60'000 + static_cast<int64_t>(seq) * 1000);
    fix->set_lat(unit.home.lat);
    fix->set_lon(unit.home.lon + 1e-5 * static_cast<double>(seq));
  }
  ingest.handle(mqtt::fixes_topic(unit.id), batch.SerializeAsString());
  auto counters = store.counters();
  EXPECT_EQ(counters.fixes_accepted, 3u);
  EXPECT_EQ(counters.rejected[static_cast<size_t>(Rejection::duplicate)], 1u);
  EXPECT_EQ(counters.rejected[static_cast<size_t>(Rejection::out_of_order)], 1u);
  EXPECT_EQ(store.unit(unit.id, now)->fix->seq, 4u);

  batch.mutable_fixes(0)->set_unit_id(fleet().units[1].id);  // speaks for another unit
  ingest.handle(mqtt::fixes_topic(unit.id), batch.SerializeAsString());
  v1::FixBatch huge;
  for (int i = 0; i <= mqtt::max_batch_fixes; ++i) huge.add_fixes()->set_seq(100 + i);
  ingest.handle(mqtt::fixes_topic(unit.id), huge.SerializeAsString());
  ingest.handle(mqtt::fixes_topic(unit.id), std::string(9, '\xff'));
  counters = store.counters();
  EXPECT_EQ(counters.rejected[static_cast<size_t>(Rejection::undecodable)], 3u);
  EXPECT_EQ(counters.fixes_accepted, 3u) << "nothing of a refused batch got in";
}

// A full disk, made real with RLIMIT_FSIZE in a child process: the store refuses the report it
// cannot persist (journal_failure), keeps the state it acknowledged, and the journal it leaves
// replays to exactly the accepted fixes with no torn record.
// Two dispatchers pressing "send" for the same available unit at the same moment: exactly one
// gets it, the other is told who has it, and the unit carries the winner's incident.
TEST(TrackingStore, RacingDispatchersNeverBothGetTheUnit) {
  TrackingStore store(fleet(), test::ambon().network);
  constexpr int dispatchers = 8;
  for (size_t unit = 0; unit < 10; ++unit) {
    const std::string& id = fleet().units[unit].id;
    std::latch ready(dispatchers);
    std::vector<tracking::Outcome> outcomes(dispatchers);
    std::vector<std::thread> threads;
    for (int d = 0; d < dispatchers; ++d) {
      threads.emplace_back([&, d] {
        ready.arrive_and_wait();
        outcomes[d] =
            store.change_status(id, tracking::UnitStatus::dispatched, "112-" + std::to_string(d),
                                t0, tracking::UnitStatus::available);
      });
    }
    for (std::thread& thread : threads) thread.join();
    int winner = -1;
    for (int d = 0; d < dispatchers; ++d) {
      if (!outcomes[d].accepted) {
        EXPECT_NE(outcomes[d].detail.find(id + " is dispatched (112-"), std::string::npos)
            << outcomes[d].detail;
        continue;
      }
      EXPECT_EQ(winner, -1) << id << " was dispatched twice";
      winner = d;
    }
    ASSERT_NE(winner, -1) << id << " was dispatched by nobody";
    EXPECT_EQ(store.unit(id, t0)->incident_id, "112-" + std::to_string(winner));
  }
  EXPECT_EQ(store.counters().statuses_accepted, 10u);
  EXPECT_EQ(store.counters().rejected_total(), 0u) << "a dispatcher conflict is not bad input";
}

TEST(TrackingStore, FullDiskRefusesWhatItCannotPersistAndLosesNothingElse) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // One name for the parent and the re-executed child (the "threadsafe" death test style runs the
  // test again in a new process, with its own pid).
  const auto dir = std::filesystem::temp_directory_path() / "siaga-full-disk-test";
  if (!::testing::internal::InDeathTestChild()) std::filesystem::remove_all(dir);
  tracking::StoreOptions options;
  options.state_dir = dir;
  const auto fill_the_disk = [&] {
    const rlimit limit{16'384, 16'384};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    ::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead
    TrackingStore store(fleet(), test::ambon().network, options);
    uint64_t accepted = 0;
    for (uint64_t seq = 1; seq <= 100'000; ++seq) {
      const tracking::Outcome outcome =
          store.submit_fix(fix_of(0, seq, static_cast<double>(seq)), t0 + 200'000'000);
      if (outcome.accepted) {
        ++accepted;
        continue;
      }
      if (outcome.reason != Rejection::journal_failure) std::_Exit(2);
      const auto state = store.unit(fleet().units[0].id, t0);
      if (accepted == 0 || state->fix->seq != accepted) std::_Exit(3);
      std::fprintf(stderr, "refused after %llu accepted\n",
                   static_cast<unsigned long long>(accepted));
      std::_Exit(0);
    }
    std::_Exit(4);  // the limit never bit
  };
  EXPECT_EXIT(fill_the_disk(), ::testing::ExitedWithCode(0), "refused after [1-9][0-9]* accepted");
  tracking::StoreOptions replay = options;
  replay.read_only = true;
  const TrackingStore reopened(fleet(), test::ambon().network, replay);
  const auto state = reopened.unit(fleet().units[0].id, t0);
  ASSERT_TRUE(state->fix);
  EXPECT_GT(state->fix->seq, 10u);
  EXPECT_EQ(reopened.counters().fixes_accepted, state->fix->seq) << "every accepted fix, no more";
  EXPECT_EQ(reopened.counters().journal_bytes_dropped, 0u) << "no torn record left behind";
  std::filesystem::remove_all(dir);
}

std::string dump(const TrackingStore& store) {
  std::string text;
  for (const auto& state : store.units(t0)) text += server::unit_json(state).dump() + "\n";
  return text + server::counters_json(store.counters()).dump();
}

// The state and counters, less the journal's own record and dropped-byte counts (which a
// snapshot or a cut tail legitimately changes).
std::string without_journal_counts(const std::string& text) {
  return text.substr(0, text.rfind("\"journal_records\""));
}

// Ten units, each with fixes and a status lifecycle, plus rejections.
void feed(TrackingStore& store, int rounds) {
  for (int round = 1; round <= rounds; ++round) {
    for (size_t u = 0; u < 10; ++u) {
      store.submit_fix(fix_of(u, round, round, 20.0 * round), t0 + round * 1000);
      store.submit_fix(fix_of(u, round, round, 20.0 * round), t0 + round * 1000);  // duplicate
    }
    const char* lifecycle[] = {"dispatched", "en_route", "on_scene", "returning", "available"};
    store.submit_status({fleet().units[round % 10].id, static_cast<uint64_t>(round),
                         lifecycle[round % 5], "INC-" + std::to_string(round), t0},
                        t0);
  }
}

TEST(TrackingStore, RestartReplaysTheJournalToTheSameState) {
  const auto dir = test::fresh_directory("journal");
  std::string before;
  {
    TrackingStore store(fleet(), test::ambon().network, stored_in(dir));
    feed(store, 20);
    before = dump(store);
  }
  TrackingStore again(fleet(), test::ambon().network, stored_in(dir));
  EXPECT_EQ(dump(again), before);
  EXPECT_GT(again.counters().fixes_accepted, 0u);
  std::filesystem::remove_all(dir);
}

TEST(TrackingStore, TornLastRecordIsCutAndNothingElseIsLost) {
  const auto dir = test::fresh_directory("torn");
  std::string before;
  {
    TrackingStore store(fleet(), test::ambon().network, stored_in(dir));
    feed(store, 5);
    before = dump(store);
  }
  {  // a crash in the middle of writing one more record: its first bytes only
    std::ofstream journal(dir / "journal.0", std::ios::app | std::ios::binary);
    journal.write("\x40\x00\x00\x00\x12\x34", 6);
  }
  TrackingStore again(fleet(), test::ambon().network, stored_in(dir));
  EXPECT_EQ(again.counters().journal_bytes_dropped, 6u);
  std::string after = dump(again);
  EXPECT_NE(after.find("\"journal_bytes_dropped\":6"), std::string::npos);
  // Apart from the dropped-bytes counter the state is what was acknowledged.
  EXPECT_EQ(without_journal_counts(after), without_journal_counts(before));
  // And the journal goes on from the cut: more reports, another restart, still consistent.
  feed(again, 3);
  const std::string continued = dump(again);
  TrackingStore third(fleet(), test::ambon().network, stored_in(dir));
  EXPECT_EQ(without_journal_counts(dump(third)), without_journal_counts(continued));
  std::filesystem::remove_all(dir);
}

TEST(TrackingStore, SnapshotsReplaceTheJournalWithoutChangingTheState) {
  const auto dir = test::fresh_directory("snapshot");
  std::string before;
  {
    TrackingStore store(fleet(), test::ambon().network, stored_in(dir, 37));
    feed(store, 20);  // 420 records: eleven snapshots and a partial journal
    before = dump(store);
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "snapshot"));
  int journals = 0;
  for (const auto& item : std::filesystem::directory_iterator(dir)) {
    journals += item.path().filename().string().starts_with("journal.");
  }
  EXPECT_EQ(journals, 1);
  TrackingStore again(fleet(), test::ambon().network, stored_in(dir, 37));
  EXPECT_EQ(without_journal_counts(dump(again)), without_journal_counts(before));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace siaga::store_test
