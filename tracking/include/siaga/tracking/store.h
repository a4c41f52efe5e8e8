// The tracking store: every unit's newest accepted fix (snapped to the road graph) and status.
// Reports are validated, journaled, then applied, under one lock and in that order, so the
// journal replays to exactly the state that was reported as accepted. Reads never wait for a
// journal sync: the lock is held only for the append (a write(2), not an fsync) and the update.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "siaga/geodata/snapper.h"
#include "siaga/tracking/fleet.h"
#include "siaga/tracking/unit_status.h"

namespace siaga::tracking {

// A journal or snapshot that cannot be replayed (beyond a torn last record, which is cut off).
struct JournalError : DataError {
  using DataError::DataError;
};

// A GPS fix as reported (the protobuf Fix or an OwnTracks location, decoded).
struct PositionFix {
  std::string unit_id;
  uint64_t seq = 0;
  int64_t time_ms = 0;  // time of the fix, ms since the Unix epoch
  double lat = 0;
  double lon = 0;
  float speed_mps = 0;
  float heading_deg = 0;
  float accuracy_m = 0;
  std::optional<float> battery;
};

struct StatusReport {
  std::string unit_id;
  uint64_t seq = 0;
  std::string status;  // a unit_status_name
  std::string incident_id;
  int64_t time_ms = 0;
};

// Why a report was refused; each is counted.
enum class Rejection : uint8_t {
  undecodable,         // payload is not a valid Fix / StatusChange / OwnTracks message
  unknown_unit,        // unit id not in the fleet (or OwnTracks device not mapped)
  not_finite,          // NaN or infinite coordinates, speed, heading or accuracy
  off_island,          // outside the road network's area or farther than 5 km from any road
  from_the_future,     // more than max_future_ms ahead of the engine's clock
  duplicate,           // same seq as the unit's newest
  out_of_order,        // older seq or time than the unit's newest
  impossible_speed,    // the jump from the newest fix implies more than max_speed_kmh
  unknown_status,      // status name not in the lifecycle
  illegal_transition,  // the lifecycle does not allow it
  journal_failure,     // could not be persisted, so not accepted
  unauthorized,        // an HTTP tracker or forwarder without the right secret
  too_large,           // an HTTP tracker's request body over the listener's limit
  invalid_fix,         // the tracker itself marks the position invalid (no GPS fix)
};
inline constexpr int rejection_count = 14;
std::string_view rejection_name(Rejection rejection);

struct Outcome {
  bool accepted = false;
  Rejection reason = Rejection::undecodable;
  std::string detail;  // a sentence for logs and API answers
};

// Where the newest fix lies on the road graph: the whole snap, so that routing can start from it
// without snapping again.
struct RoadPosition {
  geodata::Snap snap;     // snap.distance_m: from the fix to the road
  bool off_road = false;  // snap.distance_m > StoreOptions::off_road_m
};

struct UnitState {
  Unit unit;
  UnitStatus status = UnitStatus::available;
  std::string incident_id;
  uint64_t status_seq = 0;
  int64_t status_time_ms = 0;
  std::optional<PositionFix> fix;  // newest accepted
  std::optional<RoadPosition> road;
  int64_t received_ms = 0;  // engine clock when the newest fix arrived
  bool stale = false;       // filled in by reads: no fix, or the newest is too old
};

struct Counters {
  uint64_t fixes_accepted = 0;
  uint64_t statuses_accepted = 0;
  std::array<uint64_t, rejection_count> rejected{};
  uint64_t journal_records = 0;        // records replayed at start plus appended since
  uint64_t journal_bytes_dropped = 0;  // a torn tail found at start (a crash mid-write)
  uint64_t rejected_total() const;
};

struct StoreOptions {
  std::filesystem::path state_dir;  // journal and snapshot; empty keeps state in memory only
  bool read_only = false;           // replay the state directory, never write to it
  int64_t max_future_ms = 60'000;
  double max_speed_kmh = 200;
  int64_t stale_after_ms = 120'000;
  double off_road_m = 50;
  double max_snap_m = 5'000;
  uint64_t snapshot_every = 200'000;  // journal records between snapshots
  int sync_interval_ms = 20;          // group commit: fsync at most this long after a write
  // Told what an operator must know (a journal write that failed, a torn tail cut off at start, a
  // snapshot that failed); may be called with the store's lock held, so it must not call back.
  std::function<void(const std::string& message)> log;
  // Told of every status change_status() accepted (the engine's own: a dispatch, a unit freed, a
  // step from GPS), after the store's lock is released, on the caller's thread: what a primary
  // sends its hot standby, which hears the crews' own reports from the broker.
  std::function<void(const StatusReport& change)> engine_status_changed;
};

// Keeps a reference to `network` (through its snapper), which must outlive it.
class TrackingStore {
 public:
  // Replays the state directory (snapshot, then journal) when there is one. Throws on an
  // unusable state directory; a torn journal tail is cut off and counted.
  TrackingStore(Fleet fleet, const geodata::RoadNetwork& network, StoreOptions options = {});
  ~TrackingStore();
  TrackingStore(const TrackingStore&) = delete;
  TrackingStore& operator=(const TrackingStore&) = delete;

