// The schematic island: main corridors densified between hand-entered waypoints, a street grid
// around each settlement clipped to the coastline, the bridge, the ferry, rivers, facilities,
// and the tagging cases the importer must handle (one-ways, a roundabout, private and track stubs,
// one disconnected fragment). Randomness comes from a seeded splitmix64 with our own arithmetic,
// never std:: distributions (their output differs between standard libraries).
#include "siaga/synth/schematic_island.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <queue>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "osm_draft.h"
#include "siaga/synth/ambon_schematic_data.h"

namespace siaga::synth {
namespace {

using ambon::Coordinate;

constexpr double metres_per_degree_lat = 110574.0;
const double metres_per_degree_lon = 111320.0 * std::cos(-3.67 * M_PI / 180.0);

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double range(double low, double high) { return low + (high - low) * uniform(); }

 private:
  uint64_t state_;
};

Coordinate offset(Coordinate origin, double east_m, double north_m) {
  return {origin.lat + north_m / metres_per_degree_lat,
          origin.lon + east_m / metres_per_degree_lon};
}

double distance_m(Coordinate a, Coordinate b) {
  return std::hypot((b.lat - a.lat) * metres_per_degree_lat,
                    (b.lon - a.lon) * metres_per_degree_lon);
}

Coordinate lerp(Coordinate a, Coordinate b, double t) {
  return {a.lat + (b.lat - a.lat) * t, a.lon + (b.lon - a.lon) * t};
}

bool on_island(Coordinate point) {
  const auto coast = ambon::coastline();
  bool inside = false;
  for (size_t i = 0, j = coast.size() - 1; i < coast.size(); j = i++) {
    const Coordinate a = coast[i];
    const Coordinate b = coast[j];
    if ((a.lat > point.lat) != (b.lat > point.lat)) {
      const double lon_at = a.lon + (point.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat);
      if (point.lon < lon_at) inside = !inside;
    }
  }
  return inside;
}

// Node ids bucketed by 50 m cells, for "is there a node near here" questions.
class NodeGrid {
 public:
  void add(int64_t node, Coordinate position) { cells_[key(position)].push_back({node, position}); }
  // Nearest node within `radius_m` (≤ 50 m), or 0.
  int64_t nearest(Coordinate position, double radius_m) const {
    int64_t best = 0;
    double best_distance = radius_m;
    const auto [cx, cy] = cell(position);
    for (int64_t dx = -1; dx <= 1; ++dx) {
      for (int64_t dy = -1; dy <= 1; ++dy) {
        const auto it = cells_.find(pack(cx + dx, cy + dy));
        if (it == cells_.end()) continue;
        for (const auto& [node, at] : it->second) {
          const double d = distance_m(position, at);
          if (d < best_distance || (d == best_distance && best != 0 && node < best)) {
            best_distance = d;
            best = node;
          }
        }
      }
    }
    return best;
  }

 private:
  static constexpr double cell_m = 50;
  static std::pair<int64_t, int64_t> cell(Coordinate p) {
    return {static_cast<int64_t>(std::floor(p.lon * metres_per_degree_lon / cell_m)),
            static_cast<int64_t>(std::floor(p.lat * metres_per_degree_lat / cell_m))};
  }
  static uint64_t pack(int64_t x, int64_t y) {
    return (static_cast<uint64_t>(x) << 32) ^ static_cast<uint64_t>(y & 0xffffffff);
  }
  static uint64_t key(Coordinate p) {
    const auto [x, y] = cell(p);
    return pack(x, y);
  }
  std::unordered_map<uint64_t, std::vector<std::pair<int64_t, Coordinate>>> cells_;
};

class SchematicAmbon {
 public:
  explicit SchematicAmbon(uint64_t seed) : rng_(seed) {}

  const OsmDraft& build() {
    for (const ambon::Corridor& corridor : ambon::corridors()) add_corridor(corridor);
    add_roundabouts();
    add_ferry();
    std::vector<const ambon::Place*> by_size;
    for (const ambon::Place& place : ambon::places()) {
      if (place.grid_radius > 0) by_size.push_back(&place);
    }
    std::stable_sort(by_size.begin(), by_size.end(),
                     [](auto* a, auto* b) { return a->grid_radius > b->grid_radius; });
    for (const ambon::Place* place : by_size) add_street_grid(*place);
    add_stubs();
    add_disconnected_fragment();
    add_rivers();
    add_facilities_and_place_names();
    return draft_;
  }

 private:
  static const ambon::Place& place(std::string_view name) {
    for (const ambon::Place& p : ambon::places()) {
      if (p.name == name) return p;
    }
    throw std::logic_error("unknown place in the schematic data: " + std::string(name));
  }

