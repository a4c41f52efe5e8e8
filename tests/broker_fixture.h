// A real Mosquitto broker for the tests: its own free loopback port, its own directory and
// configuration (the one siaga generates), started and stopped by the test, never a mock. Like
// the broker of tools/up it refuses anonymous clients: credentials and ACL come from the fleet
// (siaga broker-credentials), and with `tls` the listener speaks TLS only with a certificate
// made at test time (siaga broker-certificate).
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "siaga/mqtt/broker_config.h"
#include "siaga/mqtt/client.h"
#include "siaga/server/broker_credentials.h"

namespace siaga::test {

// Sends `signal` to child `pid` (if any) and reaps it; `pid` is then -1.
inline void stop_child(pid_t& pid, int signal) {
  if (pid <= 0) return;
  ::kill(pid, signal);
  int status = 0;
  ::waitpid(pid, &status, 0);
  pid = -1;
}

// A port the kernel just handed out on 127.0.0.1 (bound, read, released).
inline int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

inline bool port_accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

inline std::filesystem::path fresh_directory(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("siaga-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

enum class Transport { plain, tls };

class TestBroker {
 public:
  TestBroker(const std::string& name, const tracking::Fleet& fleet,
             Transport transport = Transport::plain) {
    settings_.port = free_loopback_port();
    settings_.directory = fresh_directory("broker-" + name);
    credentials_ = server::write_broker_credentials(fleet, settings_.directory / "credentials");
    settings_.password_file = credentials_.password_file;
    settings_.acl_file = credentials_.acl_file;
    if (transport == Transport::tls) {
      const server::BrokerCertificate tls =
          server::write_broker_certificate(settings_.directory / "tls", "127.0.0.1");
      settings_.tls_certificate = tls.certificate;
      settings_.tls_key = tls.key;
    }
    config_ = settings_.directory / "mosquitto.conf";
    std::ofstream(config_) << mqtt::broker_config(settings_);
    start();
  }

  // Regions side by side on one broker: each region's credentials (siaga broker-credentials
  // --region) written apart, then joined into the broker's password file and ACL, as an operator
  // joins them for a shared broker. client() logs in with the first region's.
  TestBroker(const std::string& name,
             const std::vector<std::pair<tracking::Fleet, mqtt::Topics>>& regions) {
    settings_.port = free_loopback_port();
    settings_.directory = fresh_directory("broker-" + name);
    settings_.password_file = settings_.directory / "passwords";
    settings_.acl_file = settings_.directory / "acl";
    std::ofstream passwords(settings_.password_file), acl(settings_.acl_file);
    for (size_t r = 0; r < regions.size(); ++r) {
      const auto& [fleet, topics] = regions[r];
      region_credentials_.push_back(server::write_broker_credentials(
          fleet, settings_.directory / ("credentials-" + topics.region()), topics));
      passwords << std::ifstream(region_credentials_.back().password_file).rdbuf();
      acl << std::ifstream(region_credentials_.back().acl_file).rdbuf();
    }
    passwords.close();
    acl.close();
    credentials_ = region_credentials_.front();
    config_ = settings_.directory / "mosquitto.conf";
    std::ofstream(config_) << mqtt::broker_config(settings_);
    start();
  }
  const server::BrokerCredentials& region_credentials(size_t r) const {
    return region_credentials_.at(r);
  }
  ~TestBroker() {
    stop();
    std::filesystem::remove_all(settings_.directory);
  }

  int port() const { return settings_.port; }
  const std::filesystem::path& directory() const { return settings_.directory; }
  const server::BrokerCredentials& credentials() const { return credentials_; }
  // The CA file a client checks this broker against; empty for a plain listener.
  std::string ca_file() const { return settings_.tls_certificate.string(); }

  // Options of a client that logs in as `user` (a unit id, server::engine_user, ...); no user:
  // anonymous, which this broker refuses. The client id is unique to this test process.
  mqtt::ClientOptions client(const std::string& client_id, const std::string& user = {}) const {
    mqtt::ClientOptions options;
    options.broker.port = settings_.port;
    options.client_id = client_id + "-" + std::to_string(::getpid());
    options.ca_file = ca_file();
    if (!user.empty()) server::use_credentials(options, credentials_.credentials_file, user);
    return options;
  }

  void start() {
    const char* binary =
        std::filesystem::exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
    const std::string log = (settings_.directory / "mosquitto.log").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      // Never holds the test's output open: a broker left behind by a crashed test must not keep
      // CTest waiting for that output to end.
      const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(out, 1);
      ::dup2(out, 2);
      ::execlp(binary, binary, "-c", config_.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200 && !port_accepts(settings_.port); ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("mosquitto did not start (is the mosquitto package installed?)");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    if (!port_accepts(settings_.port)) throw std::runtime_error("mosquitto is not listening");
  }

  // SIGTERM: Mosquitto saves its sessions and queued messages, as in a service restart.
  void stop() { end(SIGTERM); }

  void restart() {
    stop();
    start();
  }

  // SIGKILL: the broker dies mid-session; TLS clients see the stream end without a close_notify.
  void kill() { end(SIGKILL); }

 private:
  void end(int signal) { stop_child(pid_, signal); }

  mqtt::BrokerSettings settings_;
  server::BrokerCredentials credentials_;
  std::vector<server::BrokerCredentials> region_credentials_;
  std::filesystem::path config_;
  pid_t pid_ = -1;
};

// The engine's session and a tracker's on `broker`, logged in with the credentials generated from
// the fleet (the simulator's user: fixes of any unit, nothing else).
inline mqtt::ClientOptions engine_to(const TestBroker& broker, const std::string& id) {
  return broker.client(id, server::engine_user);
}
inline mqtt::ClientOptions tracker_to(const TestBroker& broker, const std::string& id) {
  return broker.client(id, server::simulator_user);
}

}  // namespace siaga::test
