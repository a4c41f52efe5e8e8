// Turn restrictions from OSM relations to split junctions. Reading keeps what binds a car and
// counts the rest by reason; resolving finds the one arc each member way drives into and out of
// the via node; applying gives every distinct set of allowed turns at a junction its own node.
#include "siaga/geodata/turn_restrictions.h"

#include <algorithm>
#include <osmium/osm/relation.hpp>
#include <string_view>
#include <utility>

namespace siaga::geodata {
namespace {

constexpr std::string_view known_kinds[] = {
    "no_left_turn", "no_right_turn",  "no_straight_on",  "no_u_turn",        "no_entry",
    "no_exit",      "only_left_turn", "only_right_turn", "only_straight_on", "only_u_turn"};

bool is_only(std::string_view kind) {
  return kind.starts_with("only_");
}

// `except=psv;bicycle`: does the exception cover our vehicles (cars, and emergency vehicles)?
bool excepts_us(std::string_view except) {
  while (!except.empty()) {
    const size_t semicolon = except.find(';');
    std::string_view item = except.substr(0, semicolon);
    while (item.starts_with(' ')) item.remove_prefix(1);
    while (item.ends_with(' ')) item.remove_suffix(1);
    if (item == "motorcar" || item == "motor_vehicle" || item == "vehicle" || item == "emergency")
      return true;
    if (semicolon == std::string_view::npos) break;
    except.remove_prefix(semicolon + 1);
  }
  return false;
}

// Why a relation without a car's `restriction` tag is not one for us.
std::string reason_without_kind(const osmium::TagList& tags) {
  if (tags.has_key("restriction:conditional")) return "conditional (not applied)";
  for (const osmium::Tag& tag : tags) {
    if (std::string_view(tag.key()).starts_with("restriction:")) return "for another vehicle";
  }
  return "no restriction tag";
}

}  // namespace

void RestrictionCollector::relation(const osmium::Relation& relation) {
  const osmium::TagList& tags = relation.tags();
  const char* type = tags["type"];
  if (type == nullptr || std::string_view(type) != "restriction") return;
  ++report_->relations;
  const char* kind =
      tags["restriction:motorcar"] ? tags["restriction:motorcar"] : tags["restriction"];
  if (kind == nullptr) {
    ++report_->skipped[reason_without_kind(tags)];
    return;
  }
  if (std::find(std::begin(known_kinds), std::end(known_kinds), std::string_view(kind)) ==
      std::end(known_kinds)) {
    ++report_->skipped["unknown kind"];
    return;
  }
  if (const char* except = tags["except"]; except != nullptr && excepts_us(except)) {
    ++report_->skipped["except motorcar or emergency"];
    return;
  }
  std::vector<int64_t> from, to, via_nodes;
  size_t via_ways = 0, other_vias = 0, not_ways = 0;
  for (const osmium::RelationMember& member : relation.members()) {
    const std::string_view role = member.role();
    const bool way = member.type() == osmium::item_type::way;
    if (role == "via") {
      if (member.type() == osmium::item_type::node) {
        via_nodes.push_back(member.ref());
      } else if (way) {
        ++via_ways;
      } else {
        ++other_vias;
      }
    } else if (role == "from" || role == "to") {
      if (!way) {
        ++not_ways;
        continue;
      }
      (role == "from" ? from : to).push_back(member.ref());
    }
  }
  const char* reason = nullptr;
  if (via_ways > 0 && via_nodes.empty() && other_vias == 0) {
    reason = "via way (not supported)";
  } else if (via_nodes.size() + via_ways + other_vias == 0) {
    reason = "no via";
  } else if (via_nodes.size() != 1 || via_ways + other_vias > 0) {
    reason = "several vias or a via relation";
  } else if (not_ways > 0) {
    reason = "from or to is not a way";
  } else if (from.empty() || to.empty()) {
    reason = "no from or no to";
  } else if (is_only(kind) && to.size() > 1) {
    reason = "only_ with several to ways";
  }
  if (reason != nullptr) {
    ++report_->skipped[reason];
    return;
  }
  // no_entry lists several from ways, no_exit several to ways: one restriction per pair.
  for (const int64_t from_way : from) {
    for (const int64_t to_way : to) {
      relations_.push_back({relation.id(), kind, from_way, via_nodes.front(), to_way});
    }
  }
}

namespace {

// Way OSM id → the network's way indices, and node OSM id → node, for lookups by id.
struct IdIndex {
  std::vector<std::pair<int64_t, uint32_t>> ways;
  std::vector<std::pair<int64_t, uint32_t>> nodes;