  // The node where roads meet at a place; on a roundabout, the ring node facing `toward`.
  int64_t junction(const ambon::Place& at, Coordinate toward) {
    if (at.roundabout) return ring_node_facing(at, toward);
    const auto [it, fresh] = place_nodes_.try_emplace(at.name, 0);
    if (fresh) {
      it->second = draft_.add_node(at.position);
      corridor_nodes_.add(it->second, at.position);
    }
    return it->second;
  }

  int64_t ring_node_facing(const ambon::Place& at, Coordinate toward) {
    std::vector<int64_t>& ring = rings_[at.name];
    if (ring.empty()) {
      // Clockwise from north: traffic keeps left in Indonesia.
      for (int k = 0; k < 8; ++k) {
        const double bearing = k * M_PI / 4;
        ring.push_back(
            draft_.add_node(offset(at.position, 30 * std::sin(bearing), 30 * std::cos(bearing))));
      }
    }
    return *std::min_element(ring.begin(), ring.end(), [&](int64_t a, int64_t b) {
      return distance_m(draft_.position(a), toward) < distance_m(draft_.position(b), toward);
    });
  }

  // Nodes from a to b (inclusive) no farther than step_m apart.
  std::vector<int64_t> densify(int64_t a, int64_t b, double step_m, NodeGrid* index) {
    const Coordinate from = draft_.position(a);
    const Coordinate to = draft_.position(b);
    const int pieces = std::max(1, static_cast<int>(std::ceil(distance_m(from, to) / step_m)));
    std::vector<int64_t> nodes{a};
    for (int k = 1; k < pieces; ++k) {
      const Coordinate at = lerp(from, to, static_cast<double>(k) / pieces);
      nodes.push_back(draft_.add_node(at));
      if (index != nullptr) index->add(nodes.back(), at);
    }
    nodes.push_back(b);
    return nodes;
  }

  void add_corridor(const ambon::Corridor& corridor) {
    Tags tags{{"highway", std::string(corridor.highway)}};
    if (!corridor.name.empty()) tags.emplace_back("name", corridor.name);
    if (!corridor.maxspeed.empty()) tags.emplace_back("maxspeed", corridor.maxspeed);
    if (corridor.bridge) {
      tags.emplace_back("bridge", "yes");
      tags.emplace_back("layer", "1");
    }
    for (size_t i = 0; i + 1 < corridor.via.size(); ++i) {
      const ambon::Place& from = place(corridor.via[i]);
      const ambon::Place& to = place(corridor.via[i + 1]);
      const int64_t a = junction(from, to.position);
      const int64_t b = junction(to, from.position);
      // Bridge nodes are kept out of the index so that no street links onto the bridge deck.
      draft_.add_way(densify(a, b, 30, corridor.bridge ? nullptr : &corridor_nodes_), tags);
    }
  }

  void add_roundabouts() {
    for (auto& [name, ring] : rings_) {
      std::vector<int64_t> nodes = ring;
      nodes.push_back(ring.front());
      draft_.add_way(nodes, {{"highway", "primary"},
                             {"junction", "roundabout"},
                             {"name", "Bundaran " + std::string(name)}});
    }
  }

  void add_ferry() {
    const int64_t galala = junction(place("Pelabuhan Feri Galala"), {});
    const int64_t poka = junction(place("Pelabuhan Feri Poka"), {});
    draft_.add_way(densify(galala, poka, 100, nullptr), {{"route", "ferry"},
                                                         {"name", "Feri Galala–Poka"},
                                                         {"motor_vehicle", "yes"},
                                                         {"duration", "00:10"}});
  }

  struct GridCell {
    bool kept = false;
    bool reached = false;
    Coordinate position{};
    int64_t node = 0;
  };

