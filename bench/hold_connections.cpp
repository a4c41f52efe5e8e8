// Plays slow and hostile clients for bench/http_load: holds COUNT connections to HOST:PORT, each
// having sent half a request, from ten loopback source addresses (127.0.1.1-10, as clients on
// many machines would be), and opens a new one whenever the server cuts one, for SECONDS.
// Prints how many it held at the end and how many the server cut.
// Usage: hold_connections PORT COUNT SECONDS
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "server/loopback_socket.h"

namespace {

const char half_request[] = "POST /v1/recommend HTTP/1.1\r\nHost: siaga\r\nContent-Le";

int open_slow(int port, int index) {
  const int fd = siaga::test::connect_from("127.0.1." + std::to_string(1 + index % 10), port);
  if (fd >= 0 && ::send(fd, half_request, sizeof half_request - 1, MSG_NOSIGNAL) < 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: hold_connections PORT COUNT SECONDS\n");
    return 2;
  }
  const int port = std::atoi(argv[1]), count = std::atoi(argv[2]);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(std::atoi(argv[3]));
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);

  std::vector<pollfd> held(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) held[static_cast<size_t>(i)] = {open_slow(port, i), POLLIN, 0};
  long cut = 0;
  while (std::chrono::steady_clock::now() < until) {
    if (::poll(held.data(), held.size(), 100) < 0) break;
    for (size_t i = 0; i < held.size(); ++i) {
      if (held[i].fd >= 0 && !(held[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (held[i].fd >= 0) {
        char sink[512];
        if (::recv(held[i].fd, sink, sizeof sink, MSG_DONTWAIT) > 0) continue;  // an answer
        ++cut;
        ::close(held[i].fd);
      }
      held[i].fd = open_slow(port, static_cast<int>(i));  // a new attacker takes its place
    }
  }
  int open = 0;
  for (const pollfd& connection : held) open += connection.fd >= 0;
  std::printf("held %d of %d slow connections at the end; the server cut %ld\n", open, count, cut);
  return 0;
}
