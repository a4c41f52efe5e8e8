// `siaga serve` as an operator starts it: it reads the GIS layers with GDAL, then becomes
// siaga-server (same pid), which serves them without ever mapping GDAL or its libraries.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/wait.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "broker_fixture.h"
#include "serve_process.h"
#include "siaga/geodata/hazards.h"
#include "test_support.h"

namespace siaga::server_process_test {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string text_of(const fs::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ServerProcess, ServesTheHazardsSiagaServeReadWithoutMappingGdal) {
  const fs::path dir = test::fresh_directory("server-process");
  const fs::path fleet_file = test::source_dir / "geodata/ambon/fleet-sample.json";
  const fs::path hazards = test::source_dir / "geodata/ambon/hazards-illustrative.geojson";
  test::TestBroker broker("server-process", tracking::load_fleet(fleet_file));
  test::ServeProcess serve(broker, dir, "lean", test::free_loopback_port(),
                           {"--hazards", hazards.string()});
  ASSERT_TRUE(serve.start(fleet_file)) << serve.log();

  const fs::path proc = "/proc/" + std::to_string(serve.pid());
  EXPECT_EQ(fs::read_symlink(proc / "exe").filename(), "siaga-server");
  const std::string maps = text_of(proc / "maps");
  EXPECT_NE(maps.find("libsqlite3"), std::string::npos) << "not the server's mappings:\n" << maps;
  EXPECT_EQ(maps.find("libgdal"), std::string::npos) << maps;
  EXPECT_EQ(maps.find("libgeos"), std::string::npos) << maps;
  // The memory file of the hand-over is closed once read.
  for (const auto& fd : fs::directory_iterator(proc / "fd")) {
    std::error_code ignored;
    EXPECT_EQ(fs::read_symlink(fd.path(), ignored).string().find("memfd:"), std::string::npos);
  }

  // Every zone GDAL read, served with its kind and depth.
  const geodata::HazardLayer layer = geodata::load_hazards(hazards);
  ASSERT_FALSE(layer.zones.empty());
  httplib::Client http("127.0.0.1", serve.port());
  const auto answer = http.Get("/v1/hazards");
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 200) << answer->body;
  const Json served = Json::parse(answer->body);
  ASSERT_EQ(served["features"].size(), layer.zones.size());
  for (size_t i = 0; i < layer.zones.size(); ++i) {
    const Json& properties = served["features"][i]["properties"];
    EXPECT_EQ(properties["id"], layer.zones[i].id);
    EXPECT_EQ(properties["hazard"], geodata::hazard_kind_name(layer.zones[i].kind));
    if (layer.zones[i].kind == geodata::HazardKind::flood) {
      EXPECT_EQ(properties["depth_cm"].get<double>(), layer.zones[i].depth_cm);
    }
    EXPECT_EQ(served["features"][i]["geometry"]["coordinates"].size(),
              layer.zones[i].polygons.size());
  }
  serve.stop(SIGTERM);
}

TEST(ServerProcess, AnUnreadableHazardLayerStopsSiagaServeWithTheReason) {
  const fs::path dir = test::fresh_directory("server-process-bad");
  const fs::path garbage = dir / "zones.geojson";
  std::ofstream(garbage) << "{ this is not GeoJSON";
  for (const fs::path& hazards : {dir / "missing.geojson", garbage}) {
    const fs::path err = dir / "serve.err";
    const std::string command = std::string(SIAGA_CLI) +
                                " serve --mqtt none --listen 127.0.0.1:0 --state " +
                                (dir / "state").string() + " --hazards " + hazards.string() +
                                " > /dev/null 2> " + err.string();
    const int status = std::system(command.c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 1);
    const std::string said = text_of(err);
    EXPECT_NE(said.find("siaga serve: error:"), std::string::npos) << said;
    EXPECT_NE(said.find(hazards.string()), std::string::npos) << said;
  }
}

}  // namespace
}  // namespace siaga::server_process_test
