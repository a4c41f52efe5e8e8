// The schematic data and the simulated fleet: synth-ambon, synth-hazards, synth-fleet, fleet-sim.
#include <csignal>
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.h"
#include "options.h"
#include "siaga/server/broker_credentials.h"
#include "siaga/synth/fleet_sim.h"
#include "siaga/synth/illustrative_hazards.h"
#include "siaga/synth/sample_fleet.h"
#include "siaga/synth/schematic_island.h"

namespace siaga::cli {

namespace {

namespace fs = std::filesystem;

CommandRegistration synth_command(CLI::App& app, CommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "synth-ambon", "Write the SCHEMATIC Pulau Ambon road network (deterministic) as OSM PBF");
  auto seed = std::make_shared<uint64_t>(synth::default_synth_seed);
  auto out = std::make_shared<std::string>();
  command->add_option("--out", *out, "PBF file to write (default: the data folder's copy)");
  command->add_option("--seed", *seed, "random seed for the street grids");
  command->add_option("--data-dir", options.data_dir, "folder of the island's data");
  return {command, [&options, seed, out] {
            const std::filesystem::path file =
                out->empty() ? dispatch::data_dir(options.data_dir) / "ambon-schematic.osm.pbf"
                             : std::filesystem::path(*out);
            const synth::SynthSummary summary = synth::write_schematic_ambon(file, *seed);
            // The land beside it, for the console's map.
            const fs::path land = file.parent_path() / "land-schematic.geojson";
            std::ofstream(land) << synth::schematic_land_geojson();
            Json result = {{"dataset", "ambon-schematic"},
                           {"schematic", true},
                           {"file", file.string()},
                           {"seed", *seed},
                           {"osm_nodes", summary.nodes},
                           {"osm_ways", summary.ways},
                           {"road_ways", summary.routable_ways},
                           {"land", land.string()}};
            std::cout << result.dump(2) << "\n";
            return 0;
          }};
}

CommandRegistration synth_hazards_command(CLI::App& app, CommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "synth-hazards",
      "Write ILLUSTRATIVE Ambon hazard layers (flood bands, landslides, a bridge closure)");
  auto out_dir = std::make_shared<std::string>();
  command->add_option("--out-dir", *out_dir, "folder to write to (default: the data folder)");
  add_data_options(command, options);
  return {command, [&options, out_dir] {
            const dispatch::DataPaths paths = paths_of(options);
            const geodata::RoadNetwork network = dispatch::load_or_import(paths, std::cerr);
            const std::filesystem::path dir = out_dir->empty()
                                                  ? dispatch::data_dir(options.data_dir)
                                                  : std::filesystem::path(*out_dir);
            const synth::HazardSynthSummary summary =
                synth::write_illustrative_hazards(paths.osm, network, dir);
            Json files = Json::array();
            for (const auto& file : summary.files) files.push_back(file.string());
            Json result = dispatch::dataset_label(network);
            result["illustrative"] = "not an official hazard map";
            result["files"] = files;
            result["flood_zones"] = summary.flood_zones;
            result["landslide_zones"] = summary.landslide_zones;
            result["closures"] = summary.closures;
            std::cout << result.dump(2) << "\n";
            return 0;
          }};
}

CommandRegistration fleet_sim_command(CLI::App& app, CommandOptions& options) {
  auto arguments = std::make_shared<TrackingArguments>();
  auto sim = std::make_shared<synth::FleetSimOptions>();
  CLI::App* command = app.add_subcommand(
      "fleet-sim", "simulated vehicles driving real routes, publishing fixes over MQTT");
  add_data_options(command, options);
  add_mqtt_options(command, *arguments, "siaga-fleet-sim", "broker HOST:PORT");
  add_fleet_option(command, *arguments);
  command->add_option("--units", sim->units, "the first N units of the fleet")
      ->capture_default_str();
  command->add_option("--rate", sim->rate_hz, "fixes per second per unit")->capture_default_str();
  command->add_option("--duration", sim->duration_s, "seconds (0: until SIGINT)")
      ->capture_default_str();
  command->add_option("--seed", sim->seed, "random seed")->capture_default_str();
  command->add_option("--bad-payload", sim->bad_payload, "share of extra garbage messages");
  command->add_option("--duplicate", sim->duplicate, "share of fixes sent twice");
  command->add_option("--out-of-order", sim->out_of_order, "share of fixes sent late");
  command->add_option("--disconnect-every", sim->disconnect_every_s, "drop the link every S s");
  command->add_flag("--respond", sim->respond,
                    "crews wait at home and answer dispatches (to the scene, home when closed)");
  command->add_option("--first-seq", sim->first_seq, "first sequence number")
      ->capture_default_str();
  return {
      command, [&options, arguments, sim] {
        const geodata::RoadNetwork network = dispatch::load_or_import(paths_of(options), std::cerr);
        const tracking::Fleet fleet = tracking::load_fleet(fleet_file(options, arguments->fleet));
        sim->mqtt = mqtt_client(*arguments, "siaga-fleet-sim", server::simulator_user);
        sim->topics = region_topics(*arguments);
        static std::atomic<bool> stop{false};  // set from the signal handler only
        std::signal(SIGINT, [](int) { stop = true; });
        std::signal(SIGTERM, [](int) { stop = true; });
        const synth::FleetSimReport report = synth::run_fleet_sim(network, fleet, *sim, stop);
        std::cout << Json{{"fixes", report.fixes},
                          {"duplicates", report.duplicates},
                          {"out_of_order", report.out_of_order},
                          {"bad_payloads", report.bad_payloads},
                          {"messages", report.messages()},
                          {"disconnects", report.disconnects},
                          {"dropped_offline", report.dropped_offline},
                          {"all_acknowledged", report.all_acknowledged}}
                         .dump()
                  << "\n";
        return report.all_acknowledged ? 0 : 3;
      }};
}

CommandRegistration synth_fleet_command(CLI::App& app, CommandOptions& options) {
  auto out = std::make_shared<std::string>();
  auto extra = std::make_shared<size_t>(0);
  CLI::App* command =
      app.add_subcommand("synth-fleet", "writes the SAMPLE Ambon fleet based at the facilities");
  add_data_options(command, options);
  command->add_option("--out", *out, "output file (default: fleet-sample.json in the data dir)");
  command->add_option("--extra", *extra, "extra simulated units SIM-0001...")
      ->capture_default_str();
  return {command, [&options, out, extra] {
            const geodata::RoadNetwork network =
                dispatch::load_or_import(paths_of(options), std::cerr);
            const fs::path file = out->empty() ? fleet_file(options, "") : fs::path(*out);
            const std::string json = tracking::fleet_json(synth::sample_fleet(network, *extra));
            std::ofstream(file, std::ios::binary) << json;
            if (!std::ifstream(file)) throw IoError("cannot write " + file.string());
            std::cout << Json{{"fleet", file.string()}, {"sample", true}}.dump() << "\n";
            return 0;
          }};
}

}  // namespace

std::vector<CommandRegistration> synth_commands(CLI::App& app, CommandOptions& options) {
  return {synth_command(app, options), synth_hazards_command(app, options),
          synth_fleet_command(app, options), fleet_sim_command(app, options)};
}

}  // namespace siaga::cli
