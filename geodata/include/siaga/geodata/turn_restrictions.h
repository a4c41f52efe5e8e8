// Turn restrictions: OSM `type=restriction` relations read beside the ways, resolved onto the
// network's arcs, and applied by splitting each restricted junction into one node per set of
// turns its arriving arcs may take (a local edge-based expansion). Every engine that searches
// the network (Dijkstra, the CCH, PHAST fields) then honours the turns without knowing of them.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "siaga/geodata/road_network.h"

namespace osmium {
class Relation;
}

namespace siaga::geodata {

// What one relation says, in OSM ids, before it meets the network.
struct RestrictionRelation {
  int64_t osm_id = 0;
  std::string kind;  // no_left_turn, only_straight_on, …
  int64_t from_way = 0;
  int64_t via_node = 0;
  int64_t to_way = 0;
};

// A restriction on the network's map arcs: from_arc arrives at the junction that to_arc leaves.
// `only`: every other turn from from_arc is forbidden; otherwise this one turn is.
struct TurnRestriction {
  uint32_t from_arc = invalid_id;
  uint32_t to_arc = invalid_id;
  bool only = false;
};

// Relations read and restrictions kept or skipped, with the reason for each skipped one.
struct RestrictionReport {
  uint64_t relations = 0;  // type=restriction relations seen
  uint64_t applied = 0;
  std::map<std::string, uint64_t> skipped;  // reason → count
};

// Collects the restriction relations that bind a car (`restriction`, or `restriction:motorcar`
// which wins; not when `except` names motorcars or emergency vehicles), counting the others
// by reason. Via ways are counted and skipped: see geodata/README.md for why.
class RestrictionCollector {
 public:
  explicit RestrictionCollector(RestrictionReport& report) : report_(&report) {}
  void relation(const osmium::Relation& relation);
  std::vector<RestrictionRelation>& relations() { return relations_; }

 private:
  RestrictionReport* report_;
  std::vector<RestrictionRelation> relations_;
};

// Resolves relations onto a network without copies (as imported): the from way's arc into the via
// node and the to way's arc out of it. Skips, counted by reason, relations naming a node or way
// the network does not hold (not a road, or cut with a small component), ways that do not touch
// the via node, or that pass through it both ways (which arc is meant is unknowable).
std::vector<TurnRestriction> resolve_restrictions(const RoadNetwork& network,
                                                  std::span<const RestrictionRelation> relations,
                                                  RestrictionReport& report);

// The same network with each restricted junction split: arcs arriving with every turn allowed
// still end at the junction; the others end at a copy offering only their allowed turns (one copy
// per distinct set), whose arcs duplicate the junction's (`copy_node_of`, `copy_arc_of`). Map
// node and arc ids are kept. Throws ContractViolation on a network that already has copies or
// on a restriction whose arcs do not meet.
RoadNetwork apply_restrictions(const RoadNetwork& network,
                               std::span<const TurnRestriction> restrictions);

}  // namespace siaga::geodata
