// `siaga-server`: `siaga serve`'s second half, the process that serves (serve.h). It takes the
// same options as `siaga serve`, plus the GIS layers that `siaga serve` read; it links no GDAL.
#include <malloc.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "serve.h"
#include "siaga/text_file.h"

namespace {

// The layers' JSON; a memory file handed over by `siaga serve` is closed once read.
siaga::geodata::ServerLayers read_layers(const std::string& file) {
  const std::string text = siaga::read_text_file(file, "the server's layers");
  const std::string_view own_fd = "/proc/self/fd/";
  if (file.starts_with(own_fd)) close(std::stoi(file.substr(own_fd.size())));
  return siaga::geodata::parse_server_layers(text);
}

// glibc raises its mmap threshold to the size of every large block freed, and its trim threshold to
// twice that: after a while every large answer or per-request array is carved from the worker
// threads' arenas and kept there when freed. Fixed thresholds give such blocks back to the system
// (after 10 s of HTTP load the server held ~1.2 MB less, at the same requests per second).
void keep_malloc_from_hoarding() {
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  mallopt(M_TRIM_THRESHOLD, 512 * 1024);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace siaga::cli;
  keep_malloc_from_hoarding();
  CLI::App app{"siaga-server: the dispatch server, started by `siaga serve` (run that instead)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("siaga-server ") + SIAGA_VERSION);
  app.failure_message([](const CLI::App*, const CLI::Error& error) {
    return "siaga-server: error: " + std::string(error.what()) + " (run `siaga serve`)\n";
  });
  CommandOptions options;
  ServeArguments arguments;
  std::string layers_file;
  CLI::App* serve = add_serve_command(app, options, arguments);
  serve
      ->add_option("--layers", layers_file,
                   "the hazard zones and boundaries that `siaga serve` read (JSON)")
      ->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  try {
    return run_serve(options, arguments, read_layers(layers_file));
  } catch (const std::exception& error) {
    std::cerr << "siaga serve: error: " << error.what() << "\n";
    return 1;
  }
}
