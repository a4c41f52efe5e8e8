#include "options.h"

#include <pthread.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "siaga/dispatch/dataset.h"
#include "siaga/server/broker_credentials.h"
#include "siaga/server/tracking_json.h"

namespace siaga::cli {

void add_data_options(CLI::App* command, CommandOptions& options) {
  command->add_option("--data-dir", options.data_dir,
                      "folder with pulau-ambon.osm.pbf or ambon-schematic.osm.pbf");
  command->add_option("--osm", options.osm, "OSM file (.osm.pbf, .osm, .osm.bz2)");
  command->add_option("--graph", options.graph, "graph file (built from the OSM file if stale)");
}

dispatch::DataPaths paths_of(const CommandOptions& options) {
  return dispatch::resolve_paths(options.data_dir, options.osm, options.graph);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma - start);
    if (!item.empty()) items.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

namespace fs = std::filesystem;

fs::path fleet_file(const CommandOptions& options, const std::string& given) {
  return given.empty() ? dispatch::data_dir(options.data_dir) / "fleet-sample.json"
                       : fs::path(given);
}

fs::path state_dir(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("SIAGA_STATE_DIR"); env && *env) return env;
  return fs::path(SIAGA_BINARY_DIR) / "state";
}

void add_fleet_option(CLI::App* command, TrackingArguments& arguments) {
  command->add_option("--fleet", arguments.fleet, "fleet file (default: the sample fleet)");
}

void add_store_options(CLI::App* command, TrackingArguments& arguments) {
  add_fleet_option(command, arguments);
  command->add_option("--state", arguments.state, "state directory (default $SIAGA_STATE_DIR)");
  command->add_option("--stale-after", arguments.stale_after_s, "seconds until a unit is stale")
      ->capture_default_str();
}

tracking::StoreOptions store_options(const TrackingArguments& arguments, bool read_only) {
  tracking::StoreOptions options;
  options.state_dir = state_dir(arguments.state);
  options.read_only = read_only;
  options.stale_after_ms = static_cast<int64_t>(arguments.stale_after_s * 1000);
  options.snapshot_every = std::max<uint64_t>(1, arguments.snapshot_every);
  options.log = [](const std::string& message) { std::cerr << "siaga: " << message << "\n"; };
  return options;
}

sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

void add_mqtt_options(CLI::App* command, TrackingArguments& arguments,
                      const std::string& default_client_id, const std::string& mqtt_help) {
  command->add_option("--mqtt", arguments.mqtt, mqtt_help)->capture_default_str();
  command->add_option("--client-id", arguments.client_id,
                      "MQTT client id (default " + default_client_id + ")");
  command->add_option("--credentials", arguments.credentials,
                      "MQTT credentials file (siaga broker-credentials); default: anonymous");
  command->add_option("--mqtt-user", arguments.mqtt_user, "the MQTT user in that file");
  command->add_option("--mqtt-ca", arguments.mqtt_ca,
                      "CA file (PEM): connect over TLS and check the broker against it");
  command->add_option("--region", arguments.region,
                      "the region's Kepmendagri code (e.g. 81.71): topics siaga/v2/REGION/..., "
                      "for regions side by side on one broker; default: siaga/v1/...");
}

mqtt::Topics region_topics(const TrackingArguments& arguments) {
  if (arguments.region.empty()) return {};
  if (!mqtt::Topics::valid_region(arguments.region))
    throw InputError("--region: not a Kepmendagri area code such as 81.71: " + arguments.region);
  return mqtt::Topics::of_region(arguments.region);
}

mqtt::ClientOptions mqtt_client(const TrackingArguments& arguments, const std::string& default_id,
                                const std::string& default_user) {
  mqtt::ClientOptions client;
  client.broker = mqtt::parse_endpoint(arguments.mqtt);
  client.client_id = arguments.client_id.empty() ? default_id : arguments.client_id;
  client.ca_file = arguments.mqtt_ca;
  // A wrong password or an untrusted certificate is retried for ever, so it must at least be said.
  client.on_link_change = [id = client.client_id](const std::string& message) {
    std::cerr << ("siaga: MQTT (" + id + ") " + message + "\n") << std::flush;
  };
  if (!arguments.credentials.empty()) {
    // On a region's topics, the region's own user (siaga-engine@81.71): see region_user.
    server::use_credentials(client, arguments.credentials,
                            arguments.mqtt_user.empty()
                                ? server::region_user(default_user, region_topics(arguments))
                                : arguments.mqtt_user);
  }
  return client;
}

void sync_and_report_stopped(tracking::TrackingStore& store) {
  store.sync();
  std::cout << Json{{"stopped", true}, {"counters", server::counters_json(store.counters())}}.dump()
            << std::endl;
}

std::vector<std::pair<std::string, std::string>> read_tokens(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw IoError("cannot read the token file " + file);
  std::vector<std::pair<std::string, std::string>> tokens;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream words(line);
    std::string first, second, more;
    words >> first >> second >> more;
    if (first.empty() || first[0] == '#') continue;
    if (!more.empty())
      throw InputError(file + ":" + std::to_string(number) + ": NAME TOKEN, or TOKEN");
    auto& token =
        tokens.emplace_back(second.empty() ? "dispatcher" : first, second.empty() ? first : second);
    if (token.second.size() < 16)
      throw InputError("the token on line " + std::to_string(number) + " of " + file +
                       " is shorter than 16 characters");
  }
  if (tokens.empty()) throw InputError("no token in " + file);
  return tokens;
}

}  // namespace siaga::cli
