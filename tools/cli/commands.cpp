#include "commands.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "siaga/dispatch/dataset.h"
#include "siaga/dispatch/geojson.h"
#include "siaga/dispatch/graph_export.h"
#include "siaga/geodata/graph_file.h"
#include "siaga/geodata/osm_import.h"
#include "siaga/geodata/snapper.h"
#include "siaga/routing/hazard_report.h"
#include "siaga/routing/live_metrics.h"
#include "siaga/routing/route.h"
#include "siaga/synth/illustrative_hazards.h"
#include "siaga/synth/schematic_island.h"

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

namespace {

Json import_summary(const geodata::ImportResult& result, const std::string& graph_file) {
  const geodata::ImportReport& report = result.report;
  Json out = dispatch::dataset_label(result.network);
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
            const dispatch::DataPaths paths = paths_of(options);
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
  std::string vehicle = "car";
  std::string hazards;  // FILE[,FILE]
  std::string active;   // ID[,ID]; all loaded zones when empty
  std::string profiles = dispatch::default_profiles_file().string();
  std::string batch;  // CSV of from_lat,from_lon,to_lat,to_lon; "-" for stdin
};

// Network, CCH and live metrics for every profile under the requested hazards.
std::unique_ptr<dispatch::RoutingSetup> routing_setup(const CommandOptions& options,
                                                      const RouteArguments& arguments) {
  auto setup = dispatch::load_routing(paths_of(options), split_list(arguments.hazards),
                                      arguments.profiles, std::cerr);
  const std::vector<std::string> active = split_list(arguments.active);
  if (active.empty()) {
    setup->live->activate_all();
  } else {
    setup->live->set_active(active);
  }
  return setup;
}

// One CSV line of the batch: the answer, or "unreachable,REASON" / "error,REASON".
std::string batch_line(const std::string& line, const dispatch::RoutingSetup& setup,
                       const geodata::Snapper& snapper, uint32_t profile, routing::CchQuery& engine,
                       const routing::MetricSet& set) {
  auto csv_safe = [](std::string text) {
    std::replace(text.begin(), text.end(), ',', ';');
    return text;
  };
  std::vector<std::string> fields = split_list(line);
  if (fields.size() != 4) return "error,expected from_lat;from_lon;to_lat;to_lon";
  try {
    const geodata::Snap from = snapper.snap(geodata::parse_lat_lon(fields[0] + "," + fields[1]));
    const geodata::Snap to = snapper.snap(geodata::parse_lat_lon(fields[2] + "," + fields[3]));
    const routing::Route route =
        routing::route_between(setup.network, set.metrics[profile], from, to, engine);
    if (!route.found) {
      return "unreachable," +
             csv_safe(routing::no_route_reason(setup.network, setup.live->profiles()[profile],
                                               setup.live->hazards(), set.active, from, to));
    }
    char text[64];
    std::snprintf(text, sizeof(text), "%.1f,%.1f", route.distance_m, route.duration_ms / 1000.0);
    return text;
  } catch (const geodata::SnapError& error) {
    return "unreachable," + csv_safe(error.what());
  } catch (const InputError& error) {
    return "error," + csv_safe(error.what());
  }
}

int run_batch(const CommandOptions& options, const RouteArguments& arguments) {
  std::ifstream file;
  if (arguments.batch != "-") {
    file.open(arguments.batch);
    if (!file) throw IoError("cannot read " + arguments.batch);
  }
  std::istream& in = arguments.batch == "-" ? std::cin : file;
  const auto setup = routing_setup(options, arguments);
  const uint32_t profile = routing::profile_index(setup->live->profiles(), arguments.vehicle);
  const geodata::Snapper snapper(setup->network);
  routing::CchQuery engine(*setup->cch);
  const std::shared_ptr<const routing::MetricSet> set = setup->live->current();
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const bool header = first && !line.empty() && std::isalpha(static_cast<unsigned char>(line[0]));
    first = false;
    if (line.empty() || header) continue;
    std::cout << batch_line(line, *setup, snapper, profile, engine, *set) << "\n";
  }
  return 0;
}

