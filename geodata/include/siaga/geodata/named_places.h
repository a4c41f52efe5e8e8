// Named points of an OSM file that a caller may name on the phone: settlements (place=city, town,
// village, suburb, neighbourhood, hamlet, quarter) and named landmarks (amenity, shop, tourism,
// leisure, office, historic, man_made, and buildings such as churches and mosques). The road graph
// keeps streets and the dispatch facilities only; place search needs these too.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "siaga/geodata/road_network.h"

namespace siaga::geodata {

struct NamedPlace {
  std::string name;
  std::string kind;  // the tag's value: village, church, school, marketplace, fuel, ...
  bool settlement = false;
  LatLon position;
};

// Nodes only (a landmark drawn as an area has a node for its name in most of Ambon's data).
// Throws MapDataError when the file cannot be read; a missing file is the caller's to check.
std::vector<NamedPlace> load_named_places(const std::filesystem::path& osm_file);

}  // namespace siaga::geodata
