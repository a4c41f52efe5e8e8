// The tracking engine and its broker: track, units (a stopped engine's state), broker-config,
// broker-credentials, broker-certificate.
#include <csignal>
#include <iostream>

#include "commands.h"
#include "options.h"
#include "siaga/mqtt/broker_config.h"
#include "siaga/server/broker_credentials.h"
#include "siaga/server/ingest.h"
#include "siaga/server/tracking_json.h"

namespace siaga::cli {

namespace {

namespace fs = std::filesystem;

CommandRegistration track_command(CLI::App& app, CommandOptions& options) {
  auto arguments = std::make_shared<TrackingArguments>();
  CLI::App* command = app.add_subcommand(
      "track", "ingest unit fixes and status changes over MQTT into the journaled store");
  add_data_options(command, options);
  add_mqtt_options(command, *arguments, "siaga-engine", "broker HOST:PORT");
  add_store_options(command, *arguments);
  command->add_option("--snapshot-every", arguments->snapshot_every, "journal records per snapshot")
      ->capture_default_str();
  return {
      command, [&options, arguments] {
        const sigset_t signals = block_stop_signals();
        const geodata::RoadNetwork network = dispatch::load_or_import(paths_of(options), std::cerr);
        tracking::TrackingStore store(tracking::load_fleet(fleet_file(options, arguments->fleet)),
                                      network, store_options(*arguments, false));
        const mqtt::ClientOptions client =
            mqtt_client(*arguments, "siaga-engine", server::engine_user);
        server::Ingest ingest(store, client, [](const v1::HazardToggle& toggle) {
          std::cerr << "siaga track: hazard " << toggle.zone_id()
                    << (toggle.active() ? " on" : " off") << "\n";
        });
        ingest.start();
        const Json ready = {{"ready", true},
                            {"mqtt", arguments->mqtt},
                            {"units", store.fleet().units.size()},
                            {"state", store.options().state_dir.string()},
                            {"replayed", server::counters_json(store.counters())}};
        std::cout << ready.dump() << std::endl;
        int signal = 0;
        sigwait(&signals, &signal);
        ingest.stop();
        sync_and_report_stopped(store);
        return 0;
      }};
}

CommandRegistration units_command(CLI::App& app, CommandOptions& options) {
  auto arguments = std::make_shared<TrackingArguments>();
  CLI::App* command = app.add_subcommand(
      "units", "units and counters from a state directory (read-only; for a stopped engine)");
  add_data_options(command, options);
  add_store_options(command, *arguments);
  return {command, [&options, arguments] {
            const geodata::RoadNetwork network =
                dispatch::load_or_import(paths_of(options), std::cerr);
            const tracking::TrackingStore store(
                tracking::load_fleet(fleet_file(options, arguments->fleet)), network,
                store_options(*arguments, true));
            Json units = Json::array();
            for (const auto& state : store.units(tracking::now_ms()))
              units.push_back(server::unit_json(state));
            Json answer = dispatch::dataset_label(network);
            answer["units"] = units;
            answer["counters"] = server::counters_json(store.counters());
            std::cout << answer.dump(2) << "\n";
            return 0;
          }};
}

CommandRegistration broker_config_command(CLI::App& app, CommandOptions&) {
  auto settings = std::make_shared<mqtt::BrokerSettings>();
  auto dir = std::make_shared<std::string>();
  CLI::App* command =
      app.add_subcommand("broker-config", "prints the Mosquitto configuration Siaga runs with");
  command->add_option("--port", settings->port, "listener port")->capture_default_str();
  command->add_option("--bind", settings->bind_address, "listener address")->capture_default_str();
  command->add_option("--dir", *dir, "persistence and log directory")->required();
  command->add_option("--password-file", settings->password_file,
                      "Mosquitto password file (siaga broker-credentials); anonymous refused");
  command->add_option("--acl-file", settings->acl_file, "Mosquitto ACL file");
  command->add_option("--tls-cert", settings->tls_certificate,
                      "listener certificate (PEM); with --tls-key the listener speaks TLS only");
  command->add_option("--tls-key", settings->tls_key, "listener private key (PEM)");
  return {command, [settings, dir] {
            if (settings->tls_certificate.empty() != settings->tls_key.empty())
              throw InputError("--tls-cert and --tls-key go together");
            settings->directory = fs::absolute(*dir);
            if (!settings->password_file.empty())
              settings->password_file = fs::absolute(settings->password_file);
            if (!settings->acl_file.empty()) settings->acl_file = fs::absolute(settings->acl_file);
            if (!settings->tls_certificate.empty()) {
              settings->tls_certificate = fs::absolute(settings->tls_certificate);
              settings->tls_key = fs::absolute(settings->tls_key);
            }
            std::cout << mqtt::broker_config(*settings);
            return 0;
          }};
}

CommandRegistration broker_credentials_command(CLI::App& app, CommandOptions& options) {
  auto arguments = std::make_shared<TrackingArguments>();
  auto dir = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
      "broker-credentials",
      "MQTT passwords and an ACL from the fleet file: each unit publishes only its own topics");
  add_fleet_option(command, *arguments);
  command->add_option("--dir", *dir, "where to write passwords, acl, credentials.json")->required();
  command->add_option("--region", arguments->region,
                      "the region's Kepmendagri code: the ACL under siaga/v2/REGION/");
  add_data_options(command, options);
  return {command, [&options, arguments, dir] {
            const server::BrokerCredentials credentials = server::write_broker_credentials(
                tracking::load_fleet(fleet_file(options, arguments->fleet)), *dir,
                region_topics(*arguments));
            std::cout << Json{{"password_file", fs::absolute(credentials.password_file)},
                              {"acl_file", fs::absolute(credentials.acl_file)},
                              {"credentials_file", fs::absolute(credentials.credentials_file)},
                              {"users", credentials.passwords.size()}}
                             .dump()
                      << "\n";
            return 0;
          }};
}

CommandRegistration broker_certificate_command(CLI::App& app, CommandOptions&) {
  auto dir = std::make_shared<std::string>();
  auto host = std::make_shared<std::string>("127.0.0.1");
  CLI::App* command = app.add_subcommand(
      "broker-certificate", "a self-signed TLS certificate for a loopback or test broker");
  command->add_option("--dir", *dir, "where to write broker.crt and broker.key")->required();
  command->add_option("--host", *host, "the address clients connect to")->capture_default_str();
  return {command, [dir, host] {
            const server::BrokerCertificate files = server::write_broker_certificate(*dir, *host);
            std::cout << Json{{"certificate", fs::absolute(files.certificate)},
                              {"key", fs::absolute(files.key)}}
                             .dump()
                      << "\n";
            return 0;
          }};
}

}  // namespace

std::vector<CommandRegistration> tracking_commands(CLI::App& app, CommandOptions& options) {
  return {track_command(app, options), units_command(app, options),
          broker_config_command(app, options), broker_credentials_command(app, options),
          broker_certificate_command(app, options)};
}

}  // namespace siaga::cli
