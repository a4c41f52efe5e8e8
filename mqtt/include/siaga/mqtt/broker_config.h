// The Mosquitto configuration Siaga runs with (tools/up, the tests): loopback listener (TLS when
// given a certificate), a
// persistent store so that queued QoS 1 messages survive a broker restart, and queues deep enough
// that a fleet reporting while the engine restarts loses nothing.
#pragma once

#include <filesystem>
#include <string>

namespace siaga::mqtt {

struct BrokerSettings {
  std::string bind_address = "127.0.0.1";
  int port = 1883;
  std::filesystem::path directory;      // persistence and log live here
  std::filesystem::path password_file;  // empty: anonymous access (development only)
  std::filesystem::path acl_file;
  // Both set: the listener speaks TLS only (MQTT over TLS); clients check it against their CA.
  std::filesystem::path tls_certificate;
  std::filesystem::path tls_key;
};

std::string broker_config(const BrokerSettings& settings);

}  // namespace siaga::mqtt
