// Place search (GET /v1/places): queries as call takers type them (abbreviated, misspelt, "A dekat
// B") against the island's index, beside the naive baseline: a case-insensitive substring scan of
// every name, which finds no typo and no "dekat".
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cctype>

#include "island.h"
#include "siaga/dispatch/place_search.h"

namespace places_bench {
namespace {

using namespace siaga;

struct Places {
  std::vector<geodata::NamedPlace> named = geodata::load_named_places(bench::ambon_pbf());
  dispatch::PlaceIndex index{bench::network(), named, {}};
  std::vector<std::string> queries;
  std::vector<std::string> names;  // every name the index holds, lower case, for the baseline

  Places() {
    const auto& network = bench::network();
    for (const auto& facility : network.facilities) names.push_back(facility.name);
    for (const auto& place : named) names.push_back(place.name);
    for (const auto& name : network.way_name)
      if (!name.empty()) names.push_back(name);
    for (std::string& name : names)
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    queries = {"rs haulusy",
               "jl sultan hasanudin",
               "passo",
               "desa galala",
               "kec sirimau",
               "pos damkar",
               "jalan pattimura dekat rsud haulussy",
               "polsek baguala",
               "pasar mardika",
               "negeri soya"};
  }
};

const Places& places() {
  static const Places instance;
  return instance;
}

void search(benchmark::State& state) {
  const Places& p = places();
  size_t found = 0;
  for (auto _ : state)
    for (const std::string& query : p.queries) found += p.index.search(query, 5).size();
  state.counters["queries"] = static_cast<double>(p.queries.size());
  state.counters["entries"] = static_cast<double>(p.index.size());
  benchmark::DoNotOptimize(found);
}
BENCHMARK(search)->Name("places/search")->Unit(benchmark::kMicrosecond);

void substring_scan(benchmark::State& state) {
  const Places& p = places();
  size_t found = 0;
  for (auto _ : state)
    for (const std::string& query : p.queries)
      for (const std::string& name : p.names) found += name.find(query) != std::string::npos;
  state.counters["names"] = static_cast<double>(p.names.size());
  benchmark::DoNotOptimize(found);
}
BENCHMARK(substring_scan)->Name("places/substring_scan")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace places_bench
