// The hazard layer loader: the first byte picks the format by file extension (GeoJSON, KML, GML,
// CSV with WKT, GPX), the rest is the file. What loads is overlaid on the island's roads, as the
// engine does. Anything but a deliberate siaga::Error is a finding; GDAL's own complaints are
// silenced.
#include <unistd.h>

#include <fstream>

#include "fuzz_support.h"
#include "siaga/geodata/hazards.h"

using namespace siaga;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet_gdal();
  (void)fuzz::ambon();
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
    (void)geodata::overlay_hazards(fuzz::ambon(), std::move(layer.zones));
  } catch (const siaga::Error&) {
  }
  std::filesystem::remove(file);
  return 0;
}
