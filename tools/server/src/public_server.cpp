#include "siaga/server/public_server.h"

#include "event_http.h"
#include "listener.h"

namespace siaga::server {

namespace {

EventHttpOptions transport_options(const PublicListenOptions& options) {
  EventHttpOptions transport;
  transport.name = "citizens' reports";
  transport.certificate = options.certificate;
  transport.key = options.key;
  transport.max_body_bytes = options.max_body_bytes;
  // The header within the read timeout; the body gets that plus the time a largest report (a
  // photo) takes at 32 KB/s, a phone's uplink on a bad day: cpp-httplib, before, cut only a
  // client silent for the read timeout, and a steady slow upload must still arrive.
  transport.header_deadline = std::chrono::seconds(options.read_timeout_s);
  transport.body_deadline = std::chrono::seconds(
      options.read_timeout_s + static_cast<int>(options.max_body_bytes / (32 * 1024)));
  // Phones behind one carrier's NAT share an address; the reports' own limit is per address too.
  transport.max_connections_per_address = 64;
  // The page loads nothing from elsewhere, and nothing else may frame it or sniff its types.
  transport.headers = {{"Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'"},
                       {"X-Content-Type-Options", "nosniff"},
                       {"Referrer-Policy", "no-referrer"}};
  return transport;
}

}  // namespace

struct PublicServer::Impl {
  PublicReports& reports;
  PublicListenOptions options;
  EventHttp http;
  int port = 0;

  Impl(PublicReports& reports, PublicListenOptions given)
      : reports(reports), options(std::move(given)), http(transport_options(options)) {}

  void add_routes() {
    http.post("/v1/reports/public", [this](const auto& request, httplib::Response& response) {
      send(response, reports.submit(request.body, request.remote_addr));
    });
    http.get(R"(/v1/reports/public/([A-Za-z0-9_-]{1,64}))", [this](const httplib::Request& request,
                                                                   httplib::Response& response) {
      send(response, reports.status(request.matches[1].str(), request.get_param_value("key")));
    });
    for (const char* path : {"/", "/darurat"}) {
      http.get(
          path,
          [](const auto&, httplib::Response& response) { response.set_redirect("/darurat/"); },
          Lane::io);
    }
    if (!options.page_dir.empty()) {
      if (!std::filesystem::is_directory(options.page_dir))
        throw IoError("no page folder " + options.page_dir.string());
      http.mount("/darurat", options.page_dir);
    }
  }
};

PublicServer::PublicServer(PublicReports& reports, PublicListenOptions options)
    : impl_(std::make_unique<Impl>(reports, std::move(options))) {
  Impl& impl = *impl_;
  impl.http.on_error([](const httplib::Request&, httplib::Response& response) {
    if (!response.body.empty()) return;
    const std::string message = response.status == 413   ? "the report is too large"
                                : response.status == 404 ? "not here: the page is at /darurat/"
                                : response.status == 503 ? "busy: ring 112"
                                                         : "bad request";
    send(response, error_reply(response.status, message));
  });
  impl.add_routes();
  impl.port = impl.http.bind(impl.options.host, impl.options.port);
}

PublicServer::~PublicServer() {
  stop();
}

int PublicServer::port() const {
  return impl_->port;
}

bool PublicServer::https() const {
  return !impl_->options.certificate.empty();
}

void PublicServer::start() {
  impl_->http.start();
}

void PublicServer::stop() {
  impl_->http.stop();
}

}  // namespace siaga::server
