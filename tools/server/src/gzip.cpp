#include "gzip.h"

#include <zlib.h>

#include <boost/algorithm/string/predicate.hpp>
#include <stdexcept>

namespace siaga::server {
namespace {

constexpr int gzip_window = 15 + 16;  // zlib's way to ask for a gzip header and trailer

// The first item of a `separator`-separated header list, trimmed; `list` keeps what follows.
std::string_view pop_item(std::string_view& list, char separator) {
  const size_t end = list.find(separator);
  std::string_view item = list.substr(0, end);
  list = end == std::string_view::npos ? std::string_view() : list.substr(end + 1);
  while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
  while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
  return item;
}

// "q=0", "q=0.0", "q=0.000" refuse a coding; any other q admits it.
bool refused(std::string_view parameters) {
  while (!parameters.empty()) {
    const std::string_view parameter = pop_item(parameters, ';');
    if (parameter.size() < 2 || (parameter[0] != 'q' && parameter[0] != 'Q') || parameter[1] != '=')
      continue;
    const std::string_view value = parameter.substr(2);
    return !value.empty() && value.find_first_not_of("0.") == std::string_view::npos;
  }
  return false;
}

}  // namespace

std::string gzip(std::string_view text) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, gzip_window, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK)
    throw std::runtime_error("zlib: cannot start compressing");
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (status != Z_STREAM_END) throw std::runtime_error("zlib: compression did not finish");
  out.shrink_to_fit();
  return out;
}

std::string gunzip(std::string_view compressed) {
  z_stream stream{};
  if (inflateInit2(&stream, gzip_window) != Z_OK)
    throw std::runtime_error("zlib: cannot start decompressing");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  int status = Z_OK;
  char buffer[64 * 1024];
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  const bool whole = status == Z_STREAM_END && stream.avail_in == 0;
  inflateEnd(&stream);
  if (!whole) throw std::runtime_error("not one whole gzip stream");
  return out;
}

bool accepts_gzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    std::string_view parameters = pop_item(accept_encoding, ',');
    const std::string_view name = pop_item(parameters, ';');
    if ((boost::algorithm::iequals(name, "gzip") || boost::algorithm::iequals(name, "x-gzip") ||
         name == "*") &&
        !refused(parameters))
      return true;
  }
  return false;
}

}  // namespace siaga::server