CommandRegistration route_command(CLI::App& app, CommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "route", "Fastest route for a vehicle between two points, under the given hazards");
  auto arguments = std::make_shared<RouteArguments>();
  command->add_option("--from", arguments->from, "start as LAT,LON (e.g. -3.6954,128.1814)");
  command->add_option("--to", arguments->to, "destination as LAT,LON");
  command->add_option("--batch", arguments->batch,
                      "CSV file (or -) of from_lat,from_lon,to_lat,to_lon; prints "
                      "distance_m,duration_s or unreachable,REASON per line, in order");
  command->add_option("--max-snap", arguments->max_snap_m,
                      "refuse points farther than this from a road (metres)");
  command->add_option("--vehicle", arguments->vehicle,
                      "vehicle profile: car, ambulance, fire_truck, rescue, police");
  command->add_option("--hazards", arguments->hazards,
                      "hazard layers FILE[,FILE] (GeoJSON, GeoPackage, Shapefile, KML, ...)");
  command->add_option("--active", arguments->active,
                      "active zone ids ID[,ID] (default: every loaded zone)");
  command->add_option("--profiles", arguments->profiles, "vehicle profile file (JSON)");
  add_data_options(command, options);
  return {command, [&options, arguments] {
            if (!arguments->batch.empty()) return run_batch(options, *arguments);
            if (arguments->from.empty() || arguments->to.empty()) {
              throw InputError("--from and --to are required (or --batch FILE)");
            }
            const geodata::LatLon from = geodata::parse_lat_lon(arguments->from);
            const geodata::LatLon to = geodata::parse_lat_lon(arguments->to);
            const auto setup = routing_setup(options, *arguments);
            const routing::LiveMetrics& live = *setup->live;
            const uint32_t profile_index =
                routing::profile_index(live.profiles(), arguments->vehicle);
            const routing::VehicleProfile& profile = live.profiles()[profile_index];
            const geodata::Snapper snapper(setup->network);
            const geodata::SnapOptions snap_options{arguments->max_snap_m};
            const geodata::Snap from_snap = snapper.snap(from, snap_options);
            const geodata::Snap to_snap = snapper.snap(to, snap_options);
            const std::shared_ptr<const routing::MetricSet> set = live.current();
            routing::CchQuery engine(*setup->cch);
            const routing::Route route = routing::route_between(
                setup->network, set->metrics[profile_index], from_snap, to_snap, engine);
            if (!route.found) {
              throw InputError("no route: " + routing::no_route_reason(setup->network, profile,
                                                                       live.hazards(), set->active,
                                                                       from_snap, to_snap));
            }
            Json out = dispatch::route_json(setup->network, route);
            out["vehicle"] = profile.name;
            out["hazards"] = dispatch::hazards_json(live, *set, profile, route);
            std::cout << out.dump(2) << "\n";
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
            const geodata::RoadNetwork network =
                dispatch::load_or_import(paths_of(options), std::cerr);
            std::cout << dispatch::facilities_geojson(network, *kind).dump(2) << "\n";
            return 0;
          }};
}

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

