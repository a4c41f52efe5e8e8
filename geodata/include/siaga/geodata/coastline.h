// The land of an OSM extract from its natural=coastline ways, for the console's map: OSM draws
// the coastline with the land on the left, cut into many ways; joined end to end by their node
// ids, an island's pieces close into a ring. A mainland shore cut by the extract's edge does not
// close and is left out (turning it into land would need the extract's boundary, as OSMCoastline
// does); the map then shows the roads alone there.
#pragma once

#include <filesystem>
#include <vector>

#include "siaga/geodata/road_network.h"

namespace siaga::geodata {

struct Coastline {
  std::vector<std::vector<LatLon>> rings;  // closed: the first point again at the end
  size_t ways = 0;                         // natural=coastline ways read
  size_t open_pieces = 0;                  // chains of ways that did not close
};

// Throws MapDataError when the file cannot be read; a file without coastline gives no rings.
Coastline load_coastline(const std::filesystem::path& osm_file);

}  // namespace siaga::geodata
