#include "siaga/mqtt/client.h"

#include <mosquitto.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <initializer_list>
#include <random>
#include <stdexcept>
#include <utility>

namespace siaga::mqtt {

namespace {

// libmosquitto needs one process-wide initialisation; this is its only global.
void initialise_library() {
  static const int initialised = mosquitto_lib_init();
  (void)initialised;
}

ClientError error(const std::string& what, int rc) {
  return ClientError(what + ": " + mosquitto_strerror(rc));
}

// libmosquitto's text for an error code; for MOSQ_ERR_ERRNO, the system's (call at once).
std::string describe(int rc) {
  if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
  if (rc == MOSQ_ERR_KEEPALIVE) return "no answer within the keepalive";  // libmosquitto: "Unknown"
  return mosquitto_strerror(rc);
}

// The error of a connection attempt whose socket is closed already (the connect refused, or
// reset), 0 while it is still connecting or connected: TCP reports a closed socket as hung up.
// The first failed write may have taken the socket's error; most often nothing listened.
int failed_attempt_error(mosquitto* mosq) {
  const int socket = mosquitto_socket(mosq);
  if (socket < 0) return 0;
  pollfd state{.fd = socket, .events = POLLIN | POLLOUT, .revents = 0};
  if (poll(&state, 1, 0) != 1 || !(state.revents & POLLHUP)) return 0;
  int error = 0;
  socklen_t size = sizeof error;
  return getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error != 0 ? error
                                                                                    : ECONNREFUSED;
}

std::string joined(std::initializer_list<std::string_view> parts) {
  std::string text;
  for (const std::string_view part : parts) text.append(part);
  return text;
}

}  // namespace

Endpoint parse_endpoint(std::string_view text) {
  Endpoint endpoint;
  const size_t colon = text.rfind(':');
  endpoint.host = std::string(text.substr(0, colon));
  if (colon != std::string_view::npos) {
    const std::string_view port = text.substr(colon + 1);
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), endpoint.port);
    if (ec != std::errc() || end != port.data() + port.size() || endpoint.port < 1 ||
        endpoint.port > 65535) {
      throw EndpointError("\"" + std::string(text) + "\" is not HOST:PORT");
    }
  }
  if (endpoint.host.empty()) throw EndpointError("\"" + std::string(text) + "\" has no host");
  return endpoint;
}

Client::Client(ClientOptions options, MessageHandler on_message)
    : options_(std::move(options)), handler_(std::move(on_message)) {
  initialise_library();
  mosq_ = mosquitto_new(options_.client_id.empty() ? nullptr : options_.client_id.c_str(),
                        options_.clean_session, this);
  if (!mosq_) throw ClientError("cannot create an MQTT client (client id missing?)");
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_threaded_set(mosq_, true);  // publish() comes from other threads than run_network()
  mosquitto_connect_callback_set(mosq_, &Client::on_connect);
  mosquitto_disconnect_callback_set(mosq_, &Client::on_disconnect);
  mosquitto_publish_callback_set(mosq_, &Client::on_publish);
  mosquitto_subscribe_callback_set(mosq_, &Client::on_subscribe);
  mosquitto_message_callback_set(mosq_, &Client::on_message);
  mosquitto_max_inflight_messages_set(mosq_, options_.max_inflight);
  if (!options_.username.empty()) {
    mosquitto_username_pw_set(mosq_, options_.username.c_str(),
                              options_.password.empty() ? nullptr : options_.password.c_str());
  }
  if (!options_.ca_file.empty()) {
    if (const int rc =
            mosquitto_tls_set(mosq_, options_.ca_file.c_str(), nullptr, nullptr, nullptr, nullptr);
        rc != MOSQ_ERR_SUCCESS) {
      mosquitto_destroy(mosq_);
      throw error("cannot use the CA file " + options_.ca_file, rc);
    }
  }
}

Client::~Client() {
  stop();
  mosquitto_destroy(mosq_);
}

void Client::subscribe(std::string pattern, int qos) {
  bool link_open = false;
  {
    std::lock_guard lock(mutex_);
    subscriptions_.emplace_back(pattern, qos);
    link_open = link_open_;
  }
  // A connect that copied the list before our pattern was in it still gets it from here.
  if (link_open) mosquitto_subscribe(mosq_, nullptr, pattern.c_str(), qos);
}

