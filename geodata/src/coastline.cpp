#include "siaga/geodata/coastline.h"

#include <map>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>
#include <string_view>

#include "internal/xml_coordinates.h"

namespace siaga::geodata {

namespace {

// One coastline way: its node ids and their places, in OSM's order (land on the left).
struct Piece {
  std::vector<osmium::object_id_type> ids;
  std::vector<LatLon> points;
};

class CoastlineHandler : public osmium::handler::Handler {
 public:
  std::vector<Piece> pieces;

  void way(const osmium::Way& way) {
    const char* natural = way.tags()["natural"];
    if (!natural || std::string_view(natural) != "coastline" || way.nodes().size() < 2) return;
    Piece piece;
    for (const osmium::NodeRef& node : way.nodes()) {
      if (!node.location().valid()) return;  // a node outside the extract: the piece is cut
      piece.ids.push_back(node.ref());
      piece.points.push_back({node.location().lat(), node.location().lon()});
    }
    pieces.push_back(std::move(piece));
  }
};

// Chains the pieces end to end; the chains that come back to their start are the rings.
Coastline join(const std::vector<Piece>& pieces) {
  Coastline coastline;
  coastline.ways = pieces.size();
  std::multimap<osmium::object_id_type, size_t> starting_at;
  for (size_t i = 0; i < pieces.size(); ++i) starting_at.emplace(pieces[i].ids.front(), i);
  std::vector<bool> used(pieces.size(), false);
  for (size_t first = 0; first < pieces.size(); ++first) {
    if (used[first]) continue;
    used[first] = true;
    std::vector<LatLon> ring = pieces[first].points;
    const osmium::object_id_type start = pieces[first].ids.front();
    osmium::object_id_type end = pieces[first].ids.back();
    while (end != start) {
      auto [next, last] = starting_at.equal_range(end);
      while (next != last && used[next->second]) ++next;
      if (next == last) break;  // open: cut by the extract's edge
      const Piece& piece = pieces[next->second];
      used[next->second] = true;
      ring.insert(ring.end(), piece.points.begin() + 1, piece.points.end());
      end = piece.ids.back();
    }
    if (end == start && ring.size() >= 4)
      coastline.rings.push_back(std::move(ring));
    else
      ++coastline.open_pieces;
  }
  return coastline;
}

}  // namespace

Coastline load_coastline(const std::filesystem::path& osm_file) {
  try {
    using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
    Index index;
    osmium::handler::NodeLocationsForWays<Index> locations(index);
    locations.ignore_errors();  // a way whose node is outside the extract
    internal::refuse_exponent_coordinates(osm_file);
    osmium::io::Reader reader(osm_file.string(),
                              osmium::osm_entity_bits::node | osmium::osm_entity_bits::way);
    CoastlineHandler handler;
    osmium::apply(reader, locations, handler);
    reader.close();
    return join(handler.pieces);
  } catch (const std::exception& error) {
    throw MapDataError("cannot read the coastline of " + osm_file.string() + ": " + error.what());
  }
}

}  // namespace siaga::geodata
