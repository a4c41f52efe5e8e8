// The trackers' listener: the TrackerIntake's endpoints on their own port, never on the console's,
// over HTTPS when a certificate and key are given (phones on mobile networks reach it where MQTT
// is blocked). Routes: / and /osmand (GET or POST, what Traccar Client and OsmAnd send),
// /owntracks (POST), /traccar (POST, a Traccar server's position forwarding).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "siaga/server/tracker_intake.h"

namespace siaga::server {

struct TrackerListenOptions {
  std::string host = "127.0.0.1";
  int port = 5055;  // Traccar's own OsmAnd port, which Traccar Client offers by default
  std::filesystem::path certificate;  // with `key`: HTTPS only
  std::filesystem::path key;
  size_t max_body_bytes = 16 * 1024;
};

class TrackerServer {
 public:
  // Binds at once; throws IoError naming the address when it cannot, or the certificate when
  // it cannot be used. Keeps a reference to `intake`, which must outlive it.
  TrackerServer(TrackerIntake& intake, TrackerListenOptions options);
  ~TrackerServer();
  TrackerServer(const TrackerServer&) = delete;
  TrackerServer& operator=(const TrackerServer&) = delete;

  int port() const;
  bool https() const;
  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace siaga::server
