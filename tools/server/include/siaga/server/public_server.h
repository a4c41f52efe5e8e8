// The citizens' listener: the panic button's page (/darurat, an installable web app) and its two
// endpoints (public_reports.h) on their own port, never on the console's, so that the control
// room's API can stay on its own network. HTTPS when a certificate and key are given: a browser
// gives a page the phone's position, and installs it as an app, only in a secure context.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "siaga/server/public_reports.h"

namespace siaga::server {

struct PublicListenOptions {
  std::string host = "127.0.0.1";
  int port = 8443;                    // 0: any free port
  std::filesystem::path certificate;  // with `key`: HTTPS only
  std::filesystem::path key;
  std::filesystem::path page_dir;           // the page, its script, manifest and worker
  size_t max_body_bytes = 3 * 1024 * 1024;  // a 2 MB photo in base64, and the rest
  // The header must arrive within this; the body within this plus max_body_bytes at 32 KB/s.
  int read_timeout_s = 10;
};

class PublicServer {
 public:
  // Binds at once; throws IoError naming the address or the certificate when it cannot. Keeps a
  // reference to `reports`, which must outlive it.
  PublicServer(PublicReports& reports, PublicListenOptions options);
  ~PublicServer();
  PublicServer(const PublicServer&) = delete;
  PublicServer& operator=(const PublicServer&) = delete;

  int port() const;
  bool https() const;
  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace siaga::server
