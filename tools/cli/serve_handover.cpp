// `siaga serve`, first half (serve.h): the GIS layers read with GDAL, then this process becomes
// siaga-server. The layers go over in a memory file (memfd) that the exec keeps open, so nothing is
// left on disk and two servers started at once do not share a file.
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "serve.h"

namespace siaga::cli {

namespace fs = std::filesystem;

namespace {

fs::path server_program() {
  const fs::path self = fs::read_symlink("/proc/self/exe");
  const fs::path server = self.parent_path() / "siaga-server";
  if (!fs::exists(server))
    throw IoError(server.string() + " is missing: it is built with siaga (tools/build)");
  return server;
}

// A memory file holding `text`, inherited across exec (no close-on-exec).
int memory_file(const std::string& text) {
  const int fd = memfd_create("siaga-server-layers", 0);
  if (fd < 0) throw IoError(std::string("memfd_create: ") + std::strerror(errno));
  for (size_t written = 0; written < text.size();) {
    const ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw IoError(std::string("writing the server's layers: ") + std::strerror(errno));
    written += static_cast<size_t>(n);
  }
  return fd;
}

}  // namespace

int hand_over_to_server(const CommandOptions& options, const ServeArguments& arguments) {
  const fs::path server = server_program();
  const geodata::ServerLayers layers =
      geodata::read_server_layers(hazard_files(options, arguments.hazards), paths_of(options).osm);
  const int fd = memory_file(geodata::server_layers_json(layers));
  std::vector<std::string> words = options.command_line;
  words.at(0) = server.string();
  words.push_back("--layers");
  words.push_back("/proc/self/fd/" + std::to_string(fd));
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  std::cout.flush();
  std::cerr.flush();
  execv(server.c_str(), argv.data());
  throw IoError("cannot start " + server.string() + ": " + std::strerror(errno));
}

}  // namespace siaga::cli
