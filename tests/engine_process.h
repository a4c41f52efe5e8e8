// `siaga track`, the real engine binary, as a child process of a test: started against a test
// broker with the engine's credentials, stopped with any signal (SIGKILL for a crash).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "broker_fixture.h"
#include "siaga/tracking/store.h"
#include "test_support.h"

namespace siaga::test {

// The engine's state directory `dir`/state as `siaga units` reads it: replayed, read-only.
inline tracking::TrackingStore read_state(const tracking::Fleet& fleet,
                                          const std::filesystem::path& dir) {
  tracking::StoreOptions options;
  options.state_dir = dir / "state";
  options.read_only = true;
  return tracking::TrackingStore(fleet, ambon().network, options);
}

class EngineProcess {
 public:
  // `dir` holds fleet.json (written by the caller); the state goes to dir/state.
  EngineProcess(const TestBroker& broker, std::filesystem::path dir, std::string name)
      : broker_(broker), dir_(std::move(dir)), name_(std::move(name)) {}
  ~EngineProcess() { stop(SIGKILL); }
  EngineProcess(const EngineProcess&) = delete;
  EngineProcess& operator=(const EngineProcess&) = delete;

  // Starts it and waits until it says it is ready and connected (its subscriptions acknowledged:
  // from then on no fix published passes it by); false if not.
  bool start() {
    const std::string out = (dir_ / "engine.out").string();
    const std::string log = (dir_ / "engine.err").string();
    std::filesystem::remove(out);
    std::filesystem::remove(log);
    std::vector<std::string> arguments = {
        SIAGA_CLI,       "track",
        "--mqtt",        "127.0.0.1:" + std::to_string(broker_.port()),
        "--fleet",       (dir_ / "fleet.json").string(),
        "--state",       (dir_ / "state").string(),
        "--client-id",   "engine-" + name_ + "-" + std::to_string(::getpid()),
        "--credentials", broker_.credentials().credentials_file.string()};
    if (!broker_.ca_file().empty())
      arguments.insert(arguments.end(), {"--mqtt-ca", broker_.ca_file()});
    std::vector<char*> argv;
    for (std::string& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
      ::dup2(::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
      ::execv(SIAGA_CLI, argv.data());
      ::_exit(127);
    }
    return eventually([&] {
      std::ifstream in(out), err(log);
      std::string line;
      if (!std::getline(in, line) || line.find("\"ready\":true") == std::string::npos) return false;
      for (std::string said; std::getline(err, said);) {
        if (said.find("connected to") != std::string::npos) return true;
      }
      return false;
    });
  }

  void stop(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  const TestBroker& broker_;
  std::filesystem::path dir_;
  std::string name_;
  pid_t pid_ = -1;
};

}  // namespace siaga::test
