// JSON written straight to text, member by member, for answers made on every request (an OSRM
// route): built as a Json tree and dumped, a route answer of some thirty members cost an
// allocation per member and a quarter of the server's time per request. Commas are placed by the
// writer; what goes between them is the caller's order. Strings are escaped as JSON requires,
// invalid UTF-8 replaced as Json::dump replaces it; numbers are the shortest text that reads back
// the same double.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace siaga::server {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(&out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  // A member's name; its value comes next.
  JsonWriter& key(std::string_view name);
  JsonWriter& number(double value);
  JsonWriter& integer(int64_t value);
  JsonWriter& boolean(bool value) { return raw(value ? "true" : "false"); }
  JsonWriter& null() { return raw("null"); }
  JsonWriter& string(std::string_view text);
  // A value that is JSON text already (a GeoJSON line, a dumped Json).
  JsonWriter& raw(std::string_view json_text);

 private:
  void separate() {
    if (after_value_) out_->push_back(',');
    after_value_ = false;
  }
  JsonWriter& open(char bracket) {
    separate();
    out_->push_back(bracket);
    return *this;
  }
  JsonWriter& close(char bracket) {
    out_->push_back(bracket);
    after_value_ = true;
    return *this;
  }

  std::string* out_;
  bool after_value_ = false;  // the next member or element needs a comma first
};

}  // namespace siaga::server
