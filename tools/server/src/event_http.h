// An HTTP/1.1 server that slow or hostile clients cannot stall: one event loop (Boost.Beast over
// Asio) holds every connection while it reads, with a deadline for the header and one for the
// body, and a cap on connections per address; only a whole request reaches a handler, and the
// routing work runs on small bounded pools of workers, so a burst of heavy requests waits its
// turn (or gets 503) instead of piling up threads. Cheap answers (/health, the console's files)
// run on the event loop itself and never wait behind a route.
//
// Why not cpp-httplib's server, which Siaga used before: it gives each connection a thread of a
// fixed pool for as long as the client takes to send its request, so eight clients that send half
// a request held /health for 10 s and 32 for over 30 s (issue #18). Handlers keep cpp-httplib's
// Request and Response as plain value types, so the endpoints did not change.
// Private to the server.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace siaga::server {

using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

// Where a handler runs: `io` for answers that take microseconds and must come back even when
// every worker is busy; `compute` for answers that only compute (OSRM routing: no disk, no lock
// held long, no neighbour asked), on a pool of one thread per core, so that a burst queues rather
// than being time-sliced (on 2 shared cores, four threads slicing set /route's p99 at 4-7 ms, two
// at 0.4-1.3 ms, the same requests per second); `worker` for everything that writes, waits on
// SQLite or asks a neighbour.
enum class Lane { io, compute, worker };

struct EventHttpOptions {
  std::string name = "HTTP API";  // in errors: "cannot listen on HOST:PORT (NAME)"
  // Both set: HTTPS only (TLS 1.2 or newer), the certificate chain and key as PEM files.
  std::filesystem::path certificate;
  std::filesystem::path key;
  // Set on every answer (a handler's own header of the same name wins).
  std::vector<std::pair<std::string, std::string>> headers;
  // From the moment the server waits for a request (a new connection, or a kept-alive one after
  // its last answer) until the request's last header line: also how long an idle connection stays.
  std::chrono::milliseconds header_deadline{5000};
  std::chrono::milliseconds body_deadline{10000};   // the whole body, once the header is in
  std::chrono::milliseconds write_deadline{10000};  // the whole answer, to a reader that reads
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 64 * 1024;
  size_t max_connections = 8192;
  // A browser opens six per host; a reverse proxy in front of the server needs a higher cap.
  size_t max_connections_per_address = 128;
  // 0: two per core, four at least: a handler also waits (a journal's fsync, SQLite), and on a
  // shared machine two workers lost CPU time to the other processes (bench/RESULTS.md).
  unsigned workers = 0;
  unsigned compute_workers = 0;  // 0: one per core
  size_t max_queued = 512;       // requests waiting for or held by a worker; beyond: 503
};

// What the server refused or cut, for /metrics. Every field counts since start.
struct EventHttpCounters {
  uint64_t connections_open = 0;  // a gauge
  uint64_t connections_accepted = 0;
  uint64_t refused_per_address = 0;  // over max_connections_per_address
  uint64_t refused_total = 0;        // over max_connections, or no file descriptor left
  uint64_t header_timeouts = 0;      // a request begun and not finished in time
  uint64_t body_timeouts = 0;
  uint64_t write_timeouts = 0;
  uint64_t bad_requests = 0;      // not HTTP, or header too large, or body over the limit
  uint64_t busy = 0;              // 503: every worker busy and the queue full
  uint64_t requests_in_work = 0;  // a gauge: waiting for or held by a worker
};

class EventHttp {
 public:
  explicit EventHttp(EventHttpOptions options);
  ~EventHttp();
  EventHttp(const EventHttp&) = delete;
  EventHttp& operator=(const EventHttp&) = delete;

  // Routes, matched in the order given; the pattern must match the whole decoded path, and its
  // groups land in Request::matches. Set before start().
  void get(const std::string& pattern, Handler handler, Lane lane = Lane::worker);
  void post(const std::string& pattern, Handler handler, Lane lane = Lane::worker);
  // GET PREFIX/… serves the file under `directory` (no way out of it); PREFIX/ gives index.html.
  void mount(const std::string& prefix, const std::filesystem::path& directory);
  // Called with the status set (404, 400, 413, 431, 503) and an empty body, to write the answer.
  void on_error(Handler handler);

  // Binds at once and returns the port (0: any free one); throws IoError naming the address.
  // (The constructor throws IoError when the certificate or key cannot be used.)
  int bind(const std::string& host, int port);
  void start();  // serves on its own threads
  void stop();   // stops accepting and answering; waits for the handlers under way

  EventHttpCounters counters() const;

  struct Impl;  // the loop, the workers and the routes; its connections hold it by reference

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace siaga::server
