// Slow and hostile clients against `siaga serve`'s HTTP side (issue #18, part 1): a thousand
// connections that send half a request and wait, beside a hundred kept-alive clients asking for
// recommendations, while a load balancer's probe asks /health. Before the event-driven server,
// eight such connections held /health for 10 s. Raw sockets play the attackers: each binds its
// own loopback source address (all of 127/8 is the loopback), as clients on many machines would.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <regex>
#include <thread>

#include "server/loopback_socket.h"
#include "server/served_fixture.h"

namespace siaga::server::slow_clients_test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The soft limit on open files raised to `needed`, if the hard limit allows.
bool enough_file_descriptors(rlim_t needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur >= needed) return true;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) return false;
  limit.rlim_cur = needed;
  return setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

using test::connect_from;

void send_text(int fd, const std::string& text) {
  ASSERT_EQ(::send(fd, text.data(), text.size(), MSG_NOSIGNAL), static_cast<ssize_t>(text.size()));
}

// True once the server has closed the connection (end of stream or reset) within `wait`.
bool closed_by_server(int fd, std::chrono::milliseconds wait) {
  pollfd polled{fd, POLLIN, 0};
  const auto until = Clock::now() + wait;
  while (Clock::now() < until) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (::poll(&polled, 1, static_cast<int>(std::max<int64_t>(left.count(), 1))) <= 0) continue;
    char byte[512];
    const ssize_t got = ::recv(fd, byte, sizeof byte, MSG_DONTWAIT);
    if (got <= 0) return true;  // 0: the server's FIN; < 0: reset
  }
  return false;
}

// Everything the server answers on fd until it closes (or `wait` runs out).
std::string read_all(int fd, std::chrono::milliseconds wait = 5s) {
  std::string answer;
  pollfd polled{fd, POLLIN, 0};
  const auto until = Clock::now() + wait;
  while (Clock::now() < until && ::poll(&polled, 1, 100) >= 0) {
    if (!(polled.revents & (POLLIN | POLLHUP))) continue;
    char chunk[4096];
    const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
    if (got <= 0) break;
    answer.append(chunk, static_cast<size_t>(got));
  }
  return answer;
}

// A gauge or counter's value in /metrics' text; -1 when absent.
double metric(const HttpServer& server, const std::string& name) {
  const std::string text = server.metrics_text();
  const std::regex line("(^|\n)" + std::regex_replace(name, std::regex(R"([{}"])"), R"(\$&)") +
                        " ([0-9.e+]+)");
  std::smatch found;
  return std::regex_search(text, found, line) ? std::stod(found[2].str()) : -1;
}

bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds wait) {
  const auto until = Clock::now() + wait;
  while (!condition()) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

struct Probe {
  std::vector<double> latencies_ms;
  int failed = 0;
};

// /health as a load balancer asks it: a new connection each time, given up after 2 s.
void probe_health(int port, Probe& probe) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(2, 0);
  const auto start = Clock::now();
  const auto result = client.Get("/health");
  const double took = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (!result || result->status != 200) {
    ++probe.failed;
    return;
  }
  probe.latencies_ms.push_back(took);
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

TEST(SlowClients, AThousandHalfRequestsStallNeitherHealthNorRecommendations) {
  constexpr int slow_count = 1000, client_count = 100;
  if (!enough_file_descriptors(4 * (slow_count + client_count)))
    GTEST_SKIP() << "cannot open enough files for a thousand connections";
  Served served;
  const int port = served.server->port();

  // What each kept-alive client must be told: the ranking computed here, outside the server.
  const std::vector<std::pair<geodata::LatLon, std::string>> calls = {
      {{-3.70, 128.18}, "fire"}, {{-3.69, 128.17}, "medical"}, {{-3.66, 128.20}, "security"}};
  std::vector<std::vector<std::pair<std::string, double>>> expected;
  routing::CchQuery query(test::ambon_cch());
  const auto states = served.store.units(tracking::now_ms());
  for (const auto& [place, type] : calls) {
    const dispatch::Ranking ranking =
        dispatch::rank_units({served.network, served.snapper, served.live, served.classes}, states,
                             place, type, 3, query);
    auto& ranks = expected.emplace_back();
    for (const auto& unit : ranking.recommended)
      ranks.emplace_back(unit.state.unit.id, std::round(unit.eta_ms / 100.0) / 10);  // as served
    ASSERT_FALSE(ranks.empty()) << type;
  }

  // Half the attackers stop inside the header, half inside the body: both deadlines are tried.
  std::vector<int> slow;
  const auto first_connect = Clock::now();
  for (int i = 0; i < slow_count; ++i) {
    const int fd = connect_from("127.0.1." + std::to_string(1 + i / 100), port);
    ASSERT_GE(fd, 0) << "connection " << i;
    send_text(fd, i % 2 ? "POST /v1/recommend HTTP/1.1\r\nHost: siaga\r\nContent-Le"
                        : "POST /v1/recommend HTTP/1.1\r\nHost: siaga\r\nContent-Length: 80\r\n"
                          "Content-Type: application/json\r\n\r\n{\"lat\": -3.7,");
    slow.push_back(fd);
  }
  ASSERT_TRUE(wait_for(
      [&] { return metric(*served.server, "siaga_http_connections_open") >= slow_count; }, 5s))
      << "the server did not hold the thousand connections";

  std::atomic<bool> done{false};
  std::atomic<int> answered{0}, wrong{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < client_count; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_read_timeout(10, 0);
      for (size_t n = static_cast<size_t>(c); !done; ++n) {
        const auto& [place, type] = calls[n % calls.size()];
        const Json request = {{"lat", place.lat}, {"lon", place.lon}, {"type", type}, {"k", 3}};
        const auto result = client.Post("/v1/recommend", request.dump(), "application/json");
        if (!result || result->status != 200) {
          ++failed;
          continue;
        }
        const Json body = Json::parse(result->body, nullptr, false);
        const auto& ranks = expected[n % calls.size()];
        bool same = body.contains("recommended") && body["recommended"].size() == ranks.size();
        for (size_t r = 0; same && r < ranks.size(); ++r) {
          same = body["recommended"][r]["unit_id"] == ranks[r].first &&
                 body["recommended"][r]["eta_s"] == ranks[r].second;
        }
        ++(same ? answered : wrong);
      }
    });
  }
  Probe probe;
  const auto window_end = first_connect + 4s;  // inside the first attacker's 5 s header deadline
  while (Clock::now() < window_end) {
    probe_health(port, probe);
    std::this_thread::sleep_for(20ms);
  }
  const double open_at_end = metric(*served.server, "siaga_http_connections_open");
  done = true;
  for (std::thread& client : clients) client.join();

  std::cout << "/health under " << slow_count << " half-open connections and " << client_count
            << " recommend clients: " << probe.latencies_ms.size() << " probes, p50 "
            << percentile(probe.latencies_ms, 0.5) << " ms, p99 "
            << percentile(probe.latencies_ms, 0.99) << " ms, max "
            << percentile(probe.latencies_ms, 1.0) << " ms; " << answered << " recommendations\n";
  EXPECT_EQ(probe.failed, 0) << "a /health probe went unanswered for 2 s";
  EXPECT_GE(probe.latencies_ms.size(), 10u);
  EXPECT_GE(open_at_end, slow_count) << "the attackers were dropped before the window ended";
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(wrong, 0);
  EXPECT_GT(answered, client_count);

  // The deadlines cut every attacker: 5 s for the header, 10 s for the body.
  int cut = 0;
  for (int fd : slow) {
    cut += closed_by_server(fd, 15s);
    ::close(fd);
  }
  EXPECT_EQ(cut, slow_count);
  // Beast's deadline closes the socket first and then tells the server, which counts: the last
  // attackers can see their close a moment before their refusal is counted.
  const auto header_cuts = [&] {
    return metric(*served.server, "siaga_http_refused_total{reason=\"header_timeout\"}");
  };
  const auto body_cuts = [&] {
    return metric(*served.server, "siaga_http_refused_total{reason=\"body_timeout\"}");
  };
  wait_for([&] { return header_cuts() >= slow_count / 2 && body_cuts() >= slow_count / 2; }, 5s);
  EXPECT_GE(header_cuts(), slow_count / 2);
  EXPECT_GE(body_cuts(), slow_count / 2);
}

