// Bad files give a clear error naming the problem, never a crash.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "siaga/geodata/graph_file.h"
#include "siaga/geodata/osm_import.h"
#include "siaga/text_file.h"
#include "test_support.h"

namespace siaga::geodata::bad_files_test {
namespace {

namespace fs = std::filesystem;

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("siaga-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const char* name, const std::string& bytes) {
    const fs::path file = dir_ / name;
    std::ofstream(file, std::ios::binary) << bytes;
    return file;
  }
  static std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  fs::path saved_fixture_graph() {
    const fs::path file = dir_ / "fixture.graph";
    save_graph(import_osm(test::test_data("fixture.osm")).network, file);
    return file;
  }

  fs::path dir_;
};

// Runs `action`, expecting an Error whose message contains `fragment`.
template <typename Action>
void expect_error(Action action, const std::string& fragment) {
  try {
    action();
    ADD_FAILURE() << "expected an error containing '" << fragment << "'";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
  }
}

// Every JSON loader reads through read_text_file: bytes as they are (NUL and CR included), an
// empty file as "", and a missing file or a directory as IoError naming what and where.
TEST_F(TempDir, TextFilesAreReadWholeOrRefusedByName) {
  const std::string bytes("{\"a\":1}\r\n\0tail", 14);
  EXPECT_EQ(read_text_file(write("bytes.json", bytes), "the test file"), bytes);
  EXPECT_EQ(read_text_file(write("empty.json", ""), "the test file"), "");
  for (const fs::path& unreadable : {dir_ / "absent.json", dir_}) {
    try {
      read_text_file(unreadable, "vehicle profiles");
      ADD_FAILURE() << unreadable << " was read";
    } catch (const IoError& error) {
      EXPECT_EQ(std::string(error.what()), "cannot read vehicle profiles " + unreadable.string());
    }
  }
}

// Several writers of one graph cache at once (test processes sharing build/data, two servers
// started together) each write their own temporary file: every save succeeds, and the file left is
// a whole graph. With one shared temporary name, a writer's rename found it gone.
TEST_F(TempDir, GraphFilesSavedAtOnceByManyWritersAllSucceed) {
  const RoadNetwork original = import_osm(test::test_data("fixture.osm")).network;
  const fs::path file = dir_ / "shared.graph";
  std::atomic<int> failures = 0;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        try {
          save_graph(original, file);
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(load_graph(file).arc_head, original.arc_head);
  size_t left = 0;
  for (const auto& entry : fs::directory_iterator(dir_)) left += entry.path() != file;
  EXPECT_EQ(left, 0u) << "no temporary file left behind";
}

TEST_F(TempDir, GraphFileRoundTrips) {
  const RoadNetwork original = import_osm(test::test_data("fixture.osm")).network;
  save_graph(original, dir_ / "g.graph");
  const RoadNetwork loaded = load_graph(dir_ / "g.graph");
  EXPECT_EQ(loaded.dataset, original.dataset);
  EXPECT_EQ(loaded.source_checksum, original.source_checksum);
  EXPECT_EQ(loaded.first_out, original.first_out);
  EXPECT_EQ(loaded.arc_head, original.arc_head);
  EXPECT_EQ(loaded.arc_time_ms, original.arc_time_ms);
  EXPECT_EQ(loaded.arc_length_m, original.arc_length_m);
  EXPECT_EQ(loaded.way_name, original.way_name);
  EXPECT_EQ(loaded.node_osm_id, original.node_osm_id);
  ASSERT_EQ(loaded.facilities.size(), original.facilities.size());
  EXPECT_EQ(loaded.facilities[0].name, original.facilities[0].name);
  EXPECT_EQ(read_graph_source_checksum(dir_ / "g.graph"), original.source_checksum);
}

TEST_F(TempDir, MissingGraphFile) {
  expect_error([&] { load_graph(dir_ / "nope.graph"); }, "not found");
}

TEST_F(TempDir, TruncatedGraphFile) {
  const std::string bytes = read(saved_fixture_graph());
  const fs::path cut = write("cut.graph", bytes.substr(0, bytes.size() / 2));
  expect_error([&] { load_graph(cut); }, "truncated");
  const fs::path header_only = write("header.graph", bytes.substr(0, 20));
  expect_error([&] { load_graph(header_only); }, "truncated");
}

TEST_F(TempDir, WrongMagic) {
  std::string bytes = read(saved_fixture_graph());
  bytes[0] = 'X';
  expect_error([&] { load_graph(write("magic.graph", bytes)); }, "wrong magic");
}

TEST_F(TempDir, WrongVersion) {
  std::string bytes = read(saved_fixture_graph());
  bytes[8] = static_cast<char>(graph_file_version + 1);  // version follows the 8-byte magic
  expect_error([&] { load_graph(write("version.graph", bytes)); }, "version");
}

TEST_F(TempDir, FlippedPayloadByte) {
  std::string bytes = read(saved_fixture_graph());
  bytes[bytes.size() - 10] ^= 0x5a;
  expect_error([&] { load_graph(write("flip.graph", bytes)); }, "corrupt");
}

TEST_F(TempDir, MissingOsmFile) {
  expect_error([&] { import_osm(dir_ / "absent.osm.pbf"); }, "not found");
}

TEST_F(TempDir, CorruptPbf) {
  std::string bytes = read(test::ambon_schematic_pbf());
  for (size_t i = 200; i < bytes.size(); i += 97) bytes[i] ^= 0x33;
  expect_error([&] { import_osm(write("corrupt.osm.pbf", bytes)); }, "cannot read OSM file");
}

TEST_F(TempDir, TruncatedPbf) {
  const std::string bytes = read(test::ambon_schematic_pbf());
  expect_error([&] { import_osm(write("cut.osm.pbf", bytes.substr(0, bytes.size() / 3))); },
               "cannot read OSM file");
}

TEST_F(TempDir, GarbageXml) {
  expect_error([&] { import_osm(write("bad.osm", "<osm><node id='1' lat='x'")); },
               "cannot read OSM file");
}

TEST_F(TempDir, OsmWithoutRoads) {
  expect_error(
      [&] {
        import_osm(write("empty.osm",
                         "<?xml version='1.0'?><osm version='0.6'>"
                         "<node id='1' lat='-3.7' lon='128.1'/></osm>"));
      },
      "no drivable roads");
}

// libosmium's XML reader overflows a 64-bit integer on coordinates like 3e820 (fuzz_roads found
// it): such files are refused before it reads them, wherever the bad node sits, compressed or not.
TEST_F(TempDir, XmlCoordinatesInExponentNotationAreRefused) {
  const std::string junctions = read(test::test_data("junctions.osm"));
  const std::string fine = "lat=\"-3.6820\"";
  ASSERT_NE(junctions.find(fine), std::string::npos);
  EXPECT_NO_THROW(import_osm(write("fine.osm", junctions)));
  std::string padding;  // ~300 kB of nodes first: the bad one is read in a later chunk
  for (int i = 0; i < 4000; ++i)
    padding += "  <node id=\"" + std::to_string(900000 + i) +
               "\" version=\"1\" lat=\"-3.70001\" lon=\"128.10001\"/>\n";
  for (const std::string bad : {"lat=\"-3.e820\"", "lat='3E8'", "lat=\"1e-2\""}) {
    std::string text = junctions;
    text.replace(text.find(fine), fine.size(), bad);
    expect_error([&] { import_osm(write("bad.osm", text)); }, "exponent notation");
    std::string late = text;
    late.insert(late.find("  <node"), padding);
    expect_error([&] { import_osm(write("late.osm", late)); }, "exponent notation");
  }
  // Compressed, through libosmium's own decompressor.
  std::string text = junctions;
  text.replace(text.find(fine), fine.size(), "lon=\"1.5e9\"");
  const fs::path plain = write("bad-packed.osm", text);
  ASSERT_EQ(std::system(("bzip2 -k " + plain.string()).c_str()), 0);
  expect_error([&] { import_osm(fs::path(plain.string() + ".bz2")); }, "exponent notation");
}

}  // namespace
}  // namespace siaga::geodata::bad_files_test
