// The route questions: import, route (one or a batch), isochrone, graph export, facilities.
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.h"
#include "siaga/dispatch/graph_export.h"
#include "siaga/dispatch/route_questions.h"
#include "siaga/geodata/graph_file.h"
#include "siaga/geodata/osm_import.h"
#include "siaga/geodata/road_layer_import.h"
#include "siaga/geodata/snapper.h"

namespace siaga::cli {

namespace {

struct RoadLayerArguments {
  std::string roads;
  std::string mapping;
  double join_m = 0;
};

CommandRegistration import_command(CLI::App& app, CommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "import", "Build the road graph from OSM data, or from a GIS line layer (--roads)");
  command->add_option("--osm", options.osm, "OSM file (default: the island's data)");
  auto layer = std::make_shared<RoadLayerArguments>();
  command->add_option("--roads", layer->roads,
                      "a GIS line layer (any OGR format: Shapefile, GeoJSON, GeoPackage…) instead");
  command->add_option("--mapping", layer->mapping,
                      "JSON mapping the layer's fields to OSM tags (default: fields are tags)");
  command
      ->add_option("--join-m", layer->join_m,
                   "lines join where their points lie within this many metres (default: equal)")
      ->check(CLI::Range(0.0, 50.0));
  command->add_option("--out", options.graph, "graph file to write");
  command->add_option("--data-dir", options.data_dir, "folder of the island's data");
  return {command, [&options, layer] {
            const dispatch::DataPaths paths = paths_of(options);
            geodata::ImportResult result;
            if (layer->roads.empty()) {
              result = geodata::import_osm(paths.osm);
            } else {
              geodata::RoadLayerOptions layer_options;
              if (!layer->mapping.empty())
                layer_options.mapping = geodata::load_road_mapping(layer->mapping);
              layer_options.join_tolerance_m = layer->join_m;
              result = geodata::import_road_layer(layer->roads, layer_options);
            }
            geodata::save_graph(result.network, paths.graph);
            std::cout << dispatch::import_summary_json(result, paths.graph).dump(2) << "\n";
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
  const std::vector<std::string> names = split_list(arguments.hazards);
  const std::vector<std::filesystem::path> hazard_files(names.begin(), names.end());
  auto setup = dispatch::load_routing(paths_of(options), geodata::load_hazards(hazard_files),
                                      arguments.profiles, std::cerr);
  const std::vector<std::string> active = split_list(arguments.active);
  if (active.empty()) {
    setup->live->activate_all();
  } else {
    setup->live->set_active(active);
  }
  return setup;
}

int run_batch(const CommandOptions& options, const RouteArguments& arguments) {
  std::ifstream file;
  if (arguments.batch != "-") {
    file.open(arguments.batch);
    if (!file) throw IoError("cannot read " + arguments.batch);
  }
  const auto setup = routing_setup(options, arguments);
  dispatch::answer_route_batch(*setup, arguments.vehicle, arguments.batch == "-" ? std::cin : file,
                               std::cout);
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
            const dispatch::RouteQuestion question{geodata::parse_lat_lon(arguments->from),
                                                   geodata::parse_lat_lon(arguments->to),
                                                   arguments->vehicle, arguments->max_snap_m};
            const auto setup = routing_setup(options, *arguments);
            const Json out = dispatch::route_answer(*setup, question);
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
              if (*end != '\0' || !(value > 0 && value <= 24 * 60))
                throw InputError("bad --minutes value '" + item + "'");
              bands.push_back(value);
            }
            if (bands.empty()) throw InputError("--minutes needs at least one value");
            const geodata::LatLon from = geodata::parse_lat_lon(arguments->from);
            const auto setup = routing_setup(options, *arguments);
            const Json out = dispatch::isochrone_answer(*setup, from, arguments->vehicle, bands);
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

}  // namespace

std::vector<CommandRegistration> route_commands(CLI::App& app, CommandOptions& options) {
  return {import_command(app, options), route_command(app, options),
          isochrone_command(app, options), graph_command(app, options),
          facilities_command(app, options)};
}

}  // namespace siaga::cli