TEST(SlowClients, OneAddressGetsItsCapOfConnectionsAndNoMore) {
  if (!enough_file_descriptors(1024)) GTEST_SKIP() << "cannot open enough files";
  Served served;
  const int port = served.server->port();
  const size_t cap = HttpOptions{}.max_connections_per_address;
  std::vector<int> held;
  for (size_t i = 0; i < cap; ++i) {
    held.push_back(connect_from("127.0.2.1", port));
    ASSERT_GE(held.back(), 0);
  }
  ASSERT_TRUE(wait_for(
      [&] { return metric(*served.server, "siaga_http_connections_open") >= double(cap); }, 5s));
  const int one_more = connect_from("127.0.2.1", port);  // the kernel accepts; the server closes
  ASSERT_GE(one_more, 0);
  EXPECT_TRUE(closed_by_server(one_more, 2s));
  EXPECT_FALSE(closed_by_server(held.front(), 100ms)) << "a connection under the cap was cut";
  EXPECT_EQ(metric(*served.server, "siaga_http_refused_total{reason=\"per_address_cap\"}"), 1);

  const int other = connect_from("127.0.2.2", port);  // another machine is served as usual
  send_text(other, "GET /health HTTP/1.1\r\nHost: siaga\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(read_all(other).rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  for (int fd : held) ::close(fd);
  ::close(one_more);
  ::close(other);
  // Closed connections give their places back.
  ASSERT_TRUE(
      wait_for([&] { return metric(*served.server, "siaga_http_connections_open") <= 2; }, 5s));
  const int again = connect_from("127.0.2.1", port);
  send_text(again, "GET /health HTTP/1.1\r\nHost: siaga\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(read_all(again).rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  ::close(again);
}

// Malformed or unusual requests, each answered with a clear error and none taking the server down.
TEST(SlowClients, MalformedRequestsGetAClearAnswer) {
  Served served;
  const int port = served.server->port();
  auto exchange = [&](const std::string& request) {
    const int fd = connect_from("127.0.0.1", port);
    send_text(fd, request);
    std::string answer = read_all(fd, 3s);
    ::close(fd);
    return answer;
  };
  auto status_of = [](const std::string& answer) {
    return answer.size() > 12 ? std::stoi(answer.substr(9, 3)) : 0;
  };
  EXPECT_EQ(status_of(exchange("HELLO SIAGA\r\n\r\n")), 400);
  EXPECT_EQ(
      status_of(exchange("GET /health HTTP/1.1\r\nX: " + std::string(20'000, 'y') + "\r\n\r\n")),
      431);
  const std::string too_big =
      exchange("POST /v1/recommend HTTP/1.1\r\nHost: s\r\nContent-Length: 10000000\r\n\r\n{");
  EXPECT_EQ(status_of(too_big), 413);
  EXPECT_NE(too_big.find("request body too large"), std::string::npos);
  // No way out of the console's folder, however the path is spelled.
  for (const std::string path : {"/console/../CMakeLists.txt", "/console/%2e%2e/CMakeLists.txt",
                                 "/console/..%2fCMakeLists.txt", "/console/./index.html"}) {
    const std::string answer =
        exchange("GET " + path + " HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(status_of(answer), 404) << path;
  }
  const std::string page =
      exchange("GET /console/ HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(page), 200);
  EXPECT_NE(page.find("Content-Type: text/html"), std::string::npos);

  // curl sends a body over 1 KB only after "100 Continue".
  const int fd = connect_from("127.0.0.1", port);
  const std::string body =
      Json{{"lat", -3.70}, {"lon", 128.18}, {"type", "fire"}, {"note", std::string(2000, 'n')}}
          .dump();
  send_text(fd,
            "POST /v1/recommend HTTP/1.1\r\nHost: s\r\nExpect: 100-continue\r\n"
            "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n");
  char first[64] = {};
  ASSERT_GT(::recv(fd, first, sizeof first - 1, 0), 0);
  EXPECT_EQ(std::string(first).rfind("HTTP/1.1 100 Continue", 0), 0u) << first;
  send_text(fd, body);
  EXPECT_EQ(status_of(read_all(fd)), 200);
  ::close(fd);

  EXPECT_EQ(served.get("/health").first, 200);
  EXPECT_GE(metric(*served.server, "siaga_http_refused_total{reason=\"bad_request\"}"), 3);
}

}  // namespace
}  // namespace siaga::server::slow_clients_test
