// gzip by zlib for the network GeoJSON: checked against the gzip command (a second
// implementation) both ways, refusing broken streams, and the Accept-Encoding reading.
#include "gzip.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "test_support.h"

namespace siaga::server::gzip_test {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Text like the network's: JSON numbers and names, repeated with variation.
std::string sample_text(size_t bytes) {
  std::mt19937 random(7);
  std::string text = "{\"type\":\"FeatureCollection\",\"features\":[";
  while (text.size() < bytes) {
    text += "{\"type\":\"Feature\",\"properties\":{\"name\":\"Jl. " +
            std::to_string(random() % 500) + "\"},\"geometry\":{\"coordinates\":[128." +
            std::to_string(random() % 1000000) + ",-3." + std::to_string(random() % 1000000) +
            "]}},";
  }
  return text + "]}";
}

TEST(Gzip, RoundTripsWithTheGzipCommand) {
  const fs::path dir = fs::temp_directory_path() / ("siaga-gzip-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const size_t size : {size_t{0}, size_t{1}, size_t{70'000}, size_t{2'000'000}}) {
    const std::string text = sample_text(size);
    const std::string ours = gzip(text);
    if (size > 1000) {
      EXPECT_LT(ours.size() * 3, text.size());
    }
    write_file(dir / "ours.gz", ours);
    ASSERT_EQ(
        std::system(("gzip -dc " + (dir / "ours.gz").string() + " > " + (dir / "ours.txt").string())
                        .c_str()),
        0);
    EXPECT_EQ(read_file(dir / "ours.txt"), text) << "gzip -d reads what we compressed";
    write_file(dir / "theirs.txt", text);
    ASSERT_EQ(std::system(("gzip -c " + (dir / "theirs.txt").string() + " > " +
                           (dir / "theirs.gz").string())
                              .c_str()),
              0);
    EXPECT_EQ(gunzip(read_file(dir / "theirs.gz")), text) << "we read what gzip compressed";
  }
  fs::remove_all(dir);
}

TEST(Gzip, BrokenStreamsAreRefused) {
  const std::string whole = gzip(sample_text(10'000));
  EXPECT_THROW(gunzip(whole.substr(0, whole.size() / 2)), std::runtime_error);  // cut short
  EXPECT_THROW(gunzip(whole + "trailing"), std::runtime_error);
  EXPECT_THROW(gunzip("not gzip at all"), std::runtime_error);
  EXPECT_THROW(gunzip(""), std::runtime_error);
  std::string flipped = whole;
  flipped[flipped.size() - 6] ^= 0x5a;  // the CRC-32 of the content
  EXPECT_THROW(gunzip(flipped), std::runtime_error);
}

TEST(Gzip, AcceptEncodingIsReadAsRfc9110Says) {
  for (const char* yes : {"gzip", "gzip, deflate, br", "deflate, GZip", "br;q=1.0, gzip;q=0.5", "*",
                          "x-gzip", " gzip ; q=1", "gzip;q=0.001"})
    EXPECT_TRUE(accepts_gzip(yes)) << yes;
  for (const char* no : {"", "deflate", "br", "gzip;q=0", "gzip; q=0.000", "*;q=0", "identity",
                         "gzipped", ",,,", ";q=1"})
    EXPECT_FALSE(accepts_gzip(no)) << no;
}

}  // namespace
}  // namespace siaga::server::gzip_test