  void add_street_grid(const ambon::Place& at) {
    const int r = at.grid_radius;
    const int size = 2 * r + 1;
    const double spacing = at.kind == ambon::PlaceKind::city ? 80 : 90;
    const double angle = rng_.range(0, M_PI / 2);
    std::vector<GridCell> cells(static_cast<size_t>(size * size));
    auto cell = [&](int i, int j) -> GridCell& {
      return cells[static_cast<size_t>((j + r) * size + i + r)];
    };
    for (int j = -r; j <= r; ++j) {
      for (int i = -r; i <= r; ++i) {
        const double east = i * spacing + rng_.range(-8, 8);
        const double north = j * spacing + rng_.range(-8, 8);
        const Coordinate p = offset(at.position, east * std::cos(angle) - north * std::sin(angle),
                                    east * std::sin(angle) + north * std::cos(angle));
        GridCell& c = cell(i, j);
        c.position = p;
        c.kept = on_island(p) && grid_nodes_.nearest(p, 45) == 0;
      }
    }
    // Blocks: an edge exists between kept neighbours over land; a few are missing (dead ends).
    std::map<std::pair<int, int>, bool> east_edge, north_edge;
    auto edge_ok = [&](const GridCell& a, const GridCell& b) {
      return a.kept && b.kept && on_island(lerp(a.position, b.position, 0.5)) &&
             rng_.uniform() > 0.04;
    };
    for (int j = -r; j <= r; ++j) {
      for (int i = -r; i <= r; ++i) {
        if (i < r) east_edge[{i, j}] = edge_ok(cell(i, j), cell(i + 1, j));
        if (j < r) north_edge[{i, j}] = edge_ok(cell(i, j), cell(i, j + 1));
      }
    }
    // Keep what the anchor (the kept crossing nearest the centre) reaches.
    std::pair<int, int> anchor{0, 0};
    double anchor_distance = 1e18;
    for (int j = -r; j <= r; ++j) {
      for (int i = -r; i <= r; ++i) {
        const double d = distance_m(cell(i, j).position, at.position);
        if (cell(i, j).kept && d < anchor_distance) {
          anchor_distance = d;
          anchor = {i, j};
        }
      }
    }
    if (anchor_distance > 1e17) return;
    std::queue<std::pair<int, int>> frontier;
    frontier.push(anchor);
    cell(anchor.first, anchor.second).reached = true;
    while (!frontier.empty()) {
      const auto [i, j] = frontier.front();
      frontier.pop();
      const std::pair<int, int> neighbours[] = {{i + 1, j}, {i - 1, j}, {i, j + 1}, {i, j - 1}};
      const bool open[] = {i < r && east_edge[{i, j}], i > -r && east_edge[{i - 1, j}],
                           j < r && north_edge[{i, j}], j > -r && north_edge[{i, j - 1}]};
      for (int k = 0; k < 4; ++k) {
        if (!open[k]) continue;
        GridCell& next = cell(neighbours[k].first, neighbours[k].second);
        if (next.reached) continue;
        next.reached = true;
        frontier.push(neighbours[k]);
      }
    }
    for (GridCell& c : cells) {
      if (!c.reached) continue;
      c.node = draft_.add_node(c.position);
      grid_nodes_.add(c.node, c.position);
    }
    emit_grid_lines(at, r, cell, east_edge, north_edge);
    link_grid(at, cell(anchor.first, anchor.second), cells);
  }

  template <typename CellFn>
  void emit_grid_lines(const ambon::Place& at, int r, CellFn& cell,
                       std::map<std::pair<int, int>, bool>& east_edge,
                       std::map<std::pair<int, int>, bool>& north_edge) {
    const bool city = at.kind == ambon::PlaceKind::city;
    // Named one-way streets of the city centre, alternating direction row by row.
    static const char* const city_rows[] = {"Jl. A. Y. Patty", "Jl. Said Perintah",
                                            "Jl. Sam Ratulangi", "Jl. Diponegoro",
                                            "Jl. Anthony Rhebok"};
    for (int line = -r; line <= r; ++line) {
      for (int horizontal = 0; horizontal < 2; ++horizontal) {
        Tags tags{{"highway", (r >= 6 && line % 4 == 0) ? "tertiary" : "residential"}};
        if (city && horizontal == 1 && line >= -2 && line <= 2) {
          tags = {{"highway", "tertiary"},
                  {"name", city_rows[line + 2]},
                  {"oneway", (line % 2 == 0) ? "yes" : "-1"},
                  {"maxspeed", "ID:urban"}};
        } else if (city && horizontal == 0 && (line == -1 || line == 1)) {
          tags = {{"highway", "tertiary"},
                  {"name", line < 0 ? "Jl. Pattimura" : "Jl. Sultan Hairun"}};
        }
        std::vector<int64_t> run;
        auto flush = [&] {
          if (run.size() >= 2) draft_.add_way(run, tags);
          run.clear();
        };
        for (int k = -r; k < r; ++k) {
          const int i = horizontal ? k : line;
          const int j = horizontal ? line : k;
          const bool open = horizontal ? east_edge[{i, j}] : north_edge[{i, j}];
          const GridCell& a = cell(i, j);
          const GridCell& b = horizontal ? cell(i + 1, j) : cell(i, j + 1);
          if (!open || !a.reached || !b.reached) {
            flush();
            continue;
          }
          std::vector<int64_t> piece = densify(a.node, b.node, spacing_step(at), nullptr);
          if (!run.empty()) piece.erase(piece.begin());
          run.insert(run.end(), piece.begin(), piece.end());
        }
        flush();
      }
    }
  }

  static double spacing_step(const ambon::Place& at) {
    return at.kind == ambon::PlaceKind::city ? 27 : 30;  // two shape nodes per block side
  }