  explicit IdIndex(const RoadNetwork& network) {
    for (uint32_t way = 0; way < network.way_osm_id.size(); ++way) {
      ways.emplace_back(network.way_osm_id[way], way);
    }
    for (uint32_t node = 0; node < network.node_count(); ++node) {
      nodes.emplace_back(network.node_osm_id[node], node);
    }
    std::sort(ways.begin(), ways.end());
    std::sort(nodes.begin(), nodes.end());
  }
  uint32_t node(int64_t osm_id) const {
    const auto it = std::lower_bound(nodes.begin(), nodes.end(), std::pair{osm_id, 0u});
    return it != nodes.end() && it->first == osm_id ? it->second : invalid_id;
  }
  bool has_way(int64_t osm_id) const {
    const auto it = std::lower_bound(ways.begin(), ways.end(), std::pair{osm_id, 0u});
    return it != ways.end() && it->first == osm_id;
  }
  bool is_way(uint32_t way, int64_t osm_id) const {
    const auto it = std::lower_bound(ways.begin(), ways.end(), std::pair{osm_id, way});
    return it != ways.end() && *it == std::pair{osm_id, way};
  }
};

// The one arc of `way_osm_id` among `arcs`: invalid_id when none, `ambiguous` when several.
constexpr uint32_t ambiguous = invalid_id - 1;
template <class Arcs>
uint32_t arc_of_way(const RoadNetwork& network, const IdIndex& ids, const Arcs& arcs,
                    int64_t way_osm_id) {
  uint32_t found = invalid_id;
  for (const uint32_t arc : arcs) {
    if (!ids.is_way(network.arc_way[arc], way_osm_id)) continue;
    if (found != invalid_id) return ambiguous;
    found = arc;
  }
  return found;
}

}  // namespace

std::vector<TurnRestriction> resolve_restrictions(const RoadNetwork& network,
                                                  std::span<const RestrictionRelation> relations,
                                                  RestrictionReport& report) {
  expects(network.copy_node_of.empty(), "resolve_restrictions: a network without copies");
  const IdIndex ids(network);
  // Arcs into each node, CSR by head.
  std::vector<uint32_t> first_in(network.node_count() + 1, 0), in_arcs(network.arc_count());
  for (const uint32_t head : network.arc_head) ++first_in[head + 1];
  for (size_t v = 0; v + 1 < first_in.size(); ++v) first_in[v + 1] += first_in[v];
  std::vector<uint32_t> fill(first_in.begin(), first_in.end() - 1);
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    in_arcs[fill[network.arc_head[arc]]++] = arc;
  }

  std::vector<TurnRestriction> restrictions;
  for (const RestrictionRelation& relation : relations) {
    const uint32_t via = ids.node(relation.via_node);
    if (via == invalid_id) {
      ++report.skipped["via node not in the network"];
      continue;
    }
    if (!ids.has_way(relation.from_way) || !ids.has_way(relation.to_way)) {
      ++report.skipped["from or to way not a road in the network"];
      continue;
    }
    const std::span<const uint32_t> into(in_arcs.data() + first_in[via],
                                         first_in[via + 1] - first_in[via]);
    std::vector<uint32_t> out_of;
    for (uint32_t arc = network.first_out[via]; arc < network.first_out[via + 1]; ++arc) {
      out_of.push_back(arc);
    }
    const uint32_t from = arc_of_way(network, ids, into, relation.from_way);
    const uint32_t to = arc_of_way(network, ids, out_of, relation.to_way);
    if (from == ambiguous || to == ambiguous) {
      ++report.skipped["from or to way passes through the via node"];
    } else if (from == invalid_id || to == invalid_id) {
      ++report.skipped["from or to way does not lead into or out of the via node"];
    } else {
      restrictions.push_back({from, to, is_only(relation.kind)});
      ++report.applied;
    }
  }
  return restrictions;
}

