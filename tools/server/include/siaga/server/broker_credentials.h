// Broker credentials from the fleet file: a password per unit (and per OwnTracks phone), one for
// the engine and one for the simulator, hashed into a Mosquitto password file, and an ACL by
// which a unit may publish only under its own ROOT/units/{unit_id}/ (ROOT: siaga/v1, or a
// region's siaga/v2/{region}), a phone only on its own owntracks/{user}/{device}, and only the
// engine on hazards and events.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "siaga/mqtt/client.h"
#include "siaga/mqtt/topics.h"
#include "siaga/tracking/fleet.h"

namespace siaga::server {

inline constexpr const char* engine_user = "siaga-engine";
inline constexpr const char* simulator_user = "siaga-sim";

// A user's name on the broker: as given for version 1's topics; USER@REGION (AMB-01@81.71,
// siaga-engine@81.71) for a region's, so that the regions sharing a broker cluster never share a
// name: every region has its AMB-01 and its engine.
std::string region_user(std::string_view user, const mqtt::Topics& topics);

struct BrokerCredentials {
  std::filesystem::path password_file;  // hashed (mosquitto_passwd -U)
  std::filesystem::path acl_file;
  std::filesystem::path credentials_file;  // user → password, JSON, mode 0600, for provisioning
  std::map<std::string, std::string> passwords;
};

// Writes the three files into `dir` (created), the ACL under `topics`' root, the users named by
// region_user. A region's engine may read and write under its own root only. Throws IoError when
// mosquitto_passwd is missing or fails.
BrokerCredentials write_broker_credentials(const tracking::Fleet& fleet,
                                           const std::filesystem::path& dir,
                                           const mqtt::Topics& topics = {});

struct BrokerCertificate {
  std::filesystem::path certificate;  // self-signed: also the CA file the clients check against
  std::filesystem::path key;          // mode 0600
};

// A self-signed certificate for a broker reached as `host` (an IP address or a DNS name), valid
// a year, written into `dir` (created) by the openssl command. For a loopback or test broker;
// a deployment uses a certificate from its own CA. Throws IoError when openssl fails.
BrokerCertificate write_broker_certificate(const std::filesystem::path& dir,
                                           const std::string& host);

// Sets the client's username and password from a credentials file; throws IoError (or InputError
// for a user not in it) when the file or the user is missing.
void use_credentials(mqtt::ClientOptions& client, const std::filesystem::path& credentials_file,
                     const std::string& user);

}  // namespace siaga::server
