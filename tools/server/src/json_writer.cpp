#include "json_writer.h"

#include <charconv>
#include <cmath>

namespace siaga::server {

namespace {
// Printable ASCII without the two characters JSON escapes: copied as it is. Anything else (a
// street's name in another script, a control character, invalid UTF-8) is left to Json::dump.
bool plain(std::string_view text) {
  for (const char c : text) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

void append_string(std::string& out, std::string_view text) {
  if (!plain(text)) {
    out.append(nlohmann::ordered_json(std::string(text))
                   .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    return;
  }
  out.push_back('"');
  out.append(text);
  out.push_back('"');
}
}  // namespace

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  append_string(*out_, name);
  out_->push_back(':');
  return *this;
}

JsonWriter& JsonWriter::number(double value) {
  if (!std::isfinite(value)) return raw("null");  // as Json::dump writes it
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  return raw({text, static_cast<size_t>(end - text)});
}

JsonWriter& JsonWriter::integer(int64_t value) {
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  return raw({text, static_cast<size_t>(end - text)});
}

JsonWriter& JsonWriter::string(std::string_view text) {
  separate();
  append_string(*out_, text);
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json_text) {
  separate();
  out_->append(json_text);
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::json(const nlohmann::ordered_json& value) {
  return raw(value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

JsonWriter& JsonWriter::members(const nlohmann::ordered_json& object) {
  for (const auto& [name, value] : object.items()) key(name).json(value);
  return *this;
}

}  // namespace siaga::server
