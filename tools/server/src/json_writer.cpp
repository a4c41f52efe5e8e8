#include "json_writer.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace siaga::server {

namespace {
// ASCII is written here, escaped as JSON requires (a polyline holds backslashes), the runs between
// escapes appended whole. Text with other bytes (a street's name in another script, or invalid
// UTF-8) is left to Json::dump, which checks the UTF-8 and replaces what is not.
void append_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  const size_t start = out.size();
  out.push_back('"');
  size_t run = 0;  // where the text not yet appended starts
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') continue;
    if (c >= 0x80) {
      out.resize(start);
      out.append(nlohmann::ordered_json(std::string(text))
                     .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
      return;
    }
    out.append(text.data() + run, i - run);
    run = i + 1;
    if (c >= 0x20) {
      const char escaped[] = {'\\', static_cast<char>(c)};
      out.append(escaped, sizeof escaped);
    } else {
      const char escaped[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
      out.append(escaped, sizeof escaped);
    }
  }
  out.append(text.data() + run, text.size() - run);
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

}  // namespace siaga::server
