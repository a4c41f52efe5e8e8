// One connection of EventHttp, from accept to close, over plain TCP or TLS: reads run on the
// event loop within their deadlines; a whole request runs on the loop or on a worker; the answer
// is written from the loop again. Private to the server.
#pragma once

#include <httplib.h>

#include <array>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <optional>
#include <type_traits>

#include "event_http_impl.h"

namespace siaga::server {

namespace http = boost::beast::http;

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <typename Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool tls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <typename... StreamArguments>
  Connection(EventHttp::Impl& server, std::string address, int port, StreamArguments&&... arguments)
      : server_(server),
        stream_(std::forward<StreamArguments>(arguments)...),
        address_(std::move(address)),
        port_(port) {
    server_.opened(&lowest());
  }
  ~Connection() { server_.closed(address_, &lowest()); }

  // A TLS connection shakes hands first, within the header's deadline.
  void begin() {
    if constexpr (tls) {
      lowest().expires_after(server_.options.header_deadline);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](error_code error) {
                                if (!error) return self->read_next();
                                ++(error == beast::error::timeout ? self->server_.header_timeouts
                                                                  : self->server_.bad_requests);
                                self->close();
                              });
    } else {
      read_next();
    }
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void read_next() {
    if (server_.stopping) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(server_.options.max_body_bytes);
    request_ = {};
    response_ = {};
    lowest().expires_after(server_.options.header_deadline);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](error_code error, size_t) { self->on_header(error); });
  }

  void on_header(error_code error) {
    if (error) return refuse_read(error, server_.header_timeouts);
    const auto& header = parser_->get();
    if (beast::iequals(header[http::field::expect], "100-continue") && !parser_->is_done()) {
      // curl and many phone libraries wait for this before they send a body over 1 KB.
      auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                      header.version());
      lowest().expires_after(server_.options.write_deadline);
      http::async_write(stream_, *go_on,
                        [self = this->shared_from_this(), go_on](error_code write_error, size_t) {
                          if (write_error) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    lowest().expires_after(server_.options.body_deadline);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](error_code error, size_t) {
                       if (error) return self->refuse_read(error, self->server_.body_timeouts);
                       self->handle();
                     });
  }

  // A read that failed: a client gone or idle is closed quietly; a deadline missed mid-request
  // is counted; a malformed or oversized request gets its error before the close.
  void refuse_read(error_code error, std::atomic<uint64_t>& timeouts) {
    if (error == beast::error::timeout) {
      if (parser_->got_some()) ++timeouts;
      return close();
    }
    if (error == http::error::end_of_stream || error == asio::error::connection_reset ||
        error == asio::error::operation_aborted || error == http::error::partial_message ||
        error == asio::ssl::error::stream_truncated)
      return close();
    ++server_.bad_requests;
    const int status = error == http::error::body_limit     ? 413
                       : error == http::error::header_limit ? 431
                                                            : 400;
    keep_alive_ = false;
    unread_input_ = true;
    fail(status);
    write();
  }

  void handle() {
    auto& message = parser_->get();
    keep_alive_ = message.keep_alive();
    request_.method = std::string(message.method_string());
    request_.target = std::string(message.target());
    request_.version = message.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
    const size_t query = request_.target.find('?');
    request_.path = httplib::detail::decode_url(request_.target.substr(0, query), false);
    if (query != std::string::npos)
      httplib::detail::parse_query_text(request_.target.substr(query + 1), request_.params);
    for (const auto& field : message)
      request_.headers.emplace(std::string(field.name_string()), std::string(field.value()));
    request_.body = std::move(message.body());
    // A form post's fields are parameters, as a tracker's query string would be.
    if (request_.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded"))
      httplib::detail::parse_query_text(request_.body, request_.params);
    request_.remote_addr = address_;  // both looked up once, at accept
    request_.remote_port = port_;

    const Route* route = server_.route_of(request_);
    if (!route) {
      if (request_.method == "GET" && server_.serve_file(request_.path, response_)) return write();
      fail(404);
      return write();
    }
    if (route->lane == Lane::io) {
      run(*route);
      return write();
    }
    if (server_.queued.load() >= server_.options.max_queued) {
      ++server_.busy;
      response_.set_header("Retry-After", "1");
      fail(503);
      return write();
    }
    ++server_.queued;
    asio::thread_pool& pool = route->lane == Lane::compute ? server_.compute : server_.workers;
    asio::post(pool, [self = this->shared_from_this(), route]() mutable {
      self->run(*route);
      auto executor = self->lowest().get_executor();
      // The connection goes back to the loop whole: it is never released on a worker.
      asio::post(executor, [self = std::move(self)] {
        --self->server_.queued;
        self->write();
      });
    });
  }

  void run(const Route& route) {
    try {
      route.handler(request_, response_);
    } catch (const std::exception&) {
      response_ = {};
      response_.status = 500;
    }
    if (response_.status == -1) response_.status = 200;
    if (response_.status >= 400 && response_.body.empty() && server_.error_handler)
      server_.error_handler(request_, response_);
  }

  void fail(int status) {
    response_.status = status;
    if (server_.error_handler) server_.error_handler(request_, response_);
  }

  void write() {
    answer_ = {};
    answer_.version(request_.version == "HTTP/1.0" ? 10 : 11);
    answer_.result(static_cast<unsigned>(response_.status));
    for (const auto& [name, value] : server_.options.headers) answer_.set(name, value);
    for (const auto& [name, value] : response_.headers) answer_.set(name, value);
    answer_.body() = std::move(response_.body);
    answer_.keep_alive(keep_alive_);
    answer_.prepare_payload();
    lowest().expires_after(server_.options.write_deadline);
    http::async_write(stream_, answer_,
                      [self = this->shared_from_this()](error_code error, size_t) {
                        if (error == beast::error::timeout) ++self->server_.write_timeouts;
                        if (!error && self->unread_input_) return self->drain_then_close();
                        if (error || !self->keep_alive_) return self->close();
                        self->read_next();
                      });
  }

  // After an error answer to a request not read to its end (a body over the limit): the client
  // may still be sending, and closing now would reset the connection before it reads the
  // answer. So the server stops sending and reads and drops the rest, for 2 s at most.
  void drain_then_close() {
    error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(std::chrono::seconds(2));
    discard_ = std::make_unique<std::array<char, 16 * 1024>>();
    drain();
  }
  void drain() {
    lowest().async_read_some(asio::buffer(*discard_),
                             [self = this->shared_from_this()](error_code error, size_t) {
                               if (error) return self->close();
                               self->drain();
                             });
  }

  // Closing the socket ends whatever read or write is pending; the connection is released
  // when the last of them has returned.
  void close() {
    error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  EventHttp::Impl& server_;
  Stream stream_;
  std::string address_;
  int port_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  httplib::Request request_;
  httplib::Response response_;
  http::response<http::string_body> answer_;
  bool keep_alive_ = true;
  bool unread_input_ = false;
  std::unique_ptr<std::array<char, 16 * 1024>> discard_;
};

}  // namespace siaga::server
