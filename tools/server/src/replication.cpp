#include "siaga/server/replication.h"

#include <httplib.h>

#include <algorithm>
#include <fstream>

#include "replica_codec.h"

namespace siaga::server {

namespace {

using namespace std::chrono_literals;

constexpr size_t max_lag_samples = 10'000;
constexpr size_t max_early_messages = 1'000'000;  // a standby far behind stops buffering here

uint64_t load_epoch(const std::filesystem::path& state_dir) {
  if (state_dir.empty()) return 0;
  std::ifstream in(state_dir / "replication.json");
  const dispatch::Json saved = dispatch::Json::parse(in, nullptr, false);
  return saved.is_object() ? saved.value("epoch", uint64_t{0}) : 0;
}

double percentile(std::vector<int64_t> values, double share) {
  if (values.empty()) return 0;
  const size_t at = static_cast<size_t>(share * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(at), values.end());
  return static_cast<double>(values[at]);
}

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::primary:
      return "primary";
    case Role::standby:
      return "standby";
    case Role::fenced:
      return "fenced";
  }
  return "primary";
}

Replication::Replication(ReplicationOptions options, tracking::IncidentStore& incidents,
                         tracking::TrackingStore& units, HazardApplier apply_hazard)
    : options_(std::move(options)),
      incidents_(incidents),
      units_(units),
      apply_hazard_(std::move(apply_hazard)),
      epoch_(load_epoch(options_.state_dir)),
      publishing_(options_.publish) {
  role_ = options_.standby_of.empty() ? Role::primary : Role::standby;
  primary_url_ = options_.standby_of;
  settled_ = !enabled();
  if (!enabled()) return;
  client_ = std::make_unique<mqtt::Client>(
      options_.mqtt,
      [this](std::string_view topic, std::string_view payload) { on_message(topic, payload); });
  client_->subscribe(options_.topics.replica("primary"));
  if (role_ == Role::standby) {
    for (const char* kind : {"incident", "unit", "hazard"})
      client_->subscribe(options_.topics.replica(kind));
  }
}

Replication::~Replication() {
  stop();
}

void Replication::start(std::string own_url) {
  own_url_ = std::move(own_url);
  if (!enabled()) return;
  client_->start();
  worker_ = std::thread([this] {
    if (role_ == Role::standby) {
      bootstrap();
    } else {
      settle_primary();
    }
  });
}

void Replication::stop() {
  stopping_ = true;
  if (worker_.joinable()) worker_.join();
  if (client_) client_->stop();
}

void Replication::log(const std::string& message) const {
  if (options_.log) options_.log(message);
}

// Messages from one session arrive in order: once the broker acknowledged a message published
// after the session subscribed to the claims, any retained claim has been delivered already.
void Replication::settle_primary() {
  while (!stopping_) {
    if (!client_->wait_connected(200ms)) continue;
    const uint64_t ticket = publish("hello", options_.mqtt.client_id);
    if (ticket && client_->wait_acknowledged_through(ticket, 2s)) {
      settled_ = true;
      return;
    }
  }
}

void Replication::bootstrap() {
  while (!stopping_ && role_ == Role::standby && !in_sync_) {
    if (client_->wait_connected(200ms) && load_snapshot()) return;
    for (int i = 0; i < 20 && !stopping_; ++i) std::this_thread::sleep_for(100ms);
  }
}

bool Replication::load_snapshot() {
  const std::string url = primary_url();
  httplib::Client http(url);
  http.set_connection_timeout(options_.primary_timeout);
  http.set_read_timeout(60s);
  if (!options_.token.empty()) http.set_bearer_token_auth(options_.token);
  const auto answer = http.Get("/v1/replica/snapshot");
  v1::ReplicaSnapshot snapshot;
  if (!answer || answer->status != 200 || !snapshot.ParseFromString(answer->body)) {
    log("standby: no snapshot from " + url + " (" +
        (answer ? "answered " + std::to_string(answer->status) : std::string("no answer")) +
        "); trying again in 2 s");
    return false;
  }
  if (!snapshot.replicating())
    log("standby: " + url +
        " does not replicate (start it with --replicate): nothing after this snapshot will "
        "reach this standby");
  for (const v1::IncidentReplica& incident : snapshot.incidents())
    apply_incident(incident.SerializeAsString(), false);
  for (const v1::UnitReplica& unit : snapshot.units()) apply_unit(unit.SerializeAsString(), false);
  // What arrived meanwhile, in its order; nothing can be added once in_sync_ is set.
  std::lock_guard lock(mutex_);
  for (const auto& [kind, payload] : early_) apply_locked(kind, payload, true);
  early_.clear();
  in_sync_ = true;
  log("standby: in sync with " + url + " (" + std::to_string(snapshot.incidents_size()) +
      " incidents)");
  return true;
}

