#include "siaga/server/tracker_server.h"

#include <httplib.h>

#include <thread>

#include "listener.h"

namespace siaga::server {

namespace {

// "user:password" from "Basic base64(user:password)"; empty when absent or malformed.
std::pair<std::string, std::string> basic_credentials(const std::string& header) {
  if (!header.starts_with("Basic ")) return {};
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string decoded;
  uint32_t bits = 0;
  int count = 0;
  for (char c : std::string_view(header).substr(6)) {
    if (c == '=') break;
    const size_t value = alphabet.find(c);
    if (value == std::string_view::npos) return {};
    bits = (bits << 6) | static_cast<uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      decoded.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  const size_t colon = decoded.find(':');
  if (colon == std::string::npos) return {};
  return {decoded.substr(0, colon), decoded.substr(colon + 1)};
}

TrackerCredentials credentials_of(const httplib::Request& request) {
  TrackerCredentials credentials;
  credentials.key = request.get_param_value("key");
  const std::string authorization = request.get_header_value("Authorization");
  std::tie(credentials.basic_user, credentials.basic_password) = basic_credentials(authorization);
  if (authorization.starts_with("Bearer ")) credentials.bearer = authorization.substr(7);
  credentials.limit_user = request.get_header_value("X-Limit-U");
  credentials.limit_device = request.get_header_value("X-Limit-D");
  return credentials;
}

void send(httplib::Response& response, const TrackerReply& reply) {
  response.status = reply.status;
  if (!reply.refused.empty()) response.set_header("X-Siaga-Refused", reply.refused);
  response.set_content(reply.body, reply.content_type);
}

}  // namespace

struct TrackerServer::Impl {
  TrackerIntake& intake;
  TrackerListenOptions options;
  std::unique_ptr<httplib::Server> http;
  int port = 0;
  std::thread thread;

  Impl(TrackerIntake& intake, TrackerListenOptions given)
      : intake(intake),
        options(std::move(given)),
        http(http_or_https(options.certificate, options.key, "trackers'")) {}

  void add_routes() {
    const auto osmand = [this](const httplib::Request& request, httplib::Response& response) {
      // Form posts arrive as parameters too; a JSON body is read as Traccar Client's.
      send(response,
           intake.osmand(request.params, request.body, request.get_header_value("Content-Type"),
                         credentials_of(request)));
    };
    for (const char* path : {"/", "/osmand"}) {
      http->Get(path, osmand);
      http->Post(path, osmand);
    }
    http->Post("/owntracks", [this](const httplib::Request& request, httplib::Response& response) {
      send(response, intake.owntracks(request.body, credentials_of(request)));
    });
    http->Post("/traccar", [this](const httplib::Request& request, httplib::Response& response) {
      send(response, intake.traccar(request.body, credentials_of(request)));
    });
  }
};

TrackerServer::TrackerServer(TrackerIntake& intake, TrackerListenOptions options)
    : impl_(std::make_unique<Impl>(intake, std::move(options))) {
  Impl& impl = *impl_;
  httplib::Server& http = *impl.http;
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(1000);
  http.set_payload_max_length(impl.options.max_body_bytes);
  http.set_read_timeout(10, 0);
  http.set_write_timeout(10, 0);
  http.set_error_handler([&impl](const httplib::Request&, httplib::Response& response) {
    if (!response.body.empty()) return;
    if (response.status == 413)
      return send(response, impl.intake.too_large(impl.options.max_body_bytes));
    response.set_content(
        response.status == 404 ? "use /osmand, /owntracks or /traccar\n" : "bad request\n",
        "text/plain");
  });
  impl.add_routes();
  impl.port = bind_listener(http, impl.options.host, impl.options.port, "trackers");
}

TrackerServer::~TrackerServer() {
  stop();
}

int TrackerServer::port() const {
  return impl_->port;
}

bool TrackerServer::https() const {
  return !impl_->options.certificate.empty();
}

void TrackerServer::start() {
  start_serving(*impl_->http, impl_->thread);
}

void TrackerServer::stop() {
  impl_->http->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace siaga::server
