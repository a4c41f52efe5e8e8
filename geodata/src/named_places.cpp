#include "siaga/geodata/named_places.h"

#include <array>
#include <osmium/handler.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>

#include "internal/xml_coordinates.h"

namespace siaga::geodata {

namespace {

constexpr std::array<const char*, 7> settlement_values = {
    "city", "town", "village", "suburb", "neighbourhood", "hamlet", "quarter"};
constexpr std::array<const char*, 7> landmark_keys = {"amenity", "shop",     "tourism", "leisure",
                                                      "office",  "historic", "man_made"};

class PlacesHandler : public osmium::handler::Handler {
 public:
  std::vector<NamedPlace> places;

  void node(const osmium::Node& node) {
    const char* name = node.tags()["name"];
    if (!name || !*name || !node.location().valid()) return;
    const LatLon at{node.location().lat(), node.location().lon()};
    if (const char* place = node.tags()["place"]) {
      for (const char* value : settlement_values) {
        if (std::string_view(place) == value) {
          places.push_back({name, place, true, at});
          return;
        }
      }
    }
    for (const char* key : landmark_keys) {
      if (const char* value = node.tags()[key]) {
        places.push_back({name, value, false, at});
        return;
      }
    }
    if (const char* building = node.tags()["building"])
      places.push_back({name, building, false, at});
  }
};

}  // namespace

std::vector<NamedPlace> load_named_places(const std::filesystem::path& osm_file) {
  try {
    internal::refuse_exponent_coordinates(osm_file);
    osmium::io::Reader reader(osm_file.string(), osmium::osm_entity_bits::node);
    PlacesHandler handler;
    osmium::apply(reader, handler);
    reader.close();
    return std::move(handler.places);
  } catch (const std::exception& error) {
    throw MapDataError("cannot read named places from " + osm_file.string() + ": " + error.what());
  }
}

}  // namespace siaga::geodata
