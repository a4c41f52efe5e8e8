#include "siaga/server/tracker_server.h"

#include <httplib.h>

#include "event_http.h"

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
  EventHttp http;
  int port = 0;

  static EventHttpOptions transport_options(const TrackerListenOptions& options) {
    EventHttpOptions transport;
    transport.name = "trackers";
    transport.certificate = options.certificate;
    transport.key = options.key;
    transport.max_body_bytes = options.max_body_bytes;
    // Trackers on bad mobile links: 10 s for a request, as before.
    transport.header_deadline = std::chrono::seconds(10);
    // A Traccar server forwards a whole fleet from one address.
    transport.max_connections_per_address = 1024;
    return transport;
  }

  Impl(TrackerIntake& intake, TrackerListenOptions given)
      : intake(intake), options(std::move(given)), http(transport_options(options)) {}

  void add_routes() {
    const auto osmand = [this](const httplib::Request& request, httplib::Response& response) {
      // Form posts arrive as parameters too; a JSON body is read as Traccar Client's.
      send(response,
           intake.osmand(request.params, request.body, request.get_header_value("Content-Type"),
                         credentials_of(request)));
    };
    for (const char* path : {"/", "/osmand"}) {
      http.get(path, osmand);
      http.post(path, osmand);
    }
    http.post("/owntracks", [this](const httplib::Request& request, httplib::Response& response) {
      send(response, intake.owntracks(request.body, credentials_of(request)));
    });
    http.post("/traccar", [this](const httplib::Request& request, httplib::Response& response) {
      send(response, intake.traccar(request.body, credentials_of(request)));
    });
  }
};

TrackerServer::TrackerServer(TrackerIntake& intake, TrackerListenOptions options)
    : impl_(std::make_unique<Impl>(intake, std::move(options))) {
  Impl& impl = *impl_;
  impl.http.on_error([&impl](const httplib::Request&, httplib::Response& response) {
    if (!response.body.empty()) return;
    if (response.status == 413)
      return send(response, impl.intake.too_large(impl.options.max_body_bytes));
    response.set_content(response.status == 404   ? "use /osmand, /owntracks or /traccar\n"
                         : response.status == 503 ? "busy: send again in a second\n"
                                                  : "bad request\n",
                         "text/plain");
  });
  impl.add_routes();
  impl.port = impl.http.bind(impl.options.host, impl.options.port);
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
  impl_->http.start();
}

void TrackerServer::stop() {
  impl_->http.stop();
}

}  // namespace siaga::server
