#include "event_http.h"

#include <fstream>
#include <sstream>

#include "http_connection.h"
#include "siaga/error.h"

namespace siaga::server {

namespace {

std::string content_type_of(const std::filesystem::path& file) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html"},        {".js", "text/javascript"},
      {".mjs", "text/javascript"},   {".css", "text/css"},
      {".json", "application/json"}, {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},     {".png", "image/png"},
      {".jpg", "image/jpeg"},        {".ico", "image/x-icon"},
      {".map", "application/json"},  {".txt", "text/plain"}};
  const auto found = types.find(file.extension().string());
  return found == types.end() ? "application/octet-stream" : found->second;
}

// A path below a mount: no "..", no empty or dot segments that could climb out, no NUL.
bool safe_relative(const std::string& path) {
  std::istringstream segments(path);
  std::string segment;
  while (std::getline(segments, segment, '/')) {
    if (segment == ".." || segment == "." || segment.find('\0') != std::string::npos ||
        segment.find('\\') != std::string::npos)
      return false;
  }
  return true;
}

}  // namespace

EventHttp::Impl::Impl(EventHttpOptions given)
    : options(std::move(given)),
      workers(options.workers ? options.workers
                              : std::max(4u, 2 * std::thread::hardware_concurrency())),
      compute(options.compute_workers ? options.compute_workers
                                      : std::max(1u, std::thread::hardware_concurrency())) {
  if (options.certificate.empty()) return;
  // TLS 1.2 and newer only: what a phone's browser and a tracker app speak today.
  tls.emplace(asio::ssl::context::tls_server);
  tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  error_code error;
  tls->use_certificate_chain_file(options.certificate.string(), error);
  if (!error) tls->use_private_key_file(options.key.string(), asio::ssl::context::pem, error);
  if (error)
    throw IoError("cannot use the " + options.name + " certificate " +
                  options.certificate.string() + " and key " + options.key.string() + ": " +
                  error.message());
}

const Route* EventHttp::Impl::route_of(httplib::Request& request) const {
  for (const Route& route : routes) {
    if (route.method == request.method &&
        std::regex_match(request.path, request.matches, route.pattern))
      return &route;
  }
  return nullptr;
}

void EventHttp::Impl::closed(const std::string& address, beast::tcp_stream* connection) {
  std::lock_guard lock(addresses_mutex);
  connections.erase(connection);
  if (--open_by_address[address] == 0) open_by_address.erase(address);
  --connections_open;
}

void EventHttp::Impl::close_all() {
  std::lock_guard lock(addresses_mutex);
  for (beast::tcp_stream* connection : connections) {
    error_code ignored;
    connection->socket().shutdown(tcp::socket::shutdown_both, ignored);
    connection->close();
  }
}

bool EventHttp::Impl::admit(const std::string& address) {
  std::lock_guard lock(addresses_mutex);
  if (connections_open >= options.max_connections) {
    ++refused_total;
    return false;
  }
  size_t& open = open_by_address[address];
  if (open >= options.max_connections_per_address) {
    ++refused_per_address;
    if (open == 0) open_by_address.erase(address);
    return false;
  }
  ++open;
  ++connections_open;
  ++connections_accepted;
  return true;
}

void EventHttp::Impl::accept() {
  acceptor.async_accept([this](error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (error) {
      // Out of file descriptors, most likely: wait a little rather than spin on the error.
      ++refused_total;
      accept_retry.expires_after(std::chrono::milliseconds(50));
      accept_retry.async_wait([this](error_code waited) {
        if (!waited) accept();
      });
      return;
    }
    error_code peer_error;
    const auto peer = socket.remote_endpoint(peer_error);
    const std::string address = peer_error ? "?" : peer.address().to_string();
    const int port = peer_error ? -1 : peer.port();
    if (admit(address)) {
      socket.set_option(tcp::no_delay(true), peer_error);  // small answers, no 40 ms wait
      if (tls)
        std::make_shared<Connection<TlsStream>>(*this, address, port, std::move(socket), *tls)
            ->begin();
      else
        std::make_shared<Connection<beast::tcp_stream>>(*this, address, port, std::move(socket))
            ->begin();
    }
    accept();
  });
}

bool EventHttp::Impl::serve_file(const std::string& path, httplib::Response& response) const {
  for (const auto& [prefix, directory] : mounts) {
    if (path.compare(0, prefix.size(), prefix) != 0) continue;
    std::string rest = path.substr(prefix.size());
    if (!rest.empty() && rest.front() != '/') continue;
    if (rest.empty() || rest.back() == '/') rest += "index.html";
    if (!safe_relative(rest)) return false;
    const std::filesystem::path file = directory / rest.substr(1);
    std::error_code ignored;
    if (!std::filesystem::is_regular_file(file, ignored)) continue;
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) continue;
    response.status = 200;
    response.set_content(bytes.str(), content_type_of(file));
    return true;
  }
  return false;
}

EventHttp::EventHttp(EventHttpOptions options) : impl_(std::make_unique<Impl>(options)) {}

EventHttp::~EventHttp() {
  stop();
}

void EventHttp::get(const std::string& pattern, Handler handler, Lane lane) {
  impl_->routes.push_back({"GET", std::regex(pattern), std::move(handler), lane});
}

void EventHttp::post(const std::string& pattern, Handler handler, Lane lane) {
  impl_->routes.push_back({"POST", std::regex(pattern), std::move(handler), lane});
}

void EventHttp::mount(const std::string& prefix, const std::filesystem::path& directory) {
  impl_->mounts.emplace_back(prefix, directory);
}

void EventHttp::on_error(Handler handler) {
  impl_->error_handler = std::move(handler);
}

int EventHttp::bind(const std::string& host, int port) {
  const std::string where = host + ":" + std::to_string(port);
  error_code error;
  const auto address = asio::ip::make_address(host, error);
  if (error)
    throw IoError("cannot listen on " + where + " (" + impl_->options.name +
                  "): not an IP address");
  tcp::acceptor& acceptor = impl_->acceptor;
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  // SO_REUSEADDR (a restart may bind while old connections linger), never SO_REUSEPORT, with
  // which a second server on the same port would silently take half the calls.
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (!error) return acceptor.local_endpoint().port();
  throw IoError("cannot listen on " + where + " (" + impl_->options.name + "): " + error.message());
}

void EventHttp::start() {
  if (impl_->started) return;
  impl_->started = true;
  impl_->accept();
  impl_->keep_running.emplace(impl_->io.get_executor());
  impl_->io_thread = std::thread([this] { impl_->io.run(); });
}

void EventHttp::stop() {
  Impl& impl = *impl_;
  if (!impl.started) return;
  impl.started = false;
  asio::post(impl.io, [&impl] {
    impl.stopping = true;
    error_code ignored;
    impl.acceptor.close(ignored);
    impl.accept_retry.cancel();
  });
  impl.workers.join();  // the handlers under way finish, and their answers go out
  impl.compute.join();
  // Then every connection is closed: its pending read or write ends, and with nothing left to
  // do the loop returns.
  asio::post(impl.io, [&impl] { impl.close_all(); });
  impl.keep_running.reset();
  if (impl.io_thread.joinable()) impl.io_thread.join();
}

EventHttpCounters EventHttp::counters() const {
  const Impl& impl = *impl_;
  return {impl.connections_open,
          impl.connections_accepted,
          impl.refused_per_address,
          impl.refused_total,
          impl.header_timeouts,
          impl.body_timeouts,
          impl.write_timeouts,
          impl.bad_requests,
          impl.busy,
          impl.queued};
}

}  // namespace siaga::server
