#include "osm_draft.h"

#include <osmium/builder/osm_object_builder.hpp>
#include <osmium/io/any_output.hpp>
#include <osmium/io/writer.hpp>

#include "siaga/synth/schematic_island.h"

namespace siaga::synth {
namespace {

template <typename Builder>
void add_tags(Builder& parent, const Tags& tags) {
  if (tags.empty()) return;
  osmium::builder::TagListBuilder builder(parent);
  for (const auto& [key, value] : tags) builder.add_tag(key, value);
}

void flush_if_full(osmium::io::Writer& writer, osmium::memory::Buffer& buffer) {
  if (buffer.committed() < (1 << 19)) return;
  writer(std::move(buffer));
  buffer = osmium::memory::Buffer(1 << 20, osmium::memory::Buffer::auto_grow::yes);
}

}  // namespace

void OsmDraft::write(const std::filesystem::path& out) const {
  osmium::io::Header header;
  header.set("generator", synth_generator);
  osmium::Box box;
  for (const ambon::Coordinate& c : positions_) box.extend(osmium::Location(c.lon, c.lat));
  header.add_box(box);
  osmium::io::Writer writer(osmium::io::File(out.string(), "pbf,add_metadata=false"), header,
                            osmium::io::overwrite::allow);
  osmium::memory::Buffer buffer(1 << 20, osmium::memory::Buffer::auto_grow::yes);
  for (size_t i = 0; i < positions_.size(); ++i) {
    {
      osmium::builder::NodeBuilder node(buffer);
      node.set_id(static_cast<int64_t>(i + 1));
      node.set_location(osmium::Location(positions_[i].lon, positions_[i].lat));
      add_tags(node, node_tags_[i]);
    }
    buffer.commit();
    flush_if_full(writer, buffer);
  }
  for (size_t i = 0; i < ways_.size(); ++i) {
    {
      osmium::builder::WayBuilder way(buffer);
      way.set_id(static_cast<int64_t>(i + 1));
      {
        osmium::builder::WayNodeListBuilder refs(way);
        for (int64_t node : ways_[i].nodes) refs.add_node_ref(node);
      }
      add_tags(way, ways_[i].tags);
    }
    buffer.commit();
    flush_if_full(writer, buffer);
  }
  writer(std::move(buffer));
  writer.close();
}

}  // namespace siaga::synth
