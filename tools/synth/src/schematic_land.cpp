// The schematic island's land for the console's map: its hand-drawn coastline as GeoJSON.
#include <nlohmann/json.hpp>

#include "siaga/synth/ambon_schematic_data.h"
#include "siaga/synth/schematic_island.h"

namespace siaga::synth {

std::string schematic_land_geojson() {
  nlohmann::ordered_json ring = nlohmann::ordered_json::array();
  const auto coast = ambon::coastline();
  // GeoJSON's right-hand rule: the outer ring counter-clockwise, so the drawn ring reversed.
  for (auto point = coast.rbegin(); point != coast.rend(); ++point)
    ring.push_back({point->lon, point->lat});
  ring.push_back(ring.front());
  const nlohmann::ordered_json land = {
      {"type", "FeatureCollection"},
      {"dataset", "ambon-schematic"},
      {"schematic", true},
      {"about", "SCHEMATIC: the hand-drawn coastline of the schematic Pulau Ambon (" +
                    std::string(synth_generator) + "), not a survey of the real shore"},
      {"features",
       {{{"type", "Feature"},
         {"properties", {{"name", "Pulau Ambon"}, {"schematic", true}}},
         {"geometry", {{"type", "Polygon"}, {"coordinates", {ring}}}}}}}};
  return land.dump(1) + "\n";
}

}  // namespace siaga::synth
