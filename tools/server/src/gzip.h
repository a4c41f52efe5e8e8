// gzip (RFC 1952) by zlib, for answers that are large, the same for the process's life and
// fetched by browsers: kept compressed, sent as they are to clients that accept gzip.
#pragma once

#include <string>
#include <string_view>

namespace siaga::server {

std::string gzip(std::string_view text);
// Throws std::runtime_error on anything that is not one whole gzip member.
std::string gunzip(std::string_view compressed);

// Whether an Accept-Encoding header value admits gzip: a "gzip", "x-gzip" or "*" coding, not
// given q=0 (RFC 9110, section 12.5.3).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace siaga::server