void Replication::on_message(std::string_view topic, std::string_view payload) {
  const std::string prefix = options_.topics.replica("");
  if (topic.substr(0, prefix.size()) != prefix) return;
  const std::string kind(topic.substr(prefix.size()));
  if (kind == "primary") return on_claim(payload);
  if (role_ != Role::standby) return;  // a promoted standby no longer follows anyone
  last_feed_ = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (!in_sync_) {
    if (early_.size() < max_early_messages) early_.emplace_back(kind, std::string(payload));
    return;
  }
  apply_locked(kind, payload, true);
}

void Replication::apply_locked(const std::string& kind, std::string_view payload, bool live) {
  if (kind == "incident") {
    apply_incident(payload, live);
  } else if (kind == "unit") {
    apply_unit(payload, live);
  } else if (kind == "hazard") {
    apply_hazard(payload);
  }
}

void Replication::apply_incident(std::string_view payload, bool live) {
  v1::IncidentReplica replica;
  try {
    if (!replica.ParseFromArray(payload.data(), static_cast<int>(payload.size())))
      throw InputError("an incident replica that is not protobuf");
    const bool applied = incidents_.apply_replica(from_replica(replica));
    std::lock_guard lock(counters_mutex_);
    ++(applied ? incidents_applied_ : stale_skipped_);
    if (live) observe_lag(replica.published_ms());
  } catch (const std::exception& error) {
    std::lock_guard lock(counters_mutex_);
    ++apply_failures_;
    log("standby: incident " + replica.id() + " not applied: " + error.what());
  }
}

void Replication::apply_unit(std::string_view payload, bool live) {
  v1::UnitReplica replica;
  if (!replica.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    std::lock_guard lock(counters_mutex_);
    ++apply_failures_;
    return;
  }
  const int64_t now = tracking::now_ms();
  const auto state = units_.unit(replica.unit_id(), now);
  // Already there: the crew's own report reached us from the broker, or an older replica.
  const bool newer = state && replica.seq() > state->status_seq;
  const bool applied = newer && units_.submit_status(from_replica(replica), now).accepted;
  std::lock_guard lock(counters_mutex_);
  ++(applied ? units_applied_ : stale_skipped_);
  if (live) observe_lag(replica.published_ms());
}

void Replication::apply_hazard(std::string_view payload) {
  v1::HazardToggle toggle;
  if (toggle.ParseFromArray(payload.data(), static_cast<int>(payload.size())) && apply_hazard_)
    apply_hazard_(toggle.zone_id(), toggle.active());
}

// The counters' lock held.
void Replication::observe_lag(int64_t published_ms) {
  if (published_ms <= 0) return;
  lags_ms_.push_back(std::max<int64_t>(0, tracking::now_ms() - published_ms));
  if (lags_ms_.size() > max_lag_samples) lags_ms_.pop_front();
}

