// `siaga track`, the real engine binary, as a child process of a test: started against a test
// broker with the engine's credentials, stopped with any signal (SIGKILL for a crash).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "broker_fixture.h"
#include "cli_process.h"
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

  // Starts it and waits until it says it is ready and connected (see ready_and_connected);
  // false if not.
  bool start() {
    const std::string out = (dir_ / "engine.out").string();
    const std::string err = (dir_ / "engine.err").string();
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    const std::string client_id = "engine-" + name_ + "-" + std::to_string(::getpid());
    std::vector<std::string> arguments = {
        SIAGA_CLI,       "track",
        "--mqtt",        "127.0.0.1:" + std::to_string(broker_.port()),
        "--fleet",       (dir_ / "fleet.json").string(),
        "--state",       (dir_ / "state").string(),
        "--client-id",   client_id,
        "--credentials", broker_.credentials().credentials_file.string()};
    if (!broker_.ca_file().empty())
      arguments.insert(arguments.end(), {"--mqtt-ca", broker_.ca_file()});
    child_.start(std::move(arguments), out, err);
    return eventually([&] { return ready_and_connected(out, err, client_id); });
  }

  void stop(int signal) { child_.stop(signal); }

 private:
  const TestBroker& broker_;
  std::filesystem::path dir_;
  std::string name_;
  CliChild child_;
};

}  // namespace siaga::test
