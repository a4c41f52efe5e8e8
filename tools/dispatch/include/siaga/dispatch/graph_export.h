// The road graph as the engine routes on it, for auditing with one's own tools (QGIS, networkx):
// every directed edge with its ends, OSM ids, geometry, length, the active hazard zones on it, and
// its travel time for every vehicle profile under those hazards (NULL where closed).
#pragma once

#include <filesystem>

#include "siaga/dispatch/dataset.h"

namespace siaga::dispatch {

// `out` ends in .gpkg or .geojson. Throws InputError for another extension, IoError when it
// cannot be written.
void export_graph(const RoutingSetup& setup, const std::filesystem::path& out);

}  // namespace siaga::dispatch
