// A whole small file as one string: a JSON configuration (profiles, fleet, incident classes,
// response plans, a road mapping) or the layers `siaga serve` hands over, with the error every
// loader gives when the file cannot be read.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace siaga {

// The file's bytes as they are; IoError "cannot read <what> <file>" when it cannot be opened or
// a read fails.
std::string read_text_file(const std::filesystem::path& file, std::string_view what);

}  // namespace siaga
