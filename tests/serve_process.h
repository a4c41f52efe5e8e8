// `siaga serve`, the real binary, as a child process of a test: on a test broker with the
// engine's credentials, on a port the test chose, stopped with any signal (SIGKILL for a crash).
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "broker_fixture.h"
#include "cli_process.h"
#include "test_support.h"

namespace siaga::test {

class ServeProcess {
 public:
  // The state goes to dir/NAME; stdout and stderr to dir/NAME.out and dir/NAME.err.
  ServeProcess(const TestBroker& broker, std::filesystem::path dir, std::string name, int port,
               std::vector<std::string> extra)
      : broker_(broker),
        dir_(std::move(dir)),
        name_(std::move(name)),
        port_(port),
        extra_(std::move(extra)) {}

  // Starts it and waits, at most 60 s, until it prints its ready line and its engine's MQTT
  // session is connected (see ready_and_connected); false if not.
  bool start(const std::filesystem::path& fleet_file) {
    const std::string out = (dir_ / (name_ + ".out")).string();
    const std::string err = (dir_ / (name_ + ".err")).string();
    std::filesystem::remove(out);
    std::vector<std::string> arguments = {
        SIAGA_CLI,       "serve",
        "--listen",      "127.0.0.1:" + std::to_string(port_),
        "--mqtt",        "127.0.0.1:" + std::to_string(broker_.port()),
        "--fleet",       fleet_file.string(),
        "--state",       (dir_ / name_).string(),
        "--client-id",   client_id(),
        "--credentials", broker_.credentials().credentials_file.string()};
    arguments.insert(arguments.end(), extra_.begin(), extra_.end());
    child_.start(std::move(arguments), out, err);
    return eventually([&] { return ready_and_connected(out, err, client_id()); },
                      std::chrono::seconds(60));
  }

  void stop(int signal) { child_.stop(signal); }

  int port() const { return port_; }
  pid_t pid() const { return child_.pid(); }
  std::string client_id() const { return "serve-" + name_ + "-" + std::to_string(::getpid()); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const {
    std::ifstream in(dir_ / (name_ + ".err"));
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

 private:
  const TestBroker& broker_;
  std::filesystem::path dir_;
  std::string name_;
  int port_;
  std::vector<std::string> extra_;
  CliChild child_;
};

}  // namespace siaga::test
