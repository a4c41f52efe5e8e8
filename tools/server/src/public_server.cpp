#include "siaga/server/public_server.h"

#include <thread>

#include "listener.h"

namespace siaga::server {

struct PublicServer::Impl {
  PublicReports& reports;
  PublicListenOptions options;
  std::unique_ptr<httplib::Server> http;
  int port = 0;
  std::thread thread;

  Impl(PublicReports& reports, PublicListenOptions given)
      : reports(reports),
        options(std::move(given)),
        http(http_or_https(options.certificate, options.key, "public listener's")) {}

  void add_routes() {
    http->Post("/v1/reports/public", [this](const auto& request, httplib::Response& response) {
      send(response, reports.submit(request.body, request.remote_addr));
    });
    http->Get(R"(/v1/reports/public/([A-Za-z0-9_-]{1,64}))", [this](const httplib::Request& request,
                                                                    httplib::Response& response) {
      send(response, reports.status(request.matches[1].str(), request.get_param_value("key")));
    });
    for (const char* path : {"/", "/darurat"}) {
      http->Get(path, [](const auto&, httplib::Response& response) {
        response.set_redirect("/darurat/");
      });
    }
    http->set_file_extension_and_mimetype_mapping("webmanifest", "application/manifest+json");
    http->set_file_extension_and_mimetype_mapping("svg", "image/svg+xml");
    if (!options.page_dir.empty() && !http->set_mount_point("/darurat", options.page_dir))
      throw IoError("no page folder " + options.page_dir.string());
    // The page loads nothing from elsewhere, and nothing else may frame it or sniff its types.
    http->set_post_routing_handler([](const auto&, httplib::Response& response) {
      response.set_header("Content-Security-Policy",
                          "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'");
      response.set_header("X-Content-Type-Options", "nosniff");
      response.set_header("Referrer-Policy", "no-referrer");
    });
  }
};

PublicServer::PublicServer(PublicReports& reports, PublicListenOptions options)
    : impl_(std::make_unique<Impl>(reports, std::move(options))) {
  Impl& impl = *impl_;
  httplib::Server& http = *impl.http;
  http.set_payload_max_length(impl.options.max_body_bytes);
  http.set_read_timeout(impl.options.read_timeout_s, 0);
  http.set_write_timeout(10, 0);
  http.set_keep_alive_max_count(100);
  http.set_error_handler([](const httplib::Request&, httplib::Response& response) {
    if (!response.body.empty()) return;
    const std::string message = response.status == 413   ? "the report is too large"
                                : response.status == 404 ? "not here: the page is at /darurat/"
                                                         : "bad request";
    send(response, error_reply(response.status, message));
  });
  impl.add_routes();
  impl.port = bind_listener(http, impl.options.host, impl.options.port, "citizens' reports");
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
  start_serving(*impl_->http, impl_->thread);
}

void PublicServer::stop() {
  impl_->http->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace siaga::server
