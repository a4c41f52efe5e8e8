#include "commands.h"

#include <iostream>
#include <memory>

#include "dataset.h"
#include "json_output.h"
#include "siaga/geodata/graph_file.h"
#include "siaga/geodata/osm_import.h"
#include "siaga/geodata/snapper.h"
#include "siaga/routing/route.h"
#include "synth_ambon.h"

namespace siaga::tools {

namespace {

void add_data_options(CLI::App* command, CommandOptions& options) {
  command->add_option("--data-dir", options.data_dir,
                      "folder with pulau-ambon.osm.pbf or ambon-schematic.osm.pbf");
  command->add_option("--osm", options.osm, "OSM file (.osm.pbf, .osm, .osm.bz2)");
  command->add_option("--graph", options.graph, "graph file (built from the OSM file if stale)");
}

DataPaths paths_of(const CommandOptions& options) {
  return resolve_paths(options.data_dir, options.osm, options.graph);
}

Json import_summary(const geodata::ImportResult& result, const std::string& graph_file) {
  const geodata::ImportReport& report = result.report;
  Json out = dataset_label(result.network);
  out["source"] = report.source;
  out["graph_file"] = graph_file;
  out["nodes"] = result.network.node_count();
  out["edges"] = result.network.arc_count();
  Json km = Json::object();
  double total = 0;
  for (const auto& [road_class, value] : report.km_by_class) {
    km[road_class] = std::round(value * 100) / 100;
    total += value;
  }
  out["km_by_class"] = km;
  out["km_total"] = std::round(total * 100) / 100;
  out["osm_nodes_read"] = report.osm_nodes;
  out["osm_ways_read"] = report.osm_ways;
  out["routable_ways"] = report.routable_ways;
  out["ways_excluded"] = report.ways_excluded;
  out["components"] = report.components;
  out["components_dropped"] = report.components == 0 ? 0 : report.components - 1;
  out["nodes_dropped"] = report.nodes_dropped;
  out["edges_dropped"] = report.arcs_dropped;
  out["dropped_because"] = "not in the largest strongly connected component";
  out["facilities"] = report.facilities_by_kind;
  out["elapsed_ms"] = std::round(report.elapsed_ms * 10) / 10;
  return out;
}

CommandRegistration import_command(CLI::App& app, CommandOptions& options) {
  CLI::App* command = app.add_subcommand("import", "Build the road graph from OSM data");
  command->add_option("--osm", options.osm, "OSM file (default: the island's data)");
  command->add_option("--out", options.graph, "graph file to write");
  command->add_option("--data-dir", options.data_dir, "folder of the island's data");
  return {command, [&options] {
            const DataPaths paths = paths_of(options);
            const geodata::ImportResult result = geodata::import_osm(paths.osm);
            geodata::save_graph(result.network, paths.graph);
            std::cout << import_summary(result, paths.graph.string()).dump(2) << "\n";
            return 0;
          }};
}

struct RouteArguments {
  std::string from;
  std::string to;
  double max_snap_m = 1000;
};

CommandRegistration route_command(CLI::App& app, CommandOptions& options) {
  CLI::App* command = app.add_subcommand("route", "Fastest route by car between two points");
  auto arguments = std::make_shared<RouteArguments>();
  command->add_option("--from", arguments->from, "start as LAT,LON (e.g. -3.6954,128.1814)")
      ->required();
  command->add_option("--to", arguments->to, "destination as LAT,LON")->required();
  command->add_option("--max-snap", arguments->max_snap_m,
                      "refuse points farther than this from a road (metres)");
  add_data_options(command, options);
  return {command, [&options, arguments] {
            const geodata::LatLon from = geodata::parse_lat_lon(arguments->from);
            const geodata::LatLon to = geodata::parse_lat_lon(arguments->to);
            const geodata::RoadNetwork network = load_or_import(paths_of(options), std::cerr);
            const geodata::Snapper snapper(network);
            const geodata::SnapOptions snap_options{arguments->max_snap_m};
            const geodata::Snap from_snap = snapper.snap(from, snap_options);
            const geodata::Snap to_snap = snapper.snap(to, snap_options);
            routing::Dijkstra engine(network);
            const routing::Route route =
                routing::route_between(network, network.arc_time_ms, from_snap, to_snap, engine);
            if (!route.found) throw geodata::Error("no route: " + route.reason);
            std::cout << route_json(network, route).dump(2) << "\n";
            return 0;
          }};
}

CommandRegistration facilities_command(CLI::App& app, CommandOptions& options) {
  CLI::App* command =
      app.add_subcommand("facilities", "Hospitals, clinics, fire and police stations as GeoJSON");
  auto kind = std::make_shared<std::string>("all");
  command->add_option("--kind", *kind, "which kind")
      ->check(CLI::IsMember(
          {"hospital", "clinic", "fire_station", "police", "ambulance_station", "all"}));
  add_data_options(command, options);
  return {command, [&options, kind] {
            const geodata::RoadNetwork network = load_or_import(paths_of(options), std::cerr);
            std::cout << facilities_geojson(network, *kind).dump(2) << "\n";
            return 0;
          }};
}

CommandRegistration synth_command(CLI::App& app, CommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "synth-ambon", "Write the SCHEMATIC Pulau Ambon road network (deterministic) as OSM PBF");
  auto seed = std::make_shared<uint64_t>(default_synth_seed);
  auto out = std::make_shared<std::string>();
  command->add_option("--out", *out, "PBF file to write (default: the data folder's copy)");
  command->add_option("--seed", *seed, "random seed for the street grids");
  command->add_option("--data-dir", options.data_dir, "folder of the island's data");
  return {command, [&options, seed, out] {
            const std::filesystem::path file =
                out->empty() ? data_dir(options.data_dir) / "ambon-schematic.osm.pbf"
                             : std::filesystem::path(*out);
            const SynthSummary summary = write_schematic_ambon(file, *seed);
            Json result = {{"dataset", "ambon-schematic"},
                           {"schematic", true},
                           {"file", file.string()},
                           {"seed", *seed},
                           {"osm_nodes", summary.nodes},
                           {"osm_ways", summary.ways},
                           {"road_ways", summary.routable_ways}};
            std::cout << result.dump(2) << "\n";
            return 0;
          }};
}

}  // namespace

std::vector<CommandRegistration> register_commands(CLI::App& app, CommandOptions& options) {
  return {import_command(app, options), route_command(app, options),
          facilities_command(app, options), synth_command(app, options)};
}

}  // namespace siaga::tools
