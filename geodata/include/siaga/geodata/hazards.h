// Hazard zones (flood, landslide, closure, other) read with GDAL/OGR from any vector source, and
// their overlay on the road network: which arcs each zone touches, over what length.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "siaga/geodata/road_network.h"

namespace siaga::geodata {

enum class HazardKind : uint8_t { flood, landslide, closure, other };
inline constexpr int hazard_kind_count = 4;
std::string_view hazard_kind_name(HazardKind kind);
// The kind a name of hazard_kind_name's stands for; nullopt for any other text.
std::optional<HazardKind> hazard_kind_named(std::string_view name);

using Ring = std::vector<LatLon>;
struct PolygonRings {
  Ring outer;
  std::vector<Ring> holes;
};

struct HazardZone {
  std::string id;
  std::string name;
  HazardKind kind = HazardKind::other;
  double depth_cm = 0;                 // floods
  double severity = 1;                 // 0–1, the other kinds
  std::string source;                  // file it came from
  std::vector<PolygonRings> polygons;  // WGS84; points and lines arrive buffered by 10 m
  // What the profiles compare against their thresholds: depth for floods, severity otherwise.
  double intensity() const { return kind == HazardKind::flood ? depth_cm : severity; }
};

struct HazardLoadReport {
  uint32_t features_read = 0;
  uint32_t zones_loaded = 0;
  uint32_t repaired = 0;  // invalid geometries made valid
  uint32_t rejected = 0;
  std::vector<std::string> messages;  // one per repaired or rejected feature, naming it
};

struct HazardLayer {
  std::vector<HazardZone> zones;
  HazardLoadReport report;
};

// Every layer of a GDAL vector source (GeoJSON, Shapefile, GeoPackage, KML, …). Feature fields:
// `id`, `name`, `hazard` (flood | landslide | closure | other), `depth_cm` (floods), `severity`
// (0–1, others; default 1). Bad features are rejected with a message and counted; a source GDAL
// cannot find throws IoError, one it cannot read MapDataError.
HazardLayer load_hazards(const std::filesystem::path& file);

// Several files at once; zone ids must be unique across them (later duplicates are rejected).
HazardLayer load_hazards(std::span<const std::filesystem::path> files);

struct ArcHazard {
  uint32_t zone;
  float overlap_m;  // length of the arc inside the zone
};

struct HazardIndex {
  std::vector<HazardZone> zones;
  std::vector<uint32_t> first_hazard;  // per arc, CSR over arc_hazard (arc_count + 1 entries)
  std::vector<ArcHazard> arc_hazard;

  std::span<const ArcHazard> hazards_of(uint32_t arc) const {
    if (first_hazard.empty()) return {};
    return {arc_hazard.data() + first_hazard[arc], arc_hazard.data() + first_hazard[arc + 1]};
  }
  // Index of the zone with this id, or invalid_id.
  uint32_t find(std::string_view id) const;
};

// Intersects every arc with every zone once (Boost.Geometry, in the network's UTM zone).
HazardIndex overlay_hazards(const RoadNetwork& network, std::vector<HazardZone> zones);

}  // namespace siaga::geodata
