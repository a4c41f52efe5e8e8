// Paths and shared fixtures for the test suite.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>

#include "siaga/geodata/osm_import.h"
#include "siaga/routing/cch.h"

namespace siaga::test {

// How many random cases an oracle test checks: `n`, times $SIAGA_TEST_SCALE when set. The
// sanitizer run sets it below 1, since its instrumented code is several times slower; the
// Release run checks every case.
inline int scaled(int n) {
  const char* scale = std::getenv("SIAGA_TEST_SCALE");
  if (!scale) return n;
  return std::max(1, static_cast<int>(n * std::atof(scale)));
}

inline std::filesystem::path test_data(const char* name) {
  return std::filesystem::path(SIAGA_TEST_DATA_DIR) / name;
}

inline std::filesystem::path ambon_schematic_pbf() {
  return std::filesystem::path(SIAGA_SOURCE_DIR) / "geodata/ambon/ambon-schematic.osm.pbf";
}

// ../shared/data beside the repository: present on the developers' machines and in CI, absent
// on a user's clone, where the tests that need it skip.
inline std::optional<std::filesystem::path> shared_data(const char* relative) {
  const std::filesystem::path path = std::filesystem::path(SIAGA_SHARED_DATA_DIR) / relative;
  if (!std::filesystem::exists(path)) return std::nullopt;
  return path;
}

// The embedded island, imported once per test process.
inline const geodata::ImportResult& ambon() {
  static const geodata::ImportResult result = geodata::import_osm(ambon_schematic_pbf());
  return result;
}

// Its contraction hierarchy, built once per test process.
inline const routing::Cch& ambon_cch() {
  static const routing::Cch cch = routing::Cch::build(ambon().network);
  return cch;
}

// Polls until `done` holds or the time is up.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace siaga::test
