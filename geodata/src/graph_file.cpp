// Layout: Header (fixed 48 bytes, little-endian host order) followed by the payload, a sequence
// of length-prefixed arrays. The payload checksum catches truncation and bit rot; the source
// checksum tells whether the graph is stale relative to its OSM file.
#include "siaga/geodata/graph_file.h"

#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <type_traits>

namespace siaga::geodata {
namespace {

constexpr char magic[8] = {'S', 'I', 'A', 'G', 'A', 'G', 'R', 'F'};

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t reserved;
  uint64_t source_checksum;
  uint64_t payload_size;
  uint64_t payload_checksum;
  uint64_t reserved2;
};
static_assert(sizeof(Header) == 48);

uint64_t fnv1a(const char* data, size_t size, uint64_t hash = 14695981039346656037ull) {
  for (size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 1099511628211ull;
  }
  return hash;
}

class PayloadWriter {
 public:
  template <typename T>
  void scalar(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  template <typename T>
  void array(const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    scalar<uint64_t>(values.size());
    bytes_.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
  }
  void string(const std::string& text) {
    scalar<uint64_t>(text.size());
    bytes_.append(text);
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

class PayloadReader {
 public:
  PayloadReader(const char* data, size_t size) : data_(data), size_(size) {}

  template <typename T>
  T scalar() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  }
  template <typename T>
  std::vector<T> array() {
    const uint64_t count = scalar<uint64_t>();
    if (count > (size_ - offset_) / sizeof(T))
      throw MapDataError("graph file: array runs past the end");
    std::vector<T> values(count);
    const char* bytes = take(count * sizeof(T));
    // An empty vector's data() may be null, and memcpy from or to null is undefined even for
    // zero bytes (found by fuzz_graph under UBSan).
    if (count > 0) std::memcpy(values.data(), bytes, count * sizeof(T));
    return values;
  }
  std::string string() {
    const uint64_t length = scalar<uint64_t>();
    if (length > size_ - offset_) throw MapDataError("graph file: string runs past the end");
    return std::string(take(length), length);
  }
  bool at_end() const { return offset_ == size_; }

 private:
  const char* take(size_t count) {
    if (count > size_ - offset_) throw MapDataError("graph file: payload is truncated");
    const char* at = data_ + offset_;
    offset_ += count;
    return at;
  }
  const char* data_;
  size_t size_;
  size_t offset_ = 0;
};

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) throw IoError("cannot open " + file.string() + ": " + std::strerror(errno));
  std::string bytes(static_cast<size_t>(in.tellg()), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    throw IoError("cannot read " + file.string());
  }
  return bytes;
}

void write_payload(PayloadWriter& out, const RoadNetwork& network) {
  out.string(network.dataset);
  out.scalar<uint8_t>(network.schematic ? 1 : 0);
  out.scalar(network.utm_epsg);
  out.array(network.node_position);
  out.array(network.node_xy);
  out.array(network.node_osm_id);
  out.array(network.first_out);
  out.array(network.arc_head);
  out.array(network.arc_length_m);
  out.array(network.arc_time_ms);
  out.array(network.arc_class);
  out.array(network.arc_flags);
  out.array(network.arc_way);
  out.array(network.way_osm_id);
  out.array(network.copy_node_of);
  out.array(network.copy_arc_of);
  out.scalar<uint64_t>(network.way_name.size());
  for (const std::string& name : network.way_name) out.string(name);
  out.scalar<uint64_t>(network.facilities.size());
  for (const Facility& facility : network.facilities) {
    out.scalar(facility.kind);
    out.string(facility.name);
    out.scalar(facility.osm_id);
    out.scalar(facility.osm_type);
    out.scalar(facility.position);
  }
}

RoadNetwork read_payload(PayloadReader& in) {
  RoadNetwork network;
  network.dataset = in.string();
  network.schematic = in.scalar<uint8_t>() != 0;
  network.utm_epsg = in.scalar<int32_t>();
  network.node_position = in.array<LatLon>();
  network.node_xy = in.array<Xy>();
  network.node_osm_id = in.array<int64_t>();
  network.first_out = in.array<uint32_t>();
  network.arc_head = in.array<uint32_t>();
  network.arc_length_m = in.array<float>();
  network.arc_time_ms = in.array<uint32_t>();
  network.arc_class = in.array<RoadClass>();
  network.arc_flags = in.array<uint8_t>();
  network.arc_way = in.array<uint32_t>();
  network.way_osm_id = in.array<int64_t>();
  network.copy_node_of = in.array<uint32_t>();
  network.copy_arc_of = in.array<uint32_t>();
  const uint64_t way_names = in.scalar<uint64_t>();
  if (way_names != network.way_osm_id.size())
    throw MapDataError("graph file: way name count mismatch");
  network.way_name.reserve(way_names);
  for (uint64_t i = 0; i < way_names; ++i) network.way_name.push_back(in.string());
  const uint64_t facilities = in.scalar<uint64_t>();
  for (uint64_t i = 0; i < facilities; ++i) {
    Facility facility;
    facility.kind = in.scalar<FacilityKind>();
    facility.name = in.string();
    facility.osm_id = in.scalar<int64_t>();
    facility.osm_type = in.scalar<char>();
    facility.position = in.scalar<LatLon>();
    network.facilities.push_back(std::move(facility));
  }
  if (!in.at_end()) throw MapDataError("graph file: unexpected bytes after the payload");
  return network;
}

Header parse_header(const std::string& bytes, const std::filesystem::path& file) {
  if (bytes.size() < sizeof(Header)) {
    throw MapDataError("graph file " + file.string() + " is truncated (no complete header)");
  }
  Header header;
  std::memcpy(&header, bytes.data(), sizeof(Header));
  if (std::memcmp(header.magic, magic, sizeof(magic)) != 0) {
    throw MapDataError("graph file " + file.string() + " has the wrong magic (not a Siaga graph)");
  }
  if (header.version != graph_file_version) {
    throw MapDataError("graph file " + file.string() + " has version " +
                       std::to_string(header.version) + ", this build reads version " +
                       std::to_string(graph_file_version) + " (run `siaga import` again)");
  }
  return header;
}

}  // namespace

