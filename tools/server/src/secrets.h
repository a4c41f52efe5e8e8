// Comparing a secret a caller presented (a write token, a tracker's key, a report's status key)
// with the one expected. Private to the server.
#pragma once

#include <string_view>

namespace siaga::server {

// In time independent of where the strings differ, so that timing tells nothing; an empty
// expected secret matches nothing.
inline bool same_secret(std::string_view given, std::string_view expected) {
  unsigned difference = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i)
    difference |= static_cast<unsigned char>(i < given.size() ? given[i] : 0) ^
                  static_cast<unsigned char>(expected[i]);
  return difference == 0 && !expected.empty();
}

}  // namespace siaga::server
