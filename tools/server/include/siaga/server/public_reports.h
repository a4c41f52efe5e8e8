// The citizens' panic button (`/darurat`): a report from a phone becomes an incident marked
// unverified, source "app", in the dispatcher's queue; the phone then follows its status through
// a per-report key. Public means hostile: no token, but a report can only be created; per-address
// and per-number rate limits, a position off the island refused with a message, a photo checked
// and stripped of its metadata (the phone's GPS, its serial number) before it is kept.
//
//   POST /v1/reports/public          {class, lat, lon, [accuracy_m, phone, note, photo,
//   photo_type]} GET  /v1/reports/public/{id}?key=K  what the citizen may know: received, unit
//   sent, ETA, done
//
// These answers are served only on the public listener (public_server.h); the control room reads
// the photo through GET /v1/incidents/{id}/photo on its own API.
#pragma once

#include <atomic>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "siaga/server/api.h"

namespace siaga::server {

// A photo as kept: its bytes without metadata, and its extension; or why it was refused.
struct CleanPhoto {
  std::string bytes;
  std::string extension;  // jpg or png
  std::string error;      // non-empty: refused
};
// JPEG: every APPn segment but JFIF's APP0 and every comment dropped (EXIF with its GPS position,
// XMP, maker notes). PNG: the text, time and EXIF chunks dropped. Anything else is refused.
CleanPhoto strip_photo_metadata(std::string_view data);

// At most `most` events per key within a sliding window. Keys are forgotten once their window has
// passed, so a flood of addresses cannot grow it without end.
class RateLimit {
 public:
  RateLimit(size_t most, int64_t window_ms) : most_(most), window_ms_(window_ms) {}
  // Counts the event and says whether it is within the limit.
  bool allow(const std::string& key, int64_t now_ms);

 private:
  void forget_before(int64_t oldest_ms);

  size_t most_;
  int64_t window_ms_;
  int64_t last_sweep_ms_ = 0;
  std::mutex mutex_;
  std::map<std::string, std::deque<int64_t>> events_;
};

struct PublicReportOptions {
  size_t per_address = 3;  // reports per address, and per phone number, within the window
  size_t per_number = 3;
  int64_t window_ms = 10 * 60 * 1000;
  size_t max_photo_bytes = 2 * 1024 * 1024;
  double max_off_road_m = 1000;     // farther from any road: not on the island
  std::filesystem::path state_dir;  // photos go to state_dir/photos, the key to public-reports.key;
                                    // empty: photos refused, a key for this process only
};

struct PublicReportCounters {
  uint64_t accepted = 0;
  uint64_t rate_limited = 0;
  uint64_t refused = 0;  // malformed, off the island, a bad photo
  uint64_t status_reads = 0;
};

class PublicReports {
 public:
  // Reads or makes the key that signs the reports' status keys (throws IoError when it cannot).
  PublicReports(Api& api, PublicReportOptions options);

  Reply submit(std::string_view body, const std::string& address);
  Reply status(std::string_view incident_id, std::string_view key);
  PublicReportCounters counters() const;

  // The path of an incident's photo, when it has one.
  std::optional<std::filesystem::path> photo_of(std::string_view incident_id) const;

 private:
  std::string key_for(std::string_view incident_id) const;

  Api& api_;
  PublicReportOptions options_;
  std::string secret_;
  RateLimit by_address_;
  RateLimit by_number_;
  std::atomic<uint64_t> accepted_{0}, rate_limited_{0}, refused_{0}, status_reads_{0};
};

// GET /v1/incidents/{id}/photo on the control room's API: the photo, or 404.
struct PhotoReply {
  int status = 404;
  std::string bytes;
  std::string content_type;
};
PhotoReply incident_photo(const PublicReports* reports, std::string_view incident_id);

}  // namespace siaga::server