  Outcome submit_fix(const PositionFix& fix, int64_t now_ms);
  Outcome submit_status(const StatusReport& report, int64_t now_ms);
  // An engine-made change (a dispatch): takes the next status seq of the unit itself. With
  // `only_from`, it happens only if the unit is in one of those statuses at that moment, checked
  // and changed under one lock, so two dispatchers racing for one unit cannot both get it.
  Outcome change_status(std::string_view unit_id, UnitStatus status, std::string incident_id,
                        int64_t now_ms, std::optional<StatusSet> only_from = std::nullopt);
  // A report that never reached validation (undecodable payload, unmapped device): counted and
  // journaled, so the counts survive a restart and reconcile with what was published.
  void count_rejection(Rejection reason);

  std::vector<UnitState> units(int64_t now_ms) const;
  std::optional<UnitState> unit(std::string_view id, int64_t now_ms) const;
  Counters counters() const;
  const Fleet& fleet() const { return fleet_; }
  const StoreOptions& options() const { return options_; }
  // The network's snapper, which fixes are snapped with; shared with whoever else snaps on the
  // same network (the server's API) rather than built twice (its segments and R-tree are ~3 MB on
  // the island). Thread-safe for snapping.
  const geodata::Snapper& snapper() const { return snapper_; }

  // Makes everything accepted so far durable (fsync) now; also done by a background flusher.
  void sync();
  // Writes a snapshot and starts an empty journal (also done every snapshot_every records).
  void snapshot();

 private:
  struct Journal;
  struct Entry;
  Entry* find(std::string_view id);
  const Entry* find(std::string_view id) const;
  // The fix on the road graph, or nullopt when no road is within max_snap_m.
  std::optional<geodata::Snap> snap_of(const PositionFix& fix) const;
  bool stale(const UnitState& state, int64_t now_ms) const;
  Outcome validate_fix(const Entry& entry, const PositionFix& fix, int64_t now_ms) const;
  void apply_fix(Entry& entry, const PositionFix& fix, int64_t received_ms,
                 const std::optional<geodata::Snap>& snap);
  static void apply_status(Entry& entry, const StatusReport& report);
  // Journals one record (the lock held); false, with the reason, when it could not be written.
  bool append(const std::string& body, std::string& error);
  Outcome submit_status_locked(const StatusReport& report, int64_t now_ms);
  Outcome reject(Rejection reason, std::string detail);
  Outcome refuse_unpersisted(std::string error);
  Outcome settled(Outcome outcome);
  void log(const std::string& message) const;
  void replay();
  void replay_record(std::string_view body, bool counting);
  void snapshot_locked();

  Fleet fleet_;
  geodata::Snapper snapper_;
  StoreOptions options_;
  mutable std::shared_mutex mutex_;
  std::vector<Entry> entries_;                     // one per fleet unit, same order
  std::unordered_map<std::string, size_t> index_;  // unit id → entry
  Counters counters_;
  uint64_t records_since_snapshot_ = 0;
  std::unique_ptr<Journal> journal_;
};

// Milliseconds since the Unix epoch, from the system clock.
int64_t now_ms();

}  // namespace siaga::tracking
