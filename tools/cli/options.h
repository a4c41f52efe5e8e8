// Options shared by the commands that open a tracking store or an MQTT session (track, units,
// fleet-sim, serve, nearest), the signal handling of the long-running ones, and the token file
// that serve, promote and drill read.
#pragma once

#include <CLI/CLI.hpp>
#include <csignal>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "siaga/mqtt/client.h"
#include "siaga/mqtt/topics.h"
#include "siaga/tracking/store.h"

namespace siaga::cli {

struct TrackingArguments {
  std::string mqtt = "127.0.0.1:1883";
  std::string fleet;
  std::string state;
  std::string client_id;
  std::string credentials;  // credentials.json of siaga broker-credentials; empty: anonymous
  std::string mqtt_user;    // the user in it (default per command)
  std::string mqtt_ca;      // non-empty: MQTT over TLS, the broker checked against this CA file
  std::string region;       // non-empty: the region's topics siaga/v2/{region}, else siaga/v1
  double stale_after_s = 120;
  uint64_t snapshot_every = 200'000;
};

// The topics of --region (siaga/v2/{region}), else version 1's; InputError for a bad code.
mqtt::Topics region_topics(const TrackingArguments& arguments);

// --fleet, else the data folder's fleet-sample.json.
std::filesystem::path fleet_file(const CommandOptions& options, const std::string& given);
// --state, else $SIAGA_STATE_DIR, else build/state.
std::filesystem::path state_dir(const std::string& given);

void add_fleet_option(CLI::App* command, TrackingArguments& arguments);
// --fleet, --state, --stale-after.
void add_store_options(CLI::App* command, TrackingArguments& arguments);
tracking::StoreOptions store_options(const TrackingArguments& arguments, bool read_only);

// --mqtt (its help says what else it takes), --client-id, --credentials, --mqtt-user and
// --mqtt-ca: what
// mqtt_client reads.
void add_mqtt_options(CLI::App* command, TrackingArguments& arguments,
                      const std::string& default_client_id, const std::string& mqtt_help);
// The broker, client id and (with --credentials) user and password for this command.
mqtt::ClientOptions mqtt_client(const TrackingArguments& arguments, const std::string& default_id,
                                const std::string& default_user);

// Blocks SIGINT and SIGTERM in this thread and every thread started after it, so that the
// main thread alone receives them, in sigwait.
sigset_t block_stop_signals();

// After a stop signal: makes everything accepted durable and prints the engine's last line,
// {"stopped":true,"counters":{...}}.
void sync_and_report_stopped(tracking::TrackingStore& store);

// The writers' tokens of a token file: one per line, "NAME TOKEN" or "TOKEN" (named
// "dispatcher"), '#' comments; each at least 16 characters. Throws IoError / InputError.
std::vector<std::pair<std::string, std::string>> read_tokens(const std::string& file);

}  // namespace siaga::cli
