// `siaga serve` runs in two processes, one after the other under the same pid. `siaga` reads the
// GIS layers (hazard zones, OSM boundaries) with GDAL, then replaces itself (execv) with
// `siaga-server`, which takes them as JSON and serves. GDAL and the ~30 MB of libraries it maps
// never enter the server, which runs for months.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "commands.h"
#include "options.h"
#include "siaga/geodata/server_layers.h"

namespace siaga::cli {

struct ServeArguments {
  TrackingArguments tracking;
  std::vector<std::string> neighbours;  // mutual aid: the neighbouring regions' servers
  std::string listen = "127.0.0.1:8112";
  std::string hazards;  // FILE[,FILE]; default: the data folder's illustrative layer
  std::string active;   // ID[,ID] active at start
  std::string profiles = dispatch::default_profiles_file().string();
  std::string incident_types = dispatch::default_incident_types_file().string();
  std::string console = (std::filesystem::path(SIAGA_SOURCE_DIR) / "tools/server/console").string();
  std::string trackers_listen;  // HOST:PORT of the trackers' HTTP(S) listener; empty: none
  std::string trackers_certificate;
  std::string trackers_key;
  std::string token_file;         // the tokens writes need (dispatch, incidents, hazard toggles)
  std::string coverage_scenario;  // live coverage's targets and stations; default: baseline
  std::string cameras;            // the CCTV register; default: the data folder's sample; none
  std::string public_listen;      // HOST:PORT of the citizens' panic button; empty: none
  std::string public_certificate;
  std::string public_key;
  std::string public_page =
      (std::filesystem::path(SIAGA_SOURCE_DIR) / "tools/server/darurat").string();
  bool replicate = false;  // a hot-standby pair's primary
  std::string standby_of;  // http://HOST:PORT: start as its standby
};

// The serve command and its options, the same in both programs.
CLI::App* add_serve_command(CLI::App& app, CommandOptions& options, ServeArguments& arguments);

// --hazards, else the data folder's illustrative layer when it is there.
std::vector<std::filesystem::path> hazard_files(const CommandOptions& options,
                                                const std::string& given);

// Serves until SIGINT or SIGTERM (siaga-server).
int run_serve(const CommandOptions& options, const ServeArguments& arguments,
              geodata::ServerLayers layers);

// `siaga serve`: reads the layers and execs siaga-server with the same arguments and
// `--layers /proc/self/fd/N` (serve_handover.cpp; returns only on failure).
int hand_over_to_server(const CommandOptions& options, const ServeArguments& arguments);

}  // namespace siaga::cli