CommandRegistration isochrone_command(CLI::App& app, CommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "isochrone", "Road segments reachable within N minutes, as GeoJSON coloured by band");
  auto arguments = std::make_shared<RouteArguments>();
  auto minutes = std::make_shared<std::string>("4,8,12");
  command->add_option("--from", arguments->from, "start as LAT,LON")->required();
  command->add_option("--minutes", *minutes, "band limits in minutes, e.g. 4,8,12");
  command->add_option("--vehicle", arguments->vehicle, "vehicle profile");
  command->add_option("--hazards", arguments->hazards, "hazard layers FILE[,FILE]");
  command->add_option("--active", arguments->active, "active zone ids (default: all loaded)");
  command->add_option("--profiles", arguments->profiles, "vehicle profile file (JSON)");
  add_data_options(command, options);
  return {command, [&options, arguments, minutes] {
            std::vector<double> bands;
            for (const std::string& item : split_list(*minutes)) {
              char* end = nullptr;
              const double value = std::strtod(item.c_str(), &end);
              if (*end != '\0' || !(value > 0))
                throw InputError("bad --minutes value '" + item + "'");
              bands.push_back(value);
            }
            if (bands.empty()) throw InputError("--minutes needs at least one value");
            std::sort(bands.begin(), bands.end());
            const geodata::LatLon from = geodata::parse_lat_lon(arguments->from);
            const auto setup = routing_setup(options, *arguments);
            const uint32_t profile =
                routing::profile_index(setup->live->profiles(), arguments->vehicle);
            const geodata::Snapper snapper(setup->network);
            const geodata::Snap snap = snapper.snap(from);
            const auto set = setup->live->current();
            const routing::CchMetric& metric = set->metrics[profile];
            routing::CchQuery engine(*setup->cch);
            const routing::SnapSeeds seeds = routing::source_seeds(snap, metric.arc_weight);
            const std::vector<uint32_t> cost = engine.all_costs(metric, seeds.seeds);
            const geodata::RoadNetwork& network = setup->network;
            const std::vector<uint32_t> tails = geodata::arc_tails(network);
            static const char* const colours[] = {"#1a9850", "#91cf60", "#fee08b", "#fc8d59",
                                                  "#d73027"};
            Json features = Json::array();
            for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
              const uint32_t tail = tails[arc];
              if (cost[tail] == routing::unreachable || metric.arc_weight[arc] == routing::blocked)
                continue;
              const double end_minutes =
                  (cost[tail] + static_cast<double>(metric.arc_weight[arc])) / 60000.0;
              const auto band = std::lower_bound(bands.begin(), bands.end(), end_minutes);
              if (band == bands.end()) continue;
              // A two-way street reached both ways is drawn once, with its earlier arrival.
              const uint32_t reverse = geodata::find_arc(network, network.arc_head[arc], tail);
              if (reverse != geodata::invalid_id &&
                  cost[network.arc_head[arc]] != routing::unreachable &&
                  metric.arc_weight[reverse] != routing::blocked) {
                const double other = (cost[network.arc_head[arc]] +
                                      static_cast<double>(metric.arc_weight[reverse])) /
                                     60000.0;
                if (other < end_minutes || (other == end_minutes && reverse < arc)) continue;
              }
              const size_t index = static_cast<size_t>(band - bands.begin());
              const geodata::LatLon ends[] = {network.node_position[tail],
                                              network.node_position[network.arc_head[arc]]};
              features.push_back({{"type", "Feature"},
                                  {"geometry", dispatch::line_string(ends)},
                                  {"properties",
                                   {{"band_minutes", *band},
                                    {"arrival_minutes", std::round(end_minutes * 100) / 100},
                                    {"stroke", colours[std::min<size_t>(index, 4)]}}}});
            }
            Json out = {{"type", "FeatureCollection"}};
            out.update(dispatch::dataset_label(network));
            out["vehicle"] = setup->live->profiles()[profile].name;
            out["bands_minutes"] = bands;
            out["from_snap_m"] = std::round(snap.distance_m * 10) / 10;
            out["features"] = features;
            std::cout << out.dump() << "\n";
            return 0;
          }};
}

CommandRegistration graph_command(CLI::App& app, CommandOptions& options) {
  CLI::App* command = app.add_subcommand("graph", "Work with the road graph");
  command->require_subcommand(1);
  CLI::App* export_command = command->add_subcommand(
      "export", "Every directed edge with geometry, length and time per vehicle (GPKG/GeoJSON)");
  auto arguments = std::make_shared<RouteArguments>();
  auto out = std::make_shared<std::string>();
  export_command->add_option("--out", *out, "FILE.gpkg or FILE.geojson")->required();
  export_command->add_option("--hazards", arguments->hazards, "hazard layers FILE[,FILE]");
  export_command->add_option("--active", arguments->active, "active zone ids (default: all)");
  export_command->add_option("--profiles", arguments->profiles, "vehicle profile file (JSON)");
  add_data_options(export_command, options);
  return {command, [&options, arguments, out] {
            const auto setup = routing_setup(options, *arguments);
            dispatch::export_graph(*setup, *out);
            Json result = dispatch::dataset_label(setup->network);
            result["file"] = *out;
            result["edges"] = setup->network.arc_count();
            Json vehicles = Json::array();
            for (const auto& profile : setup->live->profiles()) vehicles.push_back(profile.name);
            result["vehicles"] = vehicles;
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

}  // namespace

std::vector<CommandRegistration> register_commands(CLI::App& app, CommandOptions& options) {
  std::vector<CommandRegistration> commands = {
      import_command(app, options),        route_command(app, options),
      facilities_command(app, options),    synth_command(app, options),
      synth_hazards_command(app, options), isochrone_command(app, options),
      graph_command(app, options)};
  for (auto& group : {tracking_commands(app, options), serve_commands(app, options),
                      coverage_commands(app, options)}) {
    commands.insert(commands.end(), group.begin(), group.end());
  }
  return commands;
}

}  // namespace siaga::cli
