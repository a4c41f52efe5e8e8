#include "siaga/text_file.h"

#include <fstream>
#include <sstream>

#include "siaga/error.h"

namespace siaga {

std::string read_text_file(const std::filesystem::path& file, std::string_view what) {
  auto cannot_read = [&] {
    return IoError("cannot read " + std::string(what) + " " + file.string());
  };
  std::ifstream in(file, std::ios::binary);
  std::error_code ignored;  // a directory opens, then reads as empty: refused by name instead
  if (!in || std::filesystem::is_directory(file, ignored)) throw cannot_read();
  std::ostringstream text;
  text << in.rdbuf();  // an empty file reads as "", and sets only the output's failbit
  if (in.bad()) throw cannot_read();
  return std::move(text).str();
}

}  // namespace siaga
