// The scale curve's networks as OSM files, so that their import is measured like a real extract's:
// k × k copies of a base extract's roads (node and way ids offset per tile, positions shifted a
// tile's width and height plus 2 %) joined by 8 primary roads across every tile edge; or an n × n
// grid of residential streets, one way per row and per column, its nodes jittered a little so that
// no two routes tie exactly.
#include "scale_osm.h"

#include <algorithm>
#include <osmium/builder/osm_object_builder.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/io/any_output.hpp>
#include <osmium/io/reader.hpp>
#include <osmium/io/writer.hpp>
#include <osmium/osm/node.hpp>
#include <osmium/osm/way.hpp>
#include <random>
#include <unordered_set>

namespace siaga::bench {
namespace {

using Tags = std::vector<std::pair<std::string, std::string>>;

// libosmium's writer over one growing buffer, flushed every half megabyte.
class OsmOut {
 public:
  explicit OsmOut(const std::filesystem::path& path)
      : writer_(osmium::io::File(path.string(), "pbf,add_metadata=false"), header(),
                osmium::io::overwrite::allow) {}

  template <typename TagRange>
  void node(int64_t id, double lat, double lon, const TagRange& tags) {
    {
      osmium::builder::NodeBuilder node(buffer_);
      node.set_id(id);
      node.set_location(osmium::Location(lon, lat));
      add_tags(node, tags);
    }
    commit();
  }

  template <typename TagRange>
  void way(int64_t id, const std::vector<int64_t>& nodes, const TagRange& tags) {
    {
      osmium::builder::WayBuilder way(buffer_);
      way.set_id(id);
      {
        osmium::builder::WayNodeListBuilder refs(way);
        for (int64_t node : nodes) refs.add_node_ref(node);
      }
      add_tags(way, tags);
    }
    commit();
  }

  void close() {
    writer_(std::move(buffer_));
    writer_.close();
  }

 private:
  static osmium::io::Header header() {
    osmium::io::Header header;
    header.set("generator", "siaga bench/scale_curve");
    return header;
  }
  template <typename Builder, typename TagRange>
  static void add_tags(Builder& parent, const TagRange& tags) {
    if (tags.begin() == tags.end()) return;
    osmium::builder::TagListBuilder builder(parent);
    for (const auto& tag : tags) add_tag(builder, tag);
  }
  static void add_tag(osmium::builder::TagListBuilder& builder, const osmium::Tag& tag) {
    builder.add_tag(tag.key(), tag.value());
  }
  static void add_tag(osmium::builder::TagListBuilder& builder,
                      const std::pair<std::string, std::string>& tag) {
    builder.add_tag(tag.first, tag.second);
  }
  void commit() {
    buffer_.commit();
    if (buffer_.committed() < (1 << 19)) return;
    writer_(std::move(buffer_));
    buffer_ = osmium::memory::Buffer(1 << 20, osmium::memory::Buffer::auto_grow::yes);
  }