void Replication::on_claim(std::string_view payload) {
  v1::PrimaryClaim claim;
  if (!claim.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return;
  if (claim.instance() == options_.mqtt.client_id) return;  // our own, retained
  uint64_t seen = newest_claim_;
  while (claim.epoch() > seen && !newest_claim_.compare_exchange_weak(seen, claim.epoch())) {
  }
  // A newer term than ours, or the same term claimed by an instance that sorts after us (two
  // standbys promoted at once): the other one is the primary.
  const bool theirs = claim.epoch() > epoch_ ||
                      (claim.epoch() == epoch_ && claim.instance() > options_.mqtt.client_id);
  if (!theirs) return;
  {
    std::lock_guard lock(mutex_);
    primary_url_ = claim.url();
    fenced_by_ =
        claim.instance() + " at " + claim.url() + " (term " + std::to_string(claim.epoch()) + ")";
  }
  if (role_ == Role::primary) {
    role_ = Role::fenced;
    log("fenced: " + claim.instance() + " at " + claim.url() + " took over as primary (term " +
        std::to_string(claim.epoch()) + "); this instance takes no more writes");
  }
}

std::string Replication::primary_url() const {
  std::lock_guard lock(mutex_);
  return primary_url_;
}

std::optional<std::string> Replication::write_refusal() const {
  switch (role_.load()) {
    case Role::standby:
      return "this is a standby of " + primary_url() +
             ": writes go to the primary (or promote this one: siaga promote)";
    case Role::fenced: {
      std::lock_guard lock(mutex_);
      return "no longer the primary: " + fenced_by_ + " took over; writes go there";
    }
    case Role::primary:
      if (!settled_) return "starting: waiting for the broker to say whether another took over";
      return std::nullopt;
  }
  return std::nullopt;
}

uint64_t Replication::publish(const std::string& kind, const std::string& payload, bool retain) {
  try {
    const uint64_t ticket =
        client_->publish_tracked(options_.topics.replica(kind), payload, retain);
    std::lock_guard lock(counters_mutex_);
    ++published_;
    return ticket;
  } catch (const mqtt::ClientError& error) {
    log(std::string("replication: ") + error.what());
    return 0;
  }
}

void Replication::incident_changed(const tracking::Incident& incident) {
  if (!publishing_ || role_ != Role::primary) return;
  v1::IncidentReplica replica = to_replica(incident);
  replica.set_published_ms(tracking::now_ms());
  replica.set_epoch(epoch_);
  publish("incident", replica.SerializeAsString());
}

void Replication::unit_status_changed(const tracking::StatusReport& change) {
  if (!publishing_ || role_ != Role::primary) return;
  v1::UnitReplica replica = to_replica(change);
  replica.set_published_ms(tracking::now_ms());
  replica.set_epoch(epoch_);
  publish("unit", replica.SerializeAsString());
}

void Replication::hazard_changed(const std::string& zone_id, bool active) {
  if (!publishing_ || role_ != Role::primary) return;
  v1::HazardToggle toggle;
  toggle.set_zone_id(zone_id);
  toggle.set_active(active);
  toggle.set_time_ms(tracking::now_ms());
  publish("hazard", toggle.SerializeAsString());
}

std::string Replication::wait_replicated() {
  if (!publishing_) return "off";
  const uint64_t ticket = client_->last_ticket();
  if (ticket == 0 || client_->wait_acknowledged_through(ticket, options_.ack_timeout)) return "yes";
  std::lock_guard lock(counters_mutex_);
  ++unreplicated_writes_;
  return "no";
}

std::string Replication::snapshot() const {
  v1::ReplicaSnapshot snapshot;
  snapshot.set_epoch(epoch_);
  snapshot.set_replicating(publishing_);
  tracking::IncidentQuery all;
  all.open_only = false;
  all.limit = 100'000'000;
  all.with_events = true;
  for (const tracking::Incident& incident : incidents_.list(all))
    *snapshot.add_incidents() = to_replica(incident);
  for (const tracking::UnitState& state : units_.units(tracking::now_ms())) {
    if (state.status_seq == 0) continue;
    *snapshot.add_units() = to_replica(tracking::StatusReport{
        state.unit.id, state.status_seq, std::string(tracking::unit_status_name(state.status)),
        state.incident_id, state.status_time_ms});
  }
  return snapshot.SerializeAsString();
}

void Replication::save_epoch() const {
  if (options_.state_dir.empty()) return;
  const auto file = options_.state_dir / "replication.json";
  const auto temporary = options_.state_dir / "replication.json.new";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << dispatch::Json{{"epoch", epoch_.load()}}.dump() << "\n";
    out.flush();
    if (!out) throw IoError("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, file);
}

// What the instance at `url` says it is: primary, standby, fenced; empty when it does not answer.
std::string Replication::primary_role_at(const std::string& url) const {
  if (url.empty()) return "";
  httplib::Client http(url);
  http.set_connection_timeout(options_.primary_timeout);
  http.set_read_timeout(options_.primary_timeout);
  const auto answer = http.Get("/v1/replica/status");
  if (!answer || answer->status != 200) return "";
  const dispatch::Json status = dispatch::Json::parse(answer->body, nullptr, false);
  return status.is_object() ? status.value("role", "") : "";
}

// Before a standby takes writes: what the broker still holds for it is applied first. Whatever
// the old primary had acknowledged is queued to our session already (the broker queues a message
// to its subscribers before it acknowledges it); we take it as all delivered once the feed has
// been quiet for a moment after the broker answered a message of ours.
void Replication::drain() {
  const uint64_t ticket = publish("hello", options_.mqtt.client_id);
  if (ticket) client_->wait_acknowledged_through(ticket, options_.ack_timeout);
  const auto give_up = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < give_up &&
         std::chrono::steady_clock::now() - last_feed_.load() < 300ms)
    std::this_thread::sleep_for(20ms);
}

Replication::Promotion Replication::promote(const std::function<void()>& on_promoted) {
  const auto start = std::chrono::steady_clock::now();
  std::lock_guard promoting(promote_mutex_);
  if (!enabled())
    return {400, "this server is not part of a pair (serve --replicate or --standby-of)", 0, 0};
  if (role_ == Role::primary) return {409, "this server is the primary already", epoch_, 0};
  const std::string url = primary_url();
  const std::string role_there = primary_role_at(url);
  if (role_there == "primary")
    return {409,
            "the primary at " + url +
                " still answers as primary: stop it first; two primaries must never take writes",
            epoch_, 0};
  drain();
  epoch_ = std::max(epoch_.load(), newest_claim_.load()) + 1;
  save_epoch();
  if (on_promoted) on_promoted();
  publishing_ = true;
  settled_ = true;
  role_ = Role::primary;
  v1::PrimaryClaim claim;
  claim.set_instance(options_.mqtt.client_id);
  claim.set_epoch(epoch_);
  claim.set_url(own_url_);
  claim.set_time_ms(tracking::now_ms());
  // Retained: an old primary that comes back later is told at once. Not waited for beyond the
  // write timeout: the old primary is gone, and the claim reaches the broker when it is back.
  const uint64_t ticket = publish("primary", claim.SerializeAsString(), true);
  if (ticket) client_->wait_acknowledged_through(ticket, options_.ack_timeout);
  log("promoted: primary from now on (term " + std::to_string(epoch_.load()) + "); " +
      (role_there.empty() ? url + " did not answer" : url + " is " + role_there));
  const double took =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return {200, "primary from now on", epoch_, took};
}

dispatch::Json Replication::status_json() const {
  using dispatch::Json;
  Json status = {{"role", role_name(role_)},
                 {"epoch", epoch_.load()},
                 {"replicating", publishing_.load()},
                 {"paired", enabled()}};
  if (role_ != Role::primary) status["primary"] = primary_url();
  if (role_ == Role::standby) status["in_sync"] = in_sync_.load();
  if (role_ == Role::primary && !settled_) status["settling"] = true;
  std::vector<int64_t> lags;
  {
    // Copied under the lock, sorted after it: the applier waits for the lock on every change.
    std::lock_guard lock(counters_mutex_);
    lags.assign(lags_ms_.begin(), lags_ms_.end());
    status["applied"] = {{"incidents", incidents_applied_}, {"units", units_applied_}};
    status["stale_skipped"] = stale_skipped_;
    status["apply_failures"] = apply_failures_;
    status["published"] = published_;
    status["unreplicated_writes"] = unreplicated_writes_;
  }
  status["lag_ms"] = {
      {"count", lags.size()}, {"p50", percentile(lags, 0.5)}, {"p99", percentile(lags, 0.99)}};
  return status;
}

std::string Replication::metrics() const {
  const dispatch::Json status = status_json();
  std::string out =
      "# HELP siaga_replication_role This instance's role in a hot-standby pair (1 = this one).\n"
      "# TYPE siaga_replication_role gauge\n";
  for (const Role role : {Role::primary, Role::standby, Role::fenced})
    out += "siaga_replication_role{role=\"" + std::string(role_name(role)) + "\"} " +
           (role == role_ ? "1" : "0") + "\n";
  out += "# TYPE siaga_replication_epoch gauge\nsiaga_replication_epoch " +
         std::to_string(epoch_.load()) + "\n";
  out += "# TYPE siaga_replication_applied_total counter\n";
  for (const char* kind : {"incidents", "units"})
    out += std::string("siaga_replication_applied_total{kind=\"") + kind + "\"} " +
           status["applied"][kind].dump() + "\n";
  out +=
      "# TYPE siaga_replication_apply_failures_total "
      "counter\nsiaga_replication_apply_failures_total " +
      status["apply_failures"].dump() + "\n";
  out +=
      "# HELP siaga_replication_unreplicated_writes_total Writes answered before the broker "
      "acknowledged their replica.\n# TYPE siaga_replication_unreplicated_writes_total counter\n"
      "siaga_replication_unreplicated_writes_total " +
      status["unreplicated_writes"].dump() + "\n";
  out +=
      "# HELP siaga_replication_lag_ms Primary published to standby applied, newest 10,000.\n"
      "# TYPE siaga_replication_lag_ms summary\n";
  out += "siaga_replication_lag_ms{quantile=\"0.5\"} " + status["lag_ms"]["p50"].dump() + "\n";
  out += "siaga_replication_lag_ms{quantile=\"0.99\"} " + status["lag_ms"]["p99"].dump() + "\n";
  return out;
}

}  // namespace siaga::server
