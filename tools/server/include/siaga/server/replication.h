// A hot standby: two `siaga serve` on one broker, each with its own MQTT session and its own state
// directory. The primary (--replicate) publishes, over a session of its own and at QoS 1, every
// incident after each durable change, every unit status the engine itself set and every hazard
// toggle made over HTTP, on ROOT/replica/…; a write is answered only after the broker has
// acknowledged what it published (or after `ack_timeout`, the answer then saying it was not
// replicated). The standby (--standby-of URL) starts from the primary's snapshot
// (GET /v1/replica/snapshot), applies the feed, hears the crews' fixes and statuses from the
// broker itself, answers every read, and refuses writes with 503 naming the primary.
//
// Promotion is an operator's act (POST /v1/admin/promote, `siaga promote`): refused while the
// primary answers as primary; otherwise the standby takes the next term (epoch), announces it in
// a retained claim on ROOT/replica/primary, and accepts writes. A primary that sees a claim of a
// newer term than its own (the old one, back from a crash or a partition) is fenced: it stops
// accepting writes. A replicating primary also accepts none before the broker has told it the
// current claim, so that one restarted after a failover never takes a write.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "siaga/dispatch/geojson.h"
#include "siaga/mqtt/client.h"
#include "siaga/mqtt/topics.h"
#include "siaga/tracking/incident_store.h"
#include "siaga/tracking/store.h"

namespace siaga::server {

enum class Role : uint8_t { primary, standby, fenced };
std::string_view role_name(Role role);

struct ReplicationOptions {
  bool publish = false;    // a primary that feeds standbys (serve --replicate)
  std::string standby_of;  // http://HOST:PORT: start as this primary's standby (serve --standby-of)
  mqtt::Topics topics;
  mqtt::ClientOptions mqtt;         // the replication's own session
  std::filesystem::path state_dir;  // the term is kept in replication.json; empty: in memory
  std::string token;                // a standby's Bearer token for the primary's snapshot
  std::chrono::milliseconds ack_timeout{2000};      // a write waits this long for the broker
  std::chrono::milliseconds primary_timeout{1000};  // promote: how long the primary may take
  std::function<void(const std::string& message)> log;
};

// What the standby applies: the hazard toggles it is told of (the service switches its metrics).
using HazardApplier = std::function<void(const std::string& zone_id, bool active)>;

class Replication {
 public:
  Replication(ReplicationOptions options, tracking::IncidentStore& incidents,
              tracking::TrackingStore& units, HazardApplier apply_hazard);
  ~Replication();
  Replication(const Replication&) = delete;
  Replication& operator=(const Replication&) = delete;

  bool enabled() const { return options_.publish || !options_.standby_of.empty(); }
  // Connects its MQTT session; a standby then loads the primary's snapshot in the background
  // (retrying until it answers). `own_url` is what a claim tells the others.
  void start(std::string own_url);
  void stop();

  Role role() const { return role_; }
  // Why this instance takes no write now, or nullopt when it does.
  std::optional<std::string> write_refusal() const;

  // The primary's side, called after each durable change; each publishes at once.
  void incident_changed(const tracking::Incident& incident);
  void unit_status_changed(const tracking::StatusReport& change);
  void hazard_changed(const std::string& zone_id, bool active);
  // Until the broker acknowledged everything published so far (at most ack_timeout): "yes", or
  // "no" (timed out: published, and resent when the broker is back), or "off" (not replicating).
  std::string wait_replicated();

  // GET /v1/replica/snapshot: every incident and every unit's status, as protobuf.
  std::string snapshot() const;

  struct Promotion {
    int status = 200;  // 409 the primary still answers as primary; 400 already primary
    std::string message;
    uint64_t epoch = 0;
    double took_ms = 0;
  };
  // Called by the API; `on_promoted` is what the service does before writes are accepted
  // (following the open incidents' units again).
  Promotion promote(const std::function<void()>& on_promoted);

  // For /health, GET /v1/replica/status and /metrics.
  dispatch::Json status_json() const;
  std::string metrics() const;

 private:
  void on_message(std::string_view topic, std::string_view payload);
  void on_claim(std::string_view payload);
  void apply_locked(const std::string& kind, std::string_view payload, bool live);
  void apply_incident(std::string_view payload, bool live);
  void apply_unit(std::string_view payload, bool live);
  void apply_hazard(std::string_view payload);
  void bootstrap();
  bool load_snapshot();
  void settle_primary();
  void drain();
  void observe_lag(int64_t published_ms);
  std::string primary_url() const;
  std::string primary_role_at(const std::string& url) const;
  void save_epoch() const;
  void log(const std::string& message) const;
  uint64_t publish(const std::string& kind, const std::string& payload, bool retain = false);

  ReplicationOptions options_;
  tracking::IncidentStore& incidents_;
  tracking::TrackingStore& units_;
  HazardApplier apply_hazard_;
  std::unique_ptr<mqtt::Client> client_;
  std::string own_url_;
  std::atomic<Role> role_{Role::primary};
  std::atomic<uint64_t> epoch_{0};         // our term: 0 until promoted once
  std::atomic<uint64_t> newest_claim_{0};  // the newest term claimed by another instance
  std::atomic<bool> publishing_{false};
  std::atomic<bool> settled_{false};  // the broker told us the current claim (or that none is)
  std::atomic<bool> in_sync_{false};  // a standby: the snapshot is loaded
  std::atomic<bool> stopping_{false};
  std::thread worker_;
  std::mutex promote_mutex_;                                        // one promotion at a time
  std::atomic<std::chrono::steady_clock::time_point> last_feed_{};  // a message of the feed came

  mutable std::mutex mutex_;  // the feed's order, and what follows
  std::string primary_url_;   // a standby's primary, or who fenced us
  std::string fenced_by_;
  std::deque<std::pair<std::string, std::string>> early_;  // the feed before the snapshot

  mutable std::mutex counters_mutex_;
  std::deque<int64_t> lags_ms_;  // the newest 10,000: primary published → standby applied
  uint64_t incidents_applied_ = 0, units_applied_ = 0, stale_skipped_ = 0, apply_failures_ = 0;
  uint64_t published_ = 0, unreplicated_writes_ = 0;
};

}  // namespace siaga::server
