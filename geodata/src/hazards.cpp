// Hazard zones overlaid on the road network with Boost.Geometry in UTM metres. Reading them from
// GIS files (GDAL) is hazard_reading.cpp's, in another library: the server never loads GDAL.
#include "siaga/geodata/hazards.h"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <map>

#include "siaga/geodata/projection.h"

namespace siaga::geodata {

std::string_view hazard_kind_name(HazardKind kind) {
  switch (kind) {
    case HazardKind::flood:
      return "flood";
    case HazardKind::landslide:
      return "landslide";
    case HazardKind::closure:
      return "closure";
    case HazardKind::other:
      return "other";
  }
  return "other";
}

std::optional<HazardKind> hazard_kind_named(std::string_view name) {
  for (int i = 0; i < hazard_kind_count; ++i) {
    const auto kind = static_cast<HazardKind>(i);
    if (hazard_kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

uint32_t HazardIndex::find(std::string_view id) const {
  for (uint32_t i = 0; i < zones.size(); ++i) {
    if (zones[i].id == id) return i;
  }
  return invalid_id;
}

namespace {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using Point = bg::model::d2::point_xy<double>;
using Polygon = bg::model::polygon<Point>;
using Line = bg::model::linestring<Point>;
using Box = bg::model::box<Point>;

Polygon to_utm(const PolygonRings& rings, const UtmProjection& projection) {
  Polygon polygon;
  auto project = [&](const Ring& ring, auto& out) {
    for (const LatLon& p : ring) {
      const Xy xy = projection.forward(p);
      out.push_back(Point(xy.x, xy.y));
    }
  };
  project(rings.outer, polygon.outer());
  for (const Ring& hole : rings.holes) {
    polygon.inners().emplace_back();
    project(hole, polygon.inners().back());
  }
  bg::correct(polygon);  // ring orientation and closure as Boost.Geometry expects
  return polygon;
}

}  // namespace

HazardIndex overlay_hazards(const RoadNetwork& network, std::vector<HazardZone> zones) {
  HazardIndex index;
  index.zones = std::move(zones);
  const UtmProjection projection(network.utm_epsg);
  std::vector<Polygon> parts;
  std::vector<uint32_t> part_zone;
  std::vector<std::pair<Box, uint32_t>> boxes;
  for (uint32_t z = 0; z < index.zones.size(); ++z) {
    for (const PolygonRings& rings : index.zones[z].polygons) {
      parts.push_back(to_utm(rings, projection));
      part_zone.push_back(z);
      boxes.emplace_back(bg::return_envelope<Box>(parts.back()),
                         static_cast<uint32_t>(parts.size() - 1));
    }
  }
  const bgi::rtree<std::pair<Box, uint32_t>, bgi::rstar<16>> tree(boxes.begin(), boxes.end());

  index.first_hazard.assign(network.arc_count() + 1, 0);
  std::vector<std::pair<Box, uint32_t>> candidates;
  std::map<uint32_t, double> overlap;  // zone → metres, for one arc
  const std::vector<uint32_t> tails = arc_tails(network);
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    const Xy a = network.node_xy[tails[arc]];
    const Xy b = network.node_xy[network.arc_head[arc]];
    const Line line{Point(a.x, a.y), Point(b.x, b.y)};
    candidates.clear();
    tree.query(bgi::intersects(bg::return_envelope<Box>(line)), std::back_inserter(candidates));
    overlap.clear();
    for (const auto& [box, part] : candidates) {
      bg::model::multi_linestring<Line> inside;
      bg::intersection(line, parts[part], inside);
      const double length = bg::length(inside);
      if (length > 0) overlap[part_zone[part]] += length;
    }
    for (const auto& [zone, metres] : overlap) {
      index.arc_hazard.push_back({zone, static_cast<float>(metres)});
    }
    index.first_hazard[arc + 1] = static_cast<uint32_t>(index.arc_hazard.size());
  }
  return index;
}

}  // namespace siaga::geodata
