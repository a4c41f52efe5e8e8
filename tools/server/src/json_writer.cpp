#include "json_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace siaga::server {

namespace {
// ASCII is written here, escaped as JSON requires (a polyline holds backslashes). Text with other
// bytes (a street's name in another script, or invalid UTF-8) is left to Json::dump, which checks
// the UTF-8 and replaces what is not.
void append_string(std::string& out, std::string_view text) {
  const bool ascii = std::all_of(text.begin(), text.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii) {
    out.append(nlohmann::ordered_json(std::string(text))
                   .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    return;
  }
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      const char escaped[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
      out.append(escaped, sizeof escaped);
    } else {
      out.push_back(c);
    }
  }
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