void Client::start() {
  {
    std::lock_guard lock(mutex_);
    if (started_) return;
    started_ = true;
  }
  // Outside our lock, as every call into libmosquitto (its callbacks take our lock under its own).
  // connect_async never fails on a broker that is down: run_network() keeps retrying.
  const int rc = mosquitto_connect_async(mosq_, options_.broker.host.c_str(), options_.broker.port,
                                         options_.keepalive_s);
  // Nor does a failed TLS handshake stop it (libmosquitto may report one here or in the loop).
  if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_ERRNO && rc != MOSQ_ERR_TLS) {
    std::lock_guard lock(mutex_);
    started_ = false;
    throw error("cannot connect to " + options_.broker.host, rc);
  }
  if (rc != MOSQ_ERR_SUCCESS)
    report_link(joined({"cannot reach ", broker_text(), ": ", describe(rc)}));
  stopping_ = false;
  network_ = std::thread([this] { run_network(); });
}

// Our own network loop rather than mosquitto_loop_start(): libmosquitto's ends for good on
// errors it deems fatal, and one of them is a TLS stream cut without a close_notify, which is
// what every client sees when the broker is killed (tested). The client then never came back.
// Here any error means the same: wait (exponential backoff with jitter, so that 500 trackers do
// not all knock at once after a broker restart), reconnect, go on.
void Client::run_network() {
  std::minstd_rand random(static_cast<unsigned>(std::hash<std::string>{}(options_.client_id)));
  const auto shortest = std::chrono::milliseconds(1000 * std::max(1, options_.reconnect_min_s));
  const auto longest =
      std::max(shortest, std::chrono::milliseconds(1000 * options_.reconnect_max_s));
  auto backoff = shortest;
  for (;;) {
    int rc = mosquitto_loop(mosq_, 1000, 1);
    // libmosquitto 2.0.11 retries a TLS handshake on a socket whose connect failed at once, and
    // forever (fixed in 2.0.22): a whole core burnt for as long as the broker is down. A socket
    // hung up before the broker's CONNACK is a failed attempt, waited out like any other.
    if (const int error =
            rc == MOSQ_ERR_SUCCESS && !session_up_ ? failed_attempt_error(mosq_) : 0) {
      errno = error;  // what describe() tells
      rc = MOSQ_ERR_ERRNO;
    }
    if (stopping_ && (rc != MOSQ_ERR_SUCCESS ||
                      std::chrono::steady_clock::now() - stop_requested_ > std::chrono::seconds(2)))
      return;
    if (rc == MOSQ_ERR_SUCCESS) {
      if (connected_) backoff = shortest;
      continue;
    }
    mark_link_closed();  // until on_connect says otherwise, whichever error path this was
    // A session lost is always said. Otherwise NO_CONN only repeats a failed reconnect, and after
    // a refusal the broker's hang-up says nothing new.
    const bool session_lost = std::exchange(session_up_, false);
    if (session_lost || (rc != MOSQ_ERR_NO_CONN && !refused_)) {
      report_link(joined({"link to ", broker_text(),
                          " down: ", rc == MOSQ_ERR_NO_CONN ? "connection lost" : describe(rc)}));
    }
    refused_ = false;
    std::uniform_int_distribution<int64_t> jitter(backoff.count() / 2, backoff.count());
    if (!pause_unless_stopping(std::chrono::milliseconds(jitter(random)))) return;
    backoff = std::min(2 * backoff, longest);
    if (const int again = mosquitto_reconnect_async(mosq_); again != MOSQ_ERR_SUCCESS)
      report_link(joined({"cannot reach ", broker_text(), ": ", describe(again)}));
  }
}

void Client::report_link(std::string message) {
  if (!options_.on_link_change || message == last_link_report_) return;
  last_link_report_ = std::move(message);
  options_.on_link_change(last_link_report_);
}

std::string Client::broker_text() const {
  return joined({options_.broker.host, ":", std::to_string(options_.broker.port)});
}

// False when stop() was called meanwhile.
bool Client::pause_unless_stopping(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !changed_.wait_for(lock, delay, [&] { return stopping_.load(); });
}

void Client::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!started_) return;
    started_ = false;
    stop_requested_ = std::chrono::steady_clock::now();
    stopping_ = true;
  }
  changed_.notify_all();
  // The network thread sends the DISCONNECT, sees the socket closed and ends (within 2 s even
  // when the broker does not read).
  mosquitto_disconnect(mosq_);
  if (network_.joinable()) network_.join();
  mark_link_closed();
}

bool Client::wait_connected(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return connected_.load(); });
}

void Client::publish(std::string_view topic, std::string_view payload, int qos, bool retain) {
  const std::string topic_text(topic);
  ++published_;  // before the call: the acknowledgement may arrive before it returns
  const int rc = mosquitto_publish(mosq_, nullptr, topic_text.c_str(),
                                   static_cast<int>(payload.size()), payload.data(), qos, retain);
  // NO_CONN: queued all the same for QoS > 0, and sent when the connection is back.
  if (rc != MOSQ_ERR_SUCCESS && !(rc == MOSQ_ERR_NO_CONN && qos > 0)) {
    --published_;
    throw error("cannot publish on " + topic_text, rc);
  }
}

