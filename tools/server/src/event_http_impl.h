// EventHttp's insides, shared by event_http.cpp (accepting, routing, starting and stopping) and
// http_connection.h (one connection's reads and writes). Private to the server.
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <thread>
#include <vector>

#include "event_http.h"

namespace siaga::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct Route {
  std::string method;
  std::regex pattern;
  Handler handler;
  Lane lane;
};

struct EventHttp::Impl {
  EventHttpOptions options;
  std::vector<Route> routes;
  std::vector<std::pair<std::string, std::filesystem::path>> mounts;
  Handler error_handler;
  std::optional<asio::ssl::context> tls;  // set: every connection speaks HTTPS

  // Declared before the event loop: a connection destroyed with the loop's pending handlers
  // still gives its address back here.
  std::mutex addresses_mutex;
  std::map<std::string, size_t> open_by_address;
  std::set<beast::tcp_stream*> connections;  // to close them all when the server stops
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> connections_open{0}, connections_accepted{0}, refused_per_address{0},
      refused_total{0}, header_timeouts{0}, body_timeouts{0}, write_timeouts{0}, bad_requests{0},
      busy{0};
  std::atomic<size_t> queued{0};

  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer accept_retry{io};
  // Keeps the loop running while a request is out with a worker and nothing else is pending.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  asio::thread_pool workers;
  asio::thread_pool compute;
  std::thread io_thread;
  bool started = false;

  explicit Impl(EventHttpOptions given);

  void accept();
  bool admit(const std::string& address);
  void opened(beast::tcp_stream* connection) {
    std::lock_guard lock(addresses_mutex);
    connections.insert(connection);
  }
  void closed(const std::string& address, beast::tcp_stream* connection);
  void close_all();
  const Route* route_of(httplib::Request& request) const;
  bool serve_file(const std::string& path, httplib::Response& response) const;
};

}  // namespace siaga::server
