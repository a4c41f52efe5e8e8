#include "siaga/tracking/store.h"

#include <chrono>
#include <cmath>
#include <mutex>
#include <unordered_map>

#include "journal.h"
#include "records.h"

namespace siaga::tracking {

namespace {

constexpr std::array<std::string_view, rejection_count> rejection_names = {
    "undecodable",     "unknown_unit", "not_finite",       "off_island",     "from_the_future",
    "duplicate",       "out_of_order", "impossible_speed", "unknown_status", "illegal_transition",
    "journal_failure", "unauthorized", "too_large",        "invalid_fix"};

Outcome accepted() {
  return {true, Rejection::undecodable, {}};
}
Outcome rejected(Rejection reason, std::string detail) {
  return {false, reason, std::move(detail)};
}

bool finite_fix(const PositionFix& fix) {
  return std::isfinite(fix.lat) && std::isfinite(fix.lon) && std::isfinite(fix.speed_mps) &&
         std::isfinite(fix.heading_deg) && std::isfinite(fix.accuracy_m) &&
         (!fix.battery || std::isfinite(*fix.battery));
}

std::filesystem::path journal_path(const std::filesystem::path& dir, uint64_t generation) {
  return dir / ("journal." + std::to_string(generation));
}

}  // namespace

std::string_view rejection_name(Rejection rejection) {
  return rejection_names.at(static_cast<size_t>(rejection));
}

uint64_t Counters::rejected_total() const {
  uint64_t total = 0;
  for (uint64_t count : rejected) total += count;
  return total;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct TrackingStore::Entry {
  UnitState state;
};

struct TrackingStore::Journal {
  std::filesystem::path dir;
  uint64_t generation = 0;
  std::unique_ptr<journal::AppendFile> file;
};

TrackingStore::TrackingStore(Fleet fleet, const geodata::RoadNetwork& network, StoreOptions options)
    : fleet_(std::move(fleet)),
      snapper_(network),
      options_(std::move(options)),
      journal_(std::make_unique<Journal>()) {
  for (size_t i = 0; i < fleet_.units.size(); ++i) {
    entries_.emplace_back().state.unit = fleet_.units[i];
    index_.emplace(fleet_.units[i].id, i);
  }
  if (!options_.state_dir.empty()) replay();
}

TrackingStore::~TrackingStore() = default;

void TrackingStore::replay() {
  Journal& j = *journal_;
  j.dir = options_.state_dir;
  if (!options_.read_only) std::filesystem::create_directories(j.dir);
  if (!std::filesystem::is_directory(j.dir)) {
    throw IoError("no state directory " + j.dir.string());
  }
  const journal::ReadResult snapshot = journal::read_records(j.dir / "snapshot");
  if (snapshot.dropped_bytes > 0) {
    throw JournalError("the snapshot " + (j.dir / "snapshot").string() +
                       " is damaged; it is written atomically, so the disk is at fault");
  }
  if (!snapshot.bodies.empty()) j.generation = records::decode_header(snapshot.bodies.front());
  for (size_t i = 1; i < snapshot.bodies.size(); ++i) replay_record(snapshot.bodies[i], false);

  const std::filesystem::path file = journal_path(j.dir, j.generation);
  const journal::ReadResult appended = journal::read_records(file);
  for (const std::string& body : appended.bodies) replay_record(body, true);
  counters_.journal_records = appended.bodies.size();
  counters_.journal_bytes_dropped = appended.dropped_bytes;
  records_since_snapshot_ = appended.bodies.size();
  if (options_.read_only) return;
  if (appended.dropped_bytes > 0) {
    log("journal " + file.string() + ": cut " + std::to_string(appended.dropped_bytes) +
        " bytes of a torn last record (a crash mid-write); nothing acknowledged is lost");
  }
  // Journals of older generations are covered by the snapshot.
  for (const auto& item : std::filesystem::directory_iterator(j.dir)) {
    const std::string name = item.path().filename().string();
    if (name.starts_with("journal.") && item.path() != file) std::filesystem::remove(item.path());
  }
  j.file =
      std::make_unique<journal::AppendFile>(file, appended.good_bytes, options_.sync_interval_ms);
}

void TrackingStore::replay_record(std::string_view body, bool counting) {
  switch (records::kind_of(body)) {
    case records::Kind::fix: {
      int64_t received_ms = 0;
      const PositionFix fix = records::decode_fix(body, received_ms);
      if (Entry* entry = find(fix.unit_id)) apply_fix(*entry, fix, received_ms, snap_of(fix));
      if (counting) ++counters_.fixes_accepted;
      break;
    }
    case records::Kind::status: {
      const StatusReport report = records::decode_status(body);
      if (Entry* entry = find(report.unit_id)) apply_status(*entry, report);
      if (counting) ++counters_.statuses_accepted;
      break;
    }
    case records::Kind::rejection:
      if (counting) ++counters_.rejected[static_cast<size_t>(records::decode_rejection(body))];
      break;
    case records::Kind::counters:
      counters_ = records::decode_counters(body);
      break;
    case records::Kind::header:
      break;
    default:
      throw JournalError("journal record of unknown kind");
  }
}

TrackingStore::Entry* TrackingStore::find(std::string_view id) {
  const auto it = index_.find(std::string(id));
  return it == index_.end() ? nullptr : &entries_[it->second];
}

const TrackingStore::Entry* TrackingStore::find(std::string_view id) const {
  return const_cast<TrackingStore*>(this)->find(id);
}

std::optional<geodata::Snap> TrackingStore::snap_of(const PositionFix& fix) const {
  try {
    return snapper_.snap({fix.lat, fix.lon}, {.max_distance_m = options_.max_snap_m});
  } catch (const geodata::SnapError&) {
    return std::nullopt;
  }
}

bool TrackingStore::stale(const UnitState& state, int64_t now) const {
  return !state.fix || now - state.fix->time_ms > options_.stale_after_ms;
}

Outcome TrackingStore::validate_fix(const Entry& entry, const PositionFix& fix, int64_t now) const {
  if (fix.time_ms > now + options_.max_future_ms) {
    return rejected(Rejection::from_the_future, "fix time is " +
                                                    std::to_string((fix.time_ms - now) / 1000) +
                                                    " s ahead of the engine's clock");
  }
  const std::optional<PositionFix>& newest = entry.state.fix;
  if (!newest) return accepted();
  if (fix.seq == newest->seq) {
    return rejected(Rejection::duplicate, "seq " + std::to_string(fix.seq) + " already received");
  }
  if (fix.seq < newest->seq || fix.time_ms < newest->time_ms) {
    return rejected(Rejection::out_of_order,
                    "older than the newest fix (seq " + std::to_string(newest->seq) + ")");
  }
  // GPS jitter within the reported accuracy is not movement; the floor of one second keeps two
  // fixes with the same timestamp from implying an infinite speed.
  const double metres = geodata::haversine_m({newest->lat, newest->lon}, {fix.lat, fix.lon}) -
                        std::min<double>(std::max<float>(fix.accuracy_m, 0), 100);
  const double seconds = std::max(1.0, (fix.time_ms - newest->time_ms) / 1000.0);
  const double kmh = metres / seconds * 3.6;
  if (kmh > options_.max_speed_kmh) {
    return rejected(Rejection::impossible_speed, "the jump from the newest fix implies " +
                                                     std::to_string(std::lround(kmh)) + " km/h");
  }
  return accepted();
}

// The one way a fix enters the state, live and in replay, so that both end up the same.
void TrackingStore::apply_fix(Entry& entry, const PositionFix& fix, int64_t received_ms,
                              const std::optional<geodata::Snap>& snap) {
  if (entry.state.fix && fix.seq <= entry.state.fix->seq) return;
  entry.state.fix = fix;
  entry.state.received_ms = received_ms;
  if (!snap) {  // only in replay, of a journal written for another map
    entry.state.road.reset();
    return;
  }
  entry.state.road = RoadPosition{*snap, snap->distance_m > options_.off_road_m};
}

void TrackingStore::apply_status(Entry& entry, const StatusReport& report) {
  if (const auto status = parse_unit_status(report.status)) entry.state.status = *status;
  entry.state.status_seq = report.seq;
  entry.state.incident_id = report.incident_id;
  entry.state.status_time_ms = report.time_ms;
}

bool TrackingStore::append(const std::string& body, std::string& error) {
  if (!journal_->file) return true;
  try {
    journal_->file->append(body);
  } catch (const std::exception& failure) {
    error = failure.what();
    log("JOURNAL WRITE FAILED, report refused: " + error);
    return false;
  }
  ++counters_.journal_records;
  ++records_since_snapshot_;
  return true;
}

void TrackingStore::log(const std::string& message) const {
  if (options_.log) options_.log(message);
}

// Called once a record's effects (state and counters) are applied, so that the snapshot
// includes them: the journal it replaces is deleted.
Outcome TrackingStore::settled(Outcome outcome) {
  if (records_since_snapshot_ < options_.snapshot_every || !journal_->file) return outcome;
  try {
    snapshot_locked();
  } catch (const std::exception& failure) {  // the journal still holds everything
    log(std::string("snapshot failed, journal kept: ") + failure.what());
    records_since_snapshot_ = 0;
  }
  return outcome;
}

// A valid report the journal could not take: refused, since it could not be kept.
Outcome TrackingStore::refuse_unpersisted(std::string error) {
  ++counters_.rejected[static_cast<size_t>(Rejection::journal_failure)];
  return rejected(Rejection::journal_failure, std::move(error));
}

Outcome TrackingStore::reject(Rejection reason, std::string detail) {
  std::string error;
  append(records::encode_rejection(reason), error);  // counted even when it cannot be journaled
  ++counters_.rejected[static_cast<size_t>(reason)];
  return settled(rejected(reason, std::move(detail)));
}

Outcome TrackingStore::submit_fix(const PositionFix& fix, int64_t now) {
  // Snapping reads only the immutable rtree, so it runs before the lock is taken.
  const bool finite = finite_fix(fix);
  const std::optional<geodata::Snap> snap = finite ? snap_of(fix) : std::nullopt;
  std::unique_lock lock(mutex_);
  Entry* entry = find(fix.unit_id);
  if (!entry)
    return reject(Rejection::unknown_unit, "no unit \"" + fix.unit_id + "\" in the fleet");
  if (!finite) return reject(Rejection::not_finite, "coordinates or speed are not finite numbers");
  if (!snap) {
    return reject(Rejection::off_island, "position is not on Pulau Ambon (no road within " +
                                             std::to_string(std::lround(options_.max_snap_m)) +
                                             " m)");
  }
  if (Outcome verdict = validate_fix(*entry, fix, now); !verdict.accepted) {
    return reject(verdict.reason, std::move(verdict.detail));
  }
  std::string error;
  if (!append(records::encode_fix(fix, now), error)) return refuse_unpersisted(std::move(error));
  apply_fix(*entry, fix, now, snap);
  ++counters_.fixes_accepted;
  return settled(accepted());
}

Outcome TrackingStore::submit_status(const StatusReport& report, int64_t now) {
  std::unique_lock lock(mutex_);
  return submit_status_locked(report, now);
}

Outcome TrackingStore::submit_status_locked(const StatusReport& report, int64_t now) {
  Entry* known = find(report.unit_id);
  if (!known) {
    return reject(Rejection::unknown_unit, "no unit \"" + report.unit_id + "\" in the fleet");
  }
  Entry& entry = *known;
  const std::optional<UnitStatus> status = parse_unit_status(report.status);
  if (!status) return reject(Rejection::unknown_status, "no status \"" + report.status + "\"");
  if (report.time_ms > now + options_.max_future_ms) {
    return reject(Rejection::from_the_future, "status time is ahead of the engine's clock");
  }
  if (report.seq == entry.state.status_seq && entry.state.status_seq != 0) {
    return reject(Rejection::duplicate, "seq " + std::to_string(report.seq) + " already received");
  }
  if (report.seq < entry.state.status_seq) {
    return reject(Rejection::out_of_order, "older than the newest status change (seq " +
                                               std::to_string(entry.state.status_seq) + ")");
  }
  if (std::string why = transition_error(entry.state.status, *status); !why.empty()) {
    return reject(Rejection::illegal_transition, std::move(why));
  }
  std::string error;
  if (!append(records::encode_status(report), error)) return refuse_unpersisted(std::move(error));
  apply_status(entry, report);
  ++counters_.statuses_accepted;
  return settled(accepted());
}

Outcome TrackingStore::change_status(std::string_view unit_id, UnitStatus status,
                                     std::string incident_id, int64_t now,
                                     std::optional<StatusSet> only_from) {
  std::unique_lock lock(mutex_);
  const Entry* known = find(unit_id);
  if (known && only_from && !only_from->has(known->state.status)) {
    // A conflict between dispatchers, not bad input from a tracker: refused, neither counted nor
    // journaled.
    const UnitState& state = known->state;
    return rejected(Rejection::illegal_transition,
                    std::string(unit_id) + " is " + std::string(unit_status_name(state.status)) +
                        (state.incident_id.empty() ? "" : " (" + state.incident_id + ")"));
  }
  const uint64_t next_seq = known ? known->state.status_seq + 1 : 0;
  StatusReport change{std::string(unit_id), next_seq, std::string(unit_status_name(status)),
                      std::move(incident_id), now};
  Outcome outcome = submit_status_locked(change, now);
  lock.unlock();
  if (outcome.accepted && options_.engine_status_changed) options_.engine_status_changed(change);
  return outcome;
}

void TrackingStore::count_rejection(Rejection reason) {
  std::unique_lock lock(mutex_);
  reject(reason, {});
}

std::vector<UnitState> TrackingStore::units(int64_t now) const {
  std::shared_lock lock(mutex_);
  std::vector<UnitState> states;
  states.reserve(entries_.size());
  for (const Entry& entry : entries_) {
    states.push_back(entry.state);
    states.back().stale = stale(entry.state, now);
  }
  return states;
}

std::optional<UnitState> TrackingStore::unit(std::string_view id, int64_t now) const {
  std::shared_lock lock(mutex_);
  const Entry* entry = find(id);
  if (!entry) return std::nullopt;
  UnitState state = entry->state;
  state.stale = stale(state, now);
  return state;
}

Counters TrackingStore::counters() const {
  std::shared_lock lock(mutex_);
  return counters_;
}

void TrackingStore::sync() {
  std::unique_lock lock(mutex_);
  if (journal_->file) journal_->file->sync();
}

void TrackingStore::snapshot() {
  std::unique_lock lock(mutex_);
  if (journal_->file) snapshot_locked();
}

void TrackingStore::snapshot_locked() {
  Journal& j = *journal_;
  std::vector<std::string> bodies{records::encode_header(j.generation + 1)};
  for (const Entry& entry : entries_) {
    if (entry.state.fix)
      bodies.push_back(records::encode_fix(*entry.state.fix, entry.state.received_ms));
    bodies.push_back(records::encode_status({entry.state.unit.id, entry.state.status_seq,
                                             std::string(unit_status_name(entry.state.status)),
                                             entry.state.incident_id, entry.state.status_time_ms}));
  }
  bodies.push_back(records::encode_counters(counters_));
  journal::write_file_atomically(j.dir / "snapshot", bodies);
  // From here the snapshot covers the old journal; a crash before the next line only leaves an
  // old journal that the next start deletes.
  const std::filesystem::path old_file = j.file->path();
  ++j.generation;
  j.file = std::make_unique<journal::AppendFile>(journal_path(j.dir, j.generation), 0,
                                                 options_.sync_interval_ms);
  std::filesystem::remove(old_file);
  records_since_snapshot_ = 0;
}

}  // namespace siaga::tracking