bool Client::wait_acknowledged(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return unacknowledged() == 0; });
}

uint64_t Client::publish_tracked(std::string_view topic, std::string_view payload, bool retain) {
  const std::string topic_text(topic);
  int mid = 0;
  ++published_;
  const int rc = mosquitto_publish(mosq_, &mid, topic_text.c_str(),
                                   static_cast<int>(payload.size()), payload.data(), 1, retain);
  if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) {
    --published_;
    throw error("cannot publish on " + topic_text, rc);
  }
  std::lock_guard lock(mutex_);
  const uint64_t ticket = ++last_ticket_;
  // The acknowledgement may have come while mosquitto_publish was returning.
  if (early_acks_.erase(mid) == 0) {
    tracked_by_mid_[mid] = ticket;
    unacked_tickets_.insert(ticket);
  }
  return ticket;
}

uint64_t Client::last_ticket() const {
  std::lock_guard lock(mutex_);
  return last_ticket_;
}

bool Client::wait_acknowledged_through(uint64_t ticket, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    return unacked_tickets_.empty() || *unacked_tickets_.begin() > ticket;
  });
}

// On the network thread: a tracked message's acknowledgement, or one for an untracked message
// (whose id is then remembered only while a tracked publish could still be claiming it).
void Client::settle_tracked(int mid) {
  std::lock_guard lock(mutex_);
  const auto found = tracked_by_mid_.find(mid);
  if (found != tracked_by_mid_.end()) {
    unacked_tickets_.erase(found->second);
    tracked_by_mid_.erase(found);
    changed_.notify_all();
    return;
  }
  early_acks_.insert(mid);
  // Untracked publishes leave their ids here; keep the set small (ids repeat after 65,535).
  if (early_acks_.size() > 1024) early_acks_.erase(early_acks_.begin());
}

void Client::on_connect(mosquitto* mosq, void* self_pointer, int rc) {
  auto* self = static_cast<Client*>(self_pointer);
  if (rc != 0) {  // refused (e.g. bad credentials): the loop retries
    self->refused_ = true;
    self->report_link(
        joined({"refused by ", self->broker_text(), ": ", mosquitto_connack_string(rc)}));
    return;
  }
  self->session_up_ = true;
  // libmosquitto holds its callback lock here: ours is never held while calling into it.
  std::vector<std::pair<std::string, int>> subscriptions;
  {
    std::lock_guard lock(self->mutex_);
    subscriptions = self->subscriptions_;
    self->link_open_ = true;
  }
  // Connected means subscribed: a message published to us once wait_connected() returned is
  // ours (on a first session the broker has nothing queued for patterns it has not yet seen).
  // The acknowledgements come on this same network thread, after this callback returns.
  self->pending_subacks_.clear();
  for (const auto& [pattern, qos] : subscriptions) {
    int mid = 0;
    if (mosquitto_subscribe(mosq, &mid, pattern.c_str(), qos) == MOSQ_ERR_SUCCESS)
      self->pending_subacks_.insert(mid);
  }
  if (self->pending_subacks_.empty()) self->mark_connected();
}

void Client::on_subscribe(mosquitto*, void* self_pointer, int mid, int, const int*) {
  auto* self = static_cast<Client*>(self_pointer);
  if (self->pending_subacks_.erase(mid) == 1 && self->pending_subacks_.empty())
    self->mark_connected();
}

// On the network thread, once the connect's subscriptions are all acknowledged: "connected" in the
// log means messages to them reach us from now on.
void Client::mark_connected() {
  report_link(joined({"connected to ", broker_text()}));
  {
    std::lock_guard lock(mutex_);
    connected_ = true;
    ++connect_count_;
  }
  changed_.notify_all();
}

void Client::mark_link_closed() {
  std::lock_guard lock(mutex_);
  connected_ = false;
  link_open_ = false;
}

void Client::on_disconnect(mosquitto*, void* self_pointer, int) {
  auto* self = static_cast<Client*>(self_pointer);
  self->mark_link_closed();
  self->pending_subacks_.clear();
  self->changed_.notify_all();
}

void Client::on_publish(mosquitto*, void* self_pointer, int mid) {
  auto* self = static_cast<Client*>(self_pointer);
  self->settle_tracked(mid);
  ++self->acknowledged_;
  if (self->unacknowledged() == 0) {
    std::lock_guard lock(self->mutex_);
    self->changed_.notify_all();
  }
}

void Client::on_message(mosquitto*, void* self_pointer, const mosquitto_message* message) {
  auto* self = static_cast<Client*>(self_pointer);
  if (!self->handler_) return;
  self->handler_(message->topic ? message->topic : "",
                 std::string_view(static_cast<const char*>(message->payload),
                                  static_cast<size_t>(message->payloadlen)));
}

}  // namespace siaga::mqtt