namespace {

// Allowed turns of one arriving arc, as a flag per arc leaving the junction.
using TurnSet = std::vector<uint8_t>;

struct JunctionSplit {
  uint32_t junction;
  std::vector<TurnSet> copies;  // one per distinct set that is not "every turn"
};

void append_node_copy(RoadNetwork& out, const RoadNetwork& in, uint32_t junction) {
  out.node_position.push_back(in.node_position[junction]);
  out.node_xy.push_back(in.node_xy[junction]);
  out.node_osm_id.push_back(in.node_osm_id[junction]);
  out.copy_node_of.push_back(junction);
}

void append_arc_copy(RoadNetwork& out, uint32_t map_arc, uint32_t head) {
  out.arc_head.push_back(head);
  out.arc_length_m.push_back(out.arc_length_m[map_arc]);
  out.arc_time_ms.push_back(out.arc_time_ms[map_arc]);
  out.arc_class.push_back(out.arc_class[map_arc]);
  out.arc_flags.push_back(out.arc_flags[map_arc]);
  out.arc_way.push_back(out.arc_way[map_arc]);
  out.copy_arc_of.push_back(map_arc);
}

}  // namespace

RoadNetwork apply_restrictions(const RoadNetwork& network,
                               std::span<const TurnRestriction> restrictions) {
  expects(network.copy_node_of.empty(), "apply_restrictions: a network without copies");
  const std::vector<uint32_t> tails = arc_tails(network);
  for (const TurnRestriction& r : restrictions) {
    expects(r.from_arc < network.arc_count() && r.to_arc < network.arc_count() &&
                network.arc_head[r.from_arc] == tails[r.to_arc],
            "apply_restrictions: from arc must end where to arc starts");
  }
  // Allowed turns per restricted arriving arc, by junction in id order (copies stay sorted).
  std::vector<std::pair<uint32_t, uint32_t>> by_junction;  // (junction, restriction index)
  for (uint32_t i = 0; i < restrictions.size(); ++i) {
    by_junction.emplace_back(tails[restrictions[i].to_arc], i);
  }
  std::sort(by_junction.begin(), by_junction.end());

  RoadNetwork out = network;
  std::vector<uint32_t> head = network.arc_head;  // final heads of map arcs
  std::vector<JunctionSplit> splits;
  for (size_t begin = 0; begin < by_junction.size();) {
    const uint32_t junction = by_junction[begin].first;
    const uint32_t first = network.first_out[junction];
    const uint32_t leaving = network.first_out[junction + 1] - first;
    std::vector<std::pair<uint32_t, TurnSet>> arriving;  // (from arc, allowed turns)
    size_t end = begin;
    for (; end < by_junction.size() && by_junction[end].first == junction; ++end) {
      const TurnRestriction& r = restrictions[by_junction[end].second];
      auto it = std::find_if(arriving.begin(), arriving.end(),
                             [&](const auto& entry) { return entry.first == r.from_arc; });
      if (it == arriving.end())
        it = arriving.insert(arriving.end(), {r.from_arc, TurnSet(leaving, 1)});
      for (uint32_t k = 0; k < leaving; ++k) {
        if (r.only ? first + k != r.to_arc : first + k == r.to_arc) it->second[k] = 0;
      }
    }
    begin = end;
    JunctionSplit split{junction, {}};
    for (const auto& [from_arc, allowed] : arriving) {
      if (std::all_of(allowed.begin(), allowed.end(), [](uint8_t a) { return a != 0; })) continue;
      auto copy = std::find(split.copies.begin(), split.copies.end(), allowed);
      if (copy == split.copies.end()) copy = split.copies.insert(split.copies.end(), allowed);
      head[from_arc] = network.node_count() + static_cast<uint32_t>(out.copy_node_of.size()) +
                       static_cast<uint32_t>(copy - split.copies.begin());
    }
    for (size_t c = 0; c < split.copies.size(); ++c) append_node_copy(out, network, junction);
    if (!split.copies.empty()) splits.push_back(std::move(split));
  }
  // The copies' arcs, in copy order (CSR), each ending where its map arc now ends.
  for (const JunctionSplit& split : splits) {
    const uint32_t first = network.first_out[split.junction];
    for (const TurnSet& allowed : split.copies) {
      for (uint32_t k = 0; k < allowed.size(); ++k) {
        if (allowed[k] != 0) append_arc_copy(out, first + k, head[first + k]);
      }
      out.first_out.push_back(out.arc_count());
    }
  }
  std::copy(head.begin(), head.end(), out.arc_head.begin());
  check_consistent(out);
  return out;
}

}  // namespace siaga::geodata
