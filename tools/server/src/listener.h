// What the server's listeners share: HTTP, or HTTPS when a certificate and key are given, bound
// at once to HOST:PORT (port 0: any free one), and a Reply sent as JSON. Private to the server.
#pragma once

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "siaga/error.h"
#include "siaga/server/api.h"

namespace siaga::server {

// Throws IoError naming `what` when the certificate or key cannot be used.
inline std::unique_ptr<httplib::Server> http_or_https(const std::filesystem::path& certificate,
                                                      const std::filesystem::path& key,
                                                      const std::string& what) {
  if (certificate.empty()) return std::make_unique<httplib::Server>();
  auto secure = std::make_unique<httplib::SSLServer>(certificate.c_str(), key.c_str());
  if (!secure->is_valid())
    throw IoError("cannot use the " + what + " certificate " + certificate.string() + " and key " +
                  key.string());
  return secure;
}

// Binds and returns the port; throws IoError naming the address when it cannot.
inline int bind_listener(httplib::Server& http, const std::string& host, int port,
                         const std::string& what) {
  http.set_socket_options([](socket_t socket) {
    const int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  int bound = 0;
  if (port == 0)
    bound = http.bind_to_any_port(host);
  else if (http.bind_to_port(host, port))
    bound = port;
  if (bound <= 0)
    throw IoError("cannot listen for " + what + " on " + host + ":" + std::to_string(port));
  return bound;
}

// Serves on `thread` and returns once the server runs: cpp-httplib's stop() does nothing to a
// server that has not begun its accept loop, so a stop() right after start() would otherwise
// leave the thread in accept() for ever (and its join() with it).
inline void start_serving(httplib::Server& http, std::thread& thread) {
  thread = std::thread([&http] { http.listen_after_bind(); });
  for (int waited_ms = 0; !http.is_running() && waited_ms < 10'000; ++waited_ms)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

inline void send(httplib::Response& response, const Reply& reply) {
  response.status = reply.status;
  response.set_content(reply.body.dump(), "application/json");
}

}  // namespace siaga::server
