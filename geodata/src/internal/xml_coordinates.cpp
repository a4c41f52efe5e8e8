#include "internal/xml_coordinates.h"

#include <osmium/io/any_compression.hpp>
#include <osmium/io/detail/read_write.hpp>
#include <osmium/io/file.hpp>
#include <string>
#include <string_view>

#include "siaga/geodata/road_network.h"

namespace siaga::geodata::internal {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Checks every complete lat="…"/lon='…' attribute of `text`; returns where an unfinished one
// starts (to be read again with the next chunk), or text.size().
size_t check_attributes(std::string_view text, const std::filesystem::path& file) {
  size_t done = text.size() >= 4 ? text.size() - 4 : 0;  // "lat=" may be cut after any char
  for (size_t at = text.find('='); at != std::string_view::npos; at = text.find('=', at + 1)) {
    if (at < 4 || !is_space(text[at - 4])) continue;
    const std::string_view name = text.substr(at - 3, 3);
    if (name != "lat" && name != "lon") continue;
    if (at + 1 >= text.size()) return at - 3;
    const char quote = text[at + 1];
    if (quote != '"' && quote != '\'') continue;
    const size_t end = text.find(quote, at + 2);
    if (end == std::string_view::npos) return at - 3;
    const std::string_view value = text.substr(at + 2, end - at - 2);
    if (value.find_first_of("eE") != std::string_view::npos)
      throw MapDataError(file.string() + ": coordinate " + std::string(name) + "=\"" +
                         std::string(value.substr(0, 40)) +
                         "\" is in exponent notation, which OSM files never use: refused");
  }
  return done;
}

}  // namespace

void refuse_exponent_coordinates(const std::filesystem::path& file) {
  const osmium::io::File osm(file.string());
  if (osm.format() != osmium::io::file_format::xml) return;
  const int fd = osmium::io::detail::open_for_reading(file.string());
  const auto decompressor =
      osmium::io::CompressionFactory::instance().create_decompressor(osm.compression(), fd);
  std::string text;
  for (std::string chunk = decompressor->read(); !chunk.empty(); chunk = decompressor->read()) {
    text += chunk;
    text.erase(0, check_attributes(text, file));
    if (text.size() > 65536)  // an attribute that never closes: not XML libosmium reads either
      throw MapDataError(file.string() + ": a lat or lon attribute is never closed");
  }
  decompressor->close();
}

}  // namespace siaga::geodata::internal
