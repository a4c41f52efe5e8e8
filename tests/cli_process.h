// A `siaga` command as a child process of a test: stdout and stderr to files, stopped with any
// signal (SIGKILL for a crash); and the wait that every command with an MQTT session shares.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "broker_fixture.h"  // stop_child

namespace siaga::test {

class CliChild {
 public:
  CliChild() = default;
  ~CliChild() { stop(SIGKILL); }
  CliChild(const CliChild&) = delete;
  CliChild& operator=(const CliChild&) = delete;

  // Runs SIAGA_CLI with `arguments` (its name first), stdout to `out`, stderr to `err`.
  void start(std::vector<std::string> arguments, const std::string& out, const std::string& err) {
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
  }

  void stop(int signal) { stop_child(pid_, signal); }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// Whether the command printed its ready line to `out` and its MQTT client `client_id` said on
// `err` that it is connected: its subscriptions acknowledged, so that no message published from
// then on passes it by.
inline bool ready_and_connected(const std::string& out, const std::string& err,
                                const std::string& client_id) {
  std::ifstream in(out), log(err);
  std::string line;
  if (!std::getline(in, line) || line.find("\"ready\":true") == std::string::npos) return false;
  std::string connected = client_id;  // (GCC 12 misreads "(" + a string + ")": a warning)
  connected.insert(0, 1, '(').append(") connected to");
  for (std::string said; std::getline(log, said);) {
    if (said.find(connected) != std::string::npos) return true;
  }
  return false;
}

}  // namespace siaga::test