  // Joins a grid to the corridors: the anchor to the place's junction, and every crossing that
  // lies within 30 m of a corridor node to that node.
  void link_grid(const ambon::Place& at, const GridCell& anchor, std::vector<GridCell>& cells) {
    const int64_t centre = junction(at, anchor.position);
    if (distance_m(draft_.position(centre), anchor.position) > 0.5) {
      draft_.add_way(densify(centre, anchor.node, 30, nullptr), {{"highway", "residential"}});
    }
    for (const GridCell& c : cells) {
      if (!c.reached || c.node == anchor.node) continue;
      const int64_t corridor_node = corridor_nodes_.nearest(c.position, 30);
      if (corridor_node == 0 || !linked_corridor_nodes_.insert(corridor_node).second) continue;
      draft_.add_way({corridor_node, c.node}, {{"highway", "residential"}});
    }
  }

  // Ways the importer must leave out or treat specially.
  void add_stubs() {
    const struct {
      const char* place;
      double east_m, north_m;
      Tags tags;
    } stubs[] = {
        {"Wayame",
         0,
         350,
         {{"highway", "service"}, {"access", "private"}, {"name", "Depot Pertamina Wayame"}}},
        {"Halong",
         250,
         -250,
         {{"highway", "service"}, {"access", "private"}, {"name", "Pangkalan TNI AL Halong"}}},
        {"Soya", 0, -600, {{"highway", "track"}, {"tracktype", "grade3"}}},
        {"Hatu", 0, 600, {{"highway", "track"}, {"tracktype", "grade4"}}},
        {"Hila", 0, -600, {{"highway", "track"}, {"tracktype", "grade3"}}},
        {"Ema", 0, 600, {{"highway", "track"}, {"tracktype", "grade4"}}},
        {"Bandara Pattimura", -300, -100, {{"highway", "service"}, {"name", "Terminal Bandara"}}},
    };
    for (const auto& stub : stubs) {
      const ambon::Place& at = place(stub.place);
      const Coordinate end = offset(at.position, stub.east_m, stub.north_m);
      const int64_t start = junction(at, end);
      draft_.add_way(densify(start, draft_.add_node(end), 30, nullptr), stub.tags);
    }
  }

  void add_disconnected_fragment() {
    // A plantation road network with no link to the rest: the importer must drop it.
    const Coordinate origin{-3.6050, 128.2750};
    std::vector<std::vector<int64_t>> nodes(4, std::vector<int64_t>(4));
    for (int j = 0; j < 4; ++j) {
      for (int i = 0; i < 4; ++i) nodes[j][i] = draft_.add_node(offset(origin, i * 100, j * 100));
    }
    const Tags tags{{"highway", "unclassified"}, {"name", "Jalan Kebun Waitatiri"}};
    for (int k = 0; k < 4; ++k) {
      draft_.add_way(nodes[k], tags);
      draft_.add_way({nodes[0][k], nodes[1][k], nodes[2][k], nodes[3][k]}, tags);
    }
  }

  void add_rivers() {
    for (const ambon::NamedLine& river : ambon::rivers()) {
      std::vector<int64_t> line{draft_.add_node(river.points.front())};
      for (size_t k = 1; k < river.points.size(); ++k) {
        std::vector<int64_t> piece =
            densify(line.back(), draft_.add_node(river.points[k]), 50, nullptr);
        line.insert(line.end(), piece.begin() + 1, piece.end());
      }
      draft_.add_way(line, {{"waterway", "river"}, {"name", std::string(river.name)}});
    }
  }

  void add_facilities_and_place_names() {
    for (const ambon::FacilitySpec& f : ambon::facilities()) {
      draft_.add_node(f.position, {{std::string(f.key), std::string(f.value)},
                                   {"name", std::string(f.name)},
                                   {"note", "schematic position"}});
    }
    for (const ambon::Place& p : ambon::places()) {
      if (p.kind != ambon::PlaceKind::city && p.kind != ambon::PlaceKind::village) continue;
      draft_.add_node(p.position, {{"place", p.kind == ambon::PlaceKind::city ? "city" : "village"},
                                   {"name", std::string(p.name)}});
    }
  }

  Rng rng_;
  OsmDraft draft_;
  std::map<std::string_view, int64_t> place_nodes_;
  std::map<std::string_view, std::vector<int64_t>> rings_;
  NodeGrid corridor_nodes_;
  NodeGrid grid_nodes_;
  std::set<int64_t> linked_corridor_nodes_;
};

}  // namespace

SynthSummary write_schematic_ambon(const std::filesystem::path& out, uint64_t seed) {
  SchematicAmbon island(seed);
  const OsmDraft& draft = island.build();
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
  draft.write(out);
  return {draft.node_count(), draft.way_count(),
          draft.count_ways_with("highway") + draft.count_ways_with("route")};
}

}  // namespace siaga::synth
