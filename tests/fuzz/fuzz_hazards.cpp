// The hazard layer loader: the first byte picks the format by file extension (GeoJSON, KML, GML,
// CSV with WKT, GPX), the rest is the file. What loads is overlaid on the island's roads, as the
// engine does, and on the hand-drawn junctions split by turn restrictions, where every copy of an
// arc must meet exactly the hazards of the street it drives. Anything but a deliberate
// siaga::Error, or a copy covered otherwise than its street, is a finding; GDAL's own complaints
// are silenced.
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "fuzz_support.h"
#include "siaga/geodata/hazards.h"
#include "siaga/geodata/osm_import.h"

using namespace siaga;

namespace {

const geodata::RoadNetwork& junctions() {
  static const geodata::ImportResult split =
      geodata::import_osm(fuzz::source_dir / "tests/data/junctions.osm");
  return split.network;
}

void check_copies(const geodata::RoadNetwork& network, const geodata::HazardIndex& hazards) {
  for (uint32_t arc = network.map_arc_count(); arc < network.arc_count(); ++arc) {
    const auto copy = hazards.hazards_of(arc), street = hazards.hazards_of(network.map_arc(arc));
    if (copy.size() != street.size()) std::abort();
    for (size_t i = 0; i < copy.size(); ++i) {
      if (copy[i].zone != street[i].zone || copy[i].overlap_m != street[i].overlap_m) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet_gdal();
  (void)fuzz::ambon();
  (void)junctions();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr const char* extensions[] = {"geojson", "kml", "gml", "csv", "gpx"};
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("siaga-fuzz-hazards-" + std::to_string(::getpid()) + "." + extensions[data[0] % 5]);
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << fuzz::text(data + 1, size - 1);
  }
  try {
    geodata::HazardLayer layer = geodata::load_hazards(file);
    check_copies(junctions(), geodata::overlay_hazards(junctions(), layer.zones));
    (void)geodata::overlay_hazards(fuzz::ambon(), std::move(layer.zones));
  } catch (const siaga::Error&) {
  }
  std::filesystem::remove(file);
  return 0;
}
