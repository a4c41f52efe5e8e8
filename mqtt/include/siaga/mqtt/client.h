// A plain libmosquitto client: QoS 1, a persistent session (fixed client id, clean session off),
// automatic reconnection with exponential backoff and jitter after any error, and
// re-subscription on every connect. Its network thread calls the message handler; the handler
// must not block for long.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "siaga/error.h"

struct mosquitto;
struct mosquitto_message;

namespace siaga::mqtt {

// The broker cannot be reached or refused: a link failure, not the caller's input.
struct ClientError : IoError {
  using IoError::IoError;
};

// Text that is not HOST:PORT.
struct EndpointError : InputError {
  using InputError::InputError;
};

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 1883;
};

// "HOST:PORT" or "HOST" (port 1883); throws EndpointError with a one-line reason.
Endpoint parse_endpoint(std::string_view text);

struct ClientOptions {
  Endpoint broker;
  std::string client_id;       // fixed, so that the broker keeps the session
  bool clean_session = false;  // false: the broker queues QoS 1 messages while we are away
  std::string username;
  std::string password;
  std::string ca_file;  // non-empty: TLS, checking the broker against this CA
  int keepalive_s = 10;
  int reconnect_min_s = 1;
  int reconnect_max_s = 16;
  int max_inflight = 1000;  // QoS 1 messages in flight at once (libmosquitto's default is 20)
  // Told, on the network thread, when the link comes up, goes down, cannot be made or is refused
  // (wrong password, untrusted certificate); a message equal to the one before is not repeated,
  // so a broker down for an hour is one line, not one per retry.
  std::function<void(const std::string& message)> on_link_change;
};

class Client {
 public:
  using MessageHandler = std::function<void(std::string_view topic, std::string_view payload)>;

  Client(ClientOptions options, MessageHandler on_message = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Remembered and (re)subscribed on every connect.
  void subscribe(std::string pattern, int qos = 1);
  // Connects in the background and keeps reconnecting until stopped or destroyed. start() and
  // stop() come from one thread (the owner's); everything else from any.
  void start();
  // Connected and every remembered pattern acknowledged by the broker (SUBACK): from then on
  // nothing published to those patterns passes this client by.
  bool wait_connected(std::chrono::milliseconds timeout);
  bool connected() const { return connected_; }
  uint64_t connect_count() const { return connect_count_; }

  // Queues a message; libmosquitto resends QoS 1 messages that were not acknowledged when the
  // connection comes back. Throws ClientError when it cannot even be queued.
  void publish(std::string_view topic, std::string_view payload, int qos = 1, bool retain = false);
  // Published but not yet acknowledged by the broker (PUBACK).
  uint64_t unacknowledged() const { return published_ - acknowledged_; }
  uint64_t acknowledged() const { return acknowledged_; }
  bool wait_acknowledged(std::chrono::milliseconds timeout);
  // A QoS 1 message whose acknowledgement can be waited for on its own: returns its ticket
  // (1, 2, …). Throws ClientError like publish().
  uint64_t publish_tracked(std::string_view topic, std::string_view payload, bool retain = false);
  // The ticket of the newest tracked message published so far (0: none).
  uint64_t last_ticket() const;
  // Until the broker acknowledged every tracked message up to `ticket`; false on timeout.
  bool wait_acknowledged_through(uint64_t ticket, std::chrono::milliseconds timeout);
  void stop();

 private:
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_disconnect(mosquitto*, void* self, int rc);
  static void on_publish(mosquitto*, void* self, int mid);
  static void on_subscribe(mosquitto*, void* self, int mid, int granted_count, const int* granted);
  void mark_connected();
  void mark_link_closed();
  void settle_tracked(int mid);
  static void on_message(mosquitto*, void* self, const mosquitto_message* message);
  void run_network();
  void report_link(std::string message);
  std::string broker_text() const;
  bool pause_unless_stopping(std::chrono::milliseconds delay);

  ClientOptions options_;
  MessageHandler handler_;
  mosquitto* mosq_ = nullptr;
  std::vector<std::pair<std::string, int>> subscriptions_;
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> connect_count_{0};
  std::atomic<uint64_t> published_{0};
  std::atomic<uint64_t> acknowledged_{0};
  // Tracked messages: libmosquitto's message id → ticket while unacknowledged; acknowledgements
  // that came before publish_tracked() had its message id; tickets not yet acknowledged.
  std::map<int, uint64_t> tracked_by_mid_;
  std::set<int> early_acks_;
  std::set<uint64_t> unacked_tickets_;
  uint64_t last_ticket_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool started_ = false;
  bool link_open_ = false;  // on_connect has copied subscriptions_ (under mutex_)
  std::atomic<bool> stopping_{false};
  std::chrono::steady_clock::time_point stop_requested_;
  std::thread network_;
  // Touched by the network thread only (and by start() before it runs).
  std::string last_link_report_;
  bool refused_ = false;
  bool session_up_ = false;
  std::set<int> pending_subacks_;  // this connect's SUBSCRIBEs not yet acknowledged
};

}  // namespace siaga::mqtt
