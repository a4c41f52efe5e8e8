// Journal record bodies: one byte of kind, then fixed-width little-endian fields and
// length-prefixed strings. Decoding checks every length and throws JournalError on a short or
// malformed body (which the CRC makes a software bug, not disk damage).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "siaga/tracking/store.h"

namespace siaga::tracking::records {

enum class Kind : uint8_t {
  fix = 'F',
  status = 'S',
  rejection = 'R',
  counters = 'C',
  header = 'H'
};

std::string encode_fix(const PositionFix& fix, int64_t received_ms);
std::string encode_status(const StatusReport& report);
std::string encode_rejection(Rejection reason);
std::string encode_counters(const Counters& counters);
std::string encode_header(uint64_t next_generation);  // first record of a snapshot

Kind kind_of(std::string_view body);
PositionFix decode_fix(std::string_view body, int64_t& received_ms);
StatusReport decode_status(std::string_view body);
Rejection decode_rejection(std::string_view body);
Counters decode_counters(std::string_view body);
uint64_t decode_header(std::string_view body);

}  // namespace siaga::tracking::records