  osmium::io::Writer writer_;
  osmium::memory::Buffer buffer_{1 << 20, osmium::memory::Buffer::auto_grow::yes};
};

// The base extract's roads: every way with a highway tag and the nodes they use.
struct BaseRoads {
  std::vector<osmium::memory::Buffer> buffers;  // owns the objects below
  std::vector<const osmium::Node*> nodes;
  std::vector<const osmium::Way*> ways;
  int64_t node_id_stride = 1;
  int64_t way_id_stride = 1;
  double south = 90, north = -90, west = 180, east = -180;
};

BaseRoads read_roads(const std::filesystem::path& base) {
  BaseRoads roads;
  osmium::io::Reader reader(base.string(),
                            osmium::osm_entity_bits::node | osmium::osm_entity_bits::way);
  while (osmium::memory::Buffer buffer = reader.read()) roads.buffers.push_back(std::move(buffer));
  reader.close();
  std::unordered_set<int64_t> used;
  for (const auto& buffer : roads.buffers) {
    for (const osmium::Way& way : buffer.select<osmium::Way>()) {
      if (!way.tags().has_key("highway")) continue;
      roads.ways.push_back(&way);
      roads.way_id_stride = std::max(roads.way_id_stride, way.id() + 1);
      for (const osmium::NodeRef& ref : way.nodes()) used.insert(ref.ref());
    }
  }
  for (const auto& buffer : roads.buffers) {
    for (const osmium::Node& node : buffer.select<osmium::Node>()) {
      if (!used.contains(node.id()) || !node.location().valid()) continue;
      roads.nodes.push_back(&node);
      roads.node_id_stride = std::max(roads.node_id_stride, node.id() + 1);
      const double lat = node.location().lat(), lon = node.location().lon();
      roads.south = std::min(roads.south, lat), roads.north = std::max(roads.north, lat);
      roads.west = std::min(roads.west, lon), roads.east = std::max(roads.east, lon);
    }
  }
  return roads;
}

// Eight of the base's road nodes furthest toward one side, spread along the other axis: where
// tiles are joined.
std::vector<const osmium::Node*> border(const BaseRoads& roads, bool east_west, bool far_side) {
  std::vector<const osmium::Node*> nodes = roads.nodes;
  auto coordinate = [&](const osmium::Node* node) {
    const double value = east_west ? node->location().lon() : node->location().lat();
    return far_side ? -value : value;
  };
  std::sort(nodes.begin(), nodes.end(),
            [&](auto* a, auto* b) { return coordinate(a) < coordinate(b); });
  nodes.resize(std::min<size_t>(nodes.size(), 400));  // the outermost few hundred
  std::sort(nodes.begin(), nodes.end(), [&](auto* a, auto* b) {
    return east_west ? a->location().lat() < b->location().lat()
                     : a->location().lon() < b->location().lon();
  });
  std::vector<const osmium::Node*> chosen;
  for (size_t k = 0; k < 8 && !nodes.empty(); ++k) chosen.push_back(nodes[k * nodes.size() / 8]);
  return chosen;
}

}  // namespace

void write_tiled_osm(const std::filesystem::path& base, uint32_t k,
                     const std::filesystem::path& out) {
  const BaseRoads roads = read_roads(base);
  const double tile_lat = 1.02 * (roads.north - roads.south);
  const double tile_lon = 1.02 * (roads.east - roads.west);
  auto tile_of = [&](uint32_t i, uint32_t j) { return static_cast<int64_t>(i) * k + j; };
  auto node_id = [&](int64_t tile, int64_t id) { return tile * roads.node_id_stride + id; };
  OsmOut osm(out);
  for (uint32_t i = 0; i < k; ++i) {
    for (uint32_t j = 0; j < k; ++j) {
      for (const osmium::Node* node : roads.nodes) {
        osm.node(node_id(tile_of(i, j), node->id()), node->location().lat() + j * tile_lat,
                 node->location().lon() + i * tile_lon, node->tags());
      }
    }
  }
  std::vector<int64_t> refs;
  for (int64_t tile = 0; tile < int64_t{k} * k; ++tile) {
    for (const osmium::Way* way : roads.ways) {
      refs.clear();
      for (const osmium::NodeRef& ref : way->nodes()) refs.push_back(node_id(tile, ref.ref()));
      osm.way(tile * roads.way_id_stride + way->id(), refs, way->tags());
    }
  }
  const auto east = border(roads, true, true), west = border(roads, true, false);
  const auto north = border(roads, false, true), south = border(roads, false, false);
  const Tags main_road = {{"highway", "primary"}};
  int64_t join_id = int64_t{k} * k * roads.way_id_stride;
  for (uint32_t i = 0; i < k; ++i) {
    for (uint32_t j = 0; j < k; ++j) {
      for (size_t m = 0; m < east.size(); ++m) {
        if (i + 1 < k) {
          osm.way(
              join_id++,
              {node_id(tile_of(i, j), east[m]->id()), node_id(tile_of(i + 1, j), west[m]->id())},
              main_road);
        }
        if (j + 1 < k) {
          osm.way(
              join_id++,
              {node_id(tile_of(i, j), north[m]->id()), node_id(tile_of(i, j + 1), south[m]->id())},
              main_road);
        }
      }
    }
  }
  osm.close();
}

void write_grid_osm(uint32_t side, const std::filesystem::path& out) {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> jitter(-0.0002, 0.0002);
  auto id = [&](uint32_t x, uint32_t y) { return int64_t{y} * side + x + 1; };
  OsmOut osm(out);
  const Tags none;
  for (uint32_t y = 0; y < side; ++y) {
    for (uint32_t x = 0; x < side; ++x)
      osm.node(id(x, y), -3.7 + y * 0.001 + jitter(random), 128.1 + x * 0.001 + jitter(random),
               none);
  }
  const Tags street = {{"highway", "residential"}};
  std::vector<int64_t> refs;
  for (uint32_t row = 0; row < side; ++row) {
    refs.clear();
    for (uint32_t x = 0; x < side; ++x) refs.push_back(id(x, row));
    osm.way(row + 1, refs, street);
  }
  for (uint32_t column = 0; column < side; ++column) {
    refs.clear();
    for (uint32_t y = 0; y < side; ++y) refs.push_back(id(column, y));
    osm.way(int64_t{side} + column + 1, refs, street);
  }
  osm.close();
}

}  // namespace siaga::bench