void save_graph(const RoadNetwork& network, const std::filesystem::path& file) {
  PayloadWriter payload;
  write_payload(payload, network);
  Header header{};
  std::memcpy(header.magic, magic, sizeof(magic));
  header.version = graph_file_version;
  header.source_checksum = network.source_checksum;
  header.payload_size = payload.bytes().size();
  header.payload_checksum = fnv1a(payload.bytes().data(), payload.bytes().size());

  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  // Write to a temporary name and rename, so a crash never leaves a half-written graph. The name
  // is the writer's own (process and thread): writers of one cache at once (test processes, two
  // servers started together) each rename a whole file, the last one staying.
  const std::filesystem::path temporary =
      file.string() + ".tmp." + std::to_string(::getpid()) + "." +
      std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError("cannot write " + temporary.string() + ": " + std::strerror(errno));
    out.write(reinterpret_cast<const char*>(&header), sizeof(header));
    out.write(payload.bytes().data(), static_cast<std::streamsize>(payload.bytes().size()));
    if (!out.flush()) throw IoError("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, file);
}

RoadNetwork load_graph(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) throw IoError("graph file " + file.string() + " not found");
  const std::string bytes = read_file(file);
  const Header header = parse_header(bytes, file);
  const size_t available = bytes.size() - sizeof(Header);
  if (header.payload_size != available) {
    throw MapDataError("graph file " + file.string() + " is truncated or padded: header says " +
                       std::to_string(header.payload_size) + " payload bytes, file has " +
                       std::to_string(available));
  }
  const char* payload = bytes.data() + sizeof(Header);
  if (fnv1a(payload, available) != header.payload_checksum) {
    throw MapDataError("graph file " + file.string() + " is corrupt (payload checksum mismatch)");
  }
  PayloadReader reader(payload, available);
  RoadNetwork network = read_payload(reader);
  network.source_checksum = header.source_checksum;
  check_consistent(network);
  return network;
}

uint64_t read_graph_source_checksum(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  Header header{};
  if (!in.read(reinterpret_cast<char*>(&header), sizeof(header))) return 0;
  if (std::memcmp(header.magic, magic, sizeof(magic)) != 0) return 0;
  if (header.version != graph_file_version) return 0;
  return header.source_checksum;
}

uint64_t file_checksum(const std::filesystem::path& file) {
  const std::string bytes = read_file(file);
  return fnv1a(bytes.data(), bytes.size());
}

}  // namespace siaga::geodata
