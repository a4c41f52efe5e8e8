// The graph file loader. With an even first byte the rest is a payload behind a valid header (so
// that the fuzzer gets past the checksum into the arrays); with an odd one the rest is the whole
// file. A loaded graph is snapped to once. Anything but a deliberate siaga::Error (a
// broken graph file is a MapDataError) is a finding.
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "fuzz_support.h"
#include "siaga/geodata/graph_file.h"
#include "siaga/geodata/snapper.h"

using namespace siaga;

namespace {

// The header as geodata/src/graph_file.cpp writes it (48 bytes, little-endian): magic, version,
// reserved, source checksum, payload size, payload checksum (FNV-1a 64), reserved.
std::string header_for(std::string_view payload) {
  uint64_t checksum = 14695981039346656037ull;
  for (const char c : payload) {
    checksum ^= static_cast<unsigned char>(c);
    checksum *= 1099511628211ull;
  }
  std::string header(48, '\0');
  std::memcpy(header.data(), "SIAGAGRF", 8);
  const uint32_t version = geodata::graph_file_version;
  std::memcpy(header.data() + 8, &version, 4);
  const uint64_t payload_size = payload.size();
  std::memcpy(header.data() + 24, &payload_size, 8);
  std::memcpy(header.data() + 32, &checksum, 8);
  return header;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("siaga-fuzz-graph-" + std::to_string(::getpid()) + ".graph");
  const std::string_view rest = fuzz::text(data + 1, size - 1);
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (data[0] % 2 == 0) out << header_for(rest);
    out << rest;
  }
  try {
    const geodata::RoadNetwork network = geodata::load_graph(file);
    if (network.node_count() > 0) {
      const geodata::Snapper snapper(network);
      (void)snapper.snap(network.node_position.front());
    }
  } catch (const siaga::Error&) {
  }
  return 0;
}
