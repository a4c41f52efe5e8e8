// OSM objects held in memory and written as a PBF once complete, in id order: what the
// schematic island is drawn into (its ids are the order of drawing).
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "siaga/synth/ambon_schematic_data.h"

namespace siaga::synth {

using Tags = std::vector<std::pair<std::string, std::string>>;

class OsmDraft {
 public:
  int64_t add_node(ambon::Coordinate position, Tags tags = {}) {
    positions_.push_back(position);
    node_tags_.push_back(std::move(tags));
    return static_cast<int64_t>(positions_.size());
  }
  void add_way(std::vector<int64_t> nodes, Tags tags) {
    ways_.push_back({std::move(nodes), std::move(tags)});
  }
  ambon::Coordinate position(int64_t node) const {
    return positions_[static_cast<size_t>(node - 1)];
  }
  uint64_t node_count() const { return positions_.size(); }
  uint64_t way_count() const { return ways_.size(); }
  uint64_t count_ways_with(const char* key) const {
    return static_cast<uint64_t>(std::count_if(ways_.begin(), ways_.end(), [&](const Way& way) {
      return std::any_of(way.tags.begin(), way.tags.end(),
                         [&](const auto& tag) { return tag.first == key; });
    }));
  }

  // As PBF, nodes then ways, ids from 1 in the order they were added; no metadata.
  void write(const std::filesystem::path& out) const;

 private:
  struct Way {
    std::vector<int64_t> nodes;
    Tags tags;
  };
  std::vector<ambon::Coordinate> positions_;
  std::vector<Tags> node_tags_;
  std::vector<Way> ways_;
};

}  // namespace siaga::synth
