// `siaga serve`, the real binary, as a child process of a test: on a test broker with the
// engine's credentials, on a port the test chose, stopped with any signal (SIGKILL for a crash).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "broker_fixture.h"
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
  ~ServeProcess() { stop(SIGKILL); }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // Starts it and waits until it prints its ready line and its engine's MQTT session is connected
  // (subscriptions acknowledged, so no fix published from then on passes it by); false if not
  // within 60 s.
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
    std::vector<char*> argv;
    for (std::string& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
      ::dup2(::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
      ::execv(SIAGA_CLI, argv.data());
      ::_exit(127);
    }
    std::string connected = client_id();  // (GCC 12 misreads "(" + a string + ")": a warning)
    connected.insert(0, 1, '(').append(") connected to");
    return eventually(
        [&] {
          std::ifstream in(out), log(err);
          std::string line;
          if (!std::getline(in, line) || line.find("\"ready\":true") == std::string::npos)
            return false;
          for (std::string said; std::getline(log, said);) {
            if (said.find(connected) != std::string::npos) return true;
          }
          return false;
        },
        std::chrono::seconds(60));
  }

  void stop(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  int port() const { return port_; }
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
  pid_t pid_ = -1;
};

}  // namespace siaga::test
