#include "siaga/text_file.h"

#include <fstream>
#include <sstream>

#include "siaga/error.h"

namespace siaga {

std::string read_text_file(const std::filesystem::path& file, std::string_view what) {
  std::ifstream in(file, std::ios::binary);
  std::error_code ignored;  // a directory opens, then reads as empty: refused by name instead
  if (!in || std::filesystem::is_directory(file, ignored))
    throw IoError("cannot read " + std::string(what) + " " + file.string());
  std::ostringstream text;
  text << in.rdbuf();  // an empty file reads as "", and sets only the output's failbit
  if (in.bad()) throw IoError("cannot read " + std::string(what) + " " + file.string());
  return std::move(text).str();
}

}  // namespace siaga
