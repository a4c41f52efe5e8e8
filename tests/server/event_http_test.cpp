// The event-driven HTTP transport on its own (tools/server/src/event_http.h): the bounded worker
// pool, the event loop's own lane, routing by pattern, and stopping with work under way.
#include "event_http.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace siaga::server::event_http_test {
namespace {

using namespace std::chrono_literals;

// A gate the slow handler waits at until the test opens it.
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;
  int waiting = 0;

  void pass() {
    std::unique_lock lock(mutex);
    ++waiting;
    changed.notify_all();
    changed.wait(lock, [this] { return open; });
  }
  bool wait_for_waiting(int count) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return waiting >= count; });
  }
  void release() {
    std::lock_guard lock(mutex);
    open = true;
    changed.notify_all();
  }
};

bool wait_until(const std::function<bool()>& condition) {
  for (int i = 0; i < 1000 && !condition(); ++i) std::this_thread::sleep_for(10ms);
  return condition();
}

int get_status(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  const auto result = client.Get(path.c_str());
  return result ? result->status : 0;
}

// Answers that only compute (OSRM routing) have their own pool: they do not wait while every
// worker waits on a disk or a neighbour, and a long computation holds no worker either.
TEST(EventHttp, TheComputeLaneAndTheWorkersDoNotWaitForEachOther) {
  EventHttpOptions options;
  options.workers = 1;
  options.compute_workers = 1;
  EventHttp server(options);
  Gate worker_gate, compute_gate;
  auto answer = [](const char* text) {
    return [text](const httplib::Request&, httplib::Response& response) {
      response.set_content(text, "text/plain");
    };
  };
  server.get("/write", [&](const httplib::Request& request, httplib::Response& response) {
    worker_gate.pass();
    answer("written")(request, response);
  });
  server.get("/read", answer("read"));
  server.get(
      "/long-route",
      [&](const httplib::Request& request, httplib::Response& response) {
        compute_gate.pass();
        answer("long")(request, response);
      },
      Lane::compute);
  server.get("/route", answer("route"), Lane::compute);
  const int port = server.bind("127.0.0.1", 0);
  server.start();

  auto write = std::async(std::launch::async, [&] { return get_status(port, "/write"); });
  ASSERT_TRUE(worker_gate.wait_for_waiting(1));  // the one worker is held
  EXPECT_EQ(get_status(port, "/route"), 200);
  auto long_route = std::async(std::launch::async, [&] { return get_status(port, "/long-route"); });
  ASSERT_TRUE(compute_gate.wait_for_waiting(1));  // and now the one compute thread too
  EXPECT_EQ(server.counters().requests_in_work, 2u);
  worker_gate.release();
  EXPECT_EQ(write.get(), 200);
  EXPECT_EQ(get_status(port, "/read"), 200);  // the worker is free; the compute thread is not
  compute_gate.release();
  EXPECT_EQ(long_route.get(), 200);
  EXPECT_TRUE(wait_until([&] { return server.counters().requests_in_work == 0; }));
  server.stop();
}

TEST(EventHttp, AFullWorkerQueueAnswers503WhileTheLoopsOwnLaneStillAnswers) {
  EventHttpOptions options;
  options.workers = 1;
  options.max_queued = 2;
  EventHttp server(options);
  Gate gate;
  server.get("/slow", [&](const httplib::Request&, httplib::Response& response) {
    gate.pass();
    response.set_content("slow", "text/plain");
  });
  server.get(
      "/fast",
      [](const httplib::Request&, httplib::Response& response) {
        response.set_content("fast", "text/plain");
      },
      Lane::io);
  server.get(R"(/echo/(\d+))", [](const httplib::Request& request, httplib::Response& response) {
    response.set_content(request.matches[1].str() + ":" + request.get_param_value("q"),
                         "text/plain");
  });
  server.on_error([](const httplib::Request&, httplib::Response& response) {
    response.set_content("error " + std::to_string(response.status), "text/plain");
  });
  const int port = server.bind("127.0.0.1", 0);
  server.start();

  auto first = std::async(std::launch::async, [&] { return get_status(port, "/slow"); });
  ASSERT_TRUE(gate.wait_for_waiting(1));  // the one worker holds the first
  auto second = std::async(std::launch::async, [&] { return get_status(port, "/slow"); });
  ASSERT_TRUE(wait_until([&] { return server.counters().requests_in_work == 2; }));
  EXPECT_EQ(get_status(port, "/slow"), 503);  // the queue is full: refused at once, not held
  EXPECT_EQ(get_status(port, "/echo/7"), 503);
  EXPECT_EQ(get_status(port, "/fast"), 200);  // the loop's lane does not wait for workers
  EXPECT_EQ(server.counters().busy, 2u);
  gate.release();
  EXPECT_EQ(first.get(), 200);
  EXPECT_EQ(second.get(), 200);
  EXPECT_TRUE(wait_until([&] { return server.counters().requests_in_work == 0; }));

  httplib::Client client("127.0.0.1", port);
  const auto echo = client.Get("/echo/42?q=jalan%20sultan");
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->body, "42:jalan sultan");
  const auto missing = client.Get("/echo/x");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, "error 404");
  server.stop();
}

TEST(EventHttp, AThrowingHandlerIsA500AndStopAnswersTheRequestsUnderWay) {
  EventHttp server(EventHttpOptions{});
  Gate gate;
  std::atomic<bool> finished{false};
  server.get("/throw",
             [](const httplib::Request&, httplib::Response&) { throw std::runtime_error("bug"); });
  server.get("/slow", [&](const httplib::Request&, httplib::Response& response) {
    gate.pass();
    response.set_content("done", "text/plain");
    finished = true;
  });
  const int port = server.bind("127.0.0.1", 0);
  server.start();
  EXPECT_EQ(get_status(port, "/throw"), 500);
  auto slow = std::async(std::launch::async, [&] { return get_status(port, "/slow"); });
  ASSERT_TRUE(gate.wait_for_waiting(1));
  std::thread opener([&] {
    std::this_thread::sleep_for(100ms);
    gate.release();
  });
  server.stop();
  EXPECT_TRUE(finished);  // stop() returned only after the handler did
  opener.join();
  EXPECT_EQ(slow.get(), 200);  // its answer went out before the connection closed
  EXPECT_THROW(EventHttp(EventHttpOptions{}).bind("not-an-address", 0), std::exception);
}

}  // namespace
}  // namespace siaga::server::event_http_test
