// Place search on the schematic island: every facility found first by its own name, streets found
// through typos and abbreviations, settlements from the OSM file's place nodes, and "A dekat B"
// at the point of A that a brute-force scan finds nearest B.
#include "siaga/dispatch/place_search.h"

#include <gtest/gtest.h>

#include <random>

#include "siaga/geodata/osm_import.h"
#include "test_support.h"

namespace siaga::dispatch::place_search_test {
namespace {

namespace fs = std::filesystem;

const PlaceIndex& island_index() {
  static const auto places = geodata::load_named_places(test::ambon_schematic_pbf());
  static const auto seats =
      load_area_seats(test::source_dir / "geodata/ambon/kecamatan-seats.json");
  static const PlaceIndex index(test::ambon().network, places, seats);
  return index;
}

TEST(PlaceSearch, NormalisesCaseAndIndonesianAbbreviations) {
  EXPECT_EQ(normalise_place("Jl. Sultan Hasanuddin"),
            (std::vector<std::string>{"jalan", "sultan", "hasanuddin"}));
  EXPECT_EQ(normalise_place("JLN.  sultan-hasanuddin"),
            (std::vector<std::string>{"jalan", "sultan", "hasanuddin"}));
  EXPECT_EQ(normalise_place("RSUD dr. M. Haulussy"),
            (std::vector<std::string>{"rumah", "sakit", "umum", "daerah", "dr", "m", "haulussy"}));
  EXPECT_EQ(normalise_place("Negeri Soya"), (std::vector<std::string>{"desa", "soya"}));
  EXPECT_TRUE(normalise_place(" ,.;- ").empty());
  EXPECT_EQ(edit_distance("haulussy", "haulusy", 2), 1u);
  EXPECT_EQ(edit_distance("galala", "galala", 2), 0u);
  EXPECT_EQ(edit_distance("passo", "poka", 1), 2u);  // gave up past the limit
}

TEST(PlaceSearch, EveryFacilityIsFoundFirstByItsOwnName) {
  const PlaceIndex& index = island_index();
  const auto& facilities = test::ambon().network.facilities;
  ASSERT_GT(facilities.size(), 10u);
  for (const geodata::Facility& facility : facilities) {
    const auto hits = index.search(facility.name, 3);
    ASSERT_FALSE(hits.empty()) << facility.name;
    // Two facilities may share a name (a post and its station); the first is one of them.
    EXPECT_EQ(hits[0].name, facility.name);
    EXPECT_DOUBLE_EQ(hits[0].score, 1.0) << facility.name;
  }
  const auto hospital = index.search("rs haulusy", 1);  // abbreviated, and a letter missing
  ASSERT_EQ(hospital.size(), 1u);
  EXPECT_NE(hospital[0].name.find("Haulussy"), std::string::npos);
  EXPECT_EQ(hospital[0].kind, "hospital");
}

// Up to `most` of the network's street names, each with one letter of its longest word replaced
// (what a hurried call taker types): how many were tried, and how many of those came back among
// the first three.
std::pair<size_t, size_t> streets_through_a_typo(const PlaceIndex& index,
                                                 const geodata::RoadNetwork& network, size_t most) {
  std::vector<std::string> names;  // of the streets in the graph (a way may have lost all its arcs)
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc)
    if (!network.way_name[network.arc_way[arc]].empty())
      names.push_back(network.way_name[network.arc_way[arc]]);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::mt19937 random(17);
  std::shuffle(names.begin(), names.end(), random);
  size_t tried = 0, found = 0;
  for (const std::string& name : names) {
    std::string typo = name;
    size_t start = 0, longest = 0, at = 0;
    for (size_t i = 0; i <= typo.size(); ++i) {
      if (i == typo.size() || typo[i] == ' ') {
        if (i - start > longest) longest = i - start, at = start;
        start = i + 1;
      }
    }
    if (longest < 5) continue;
    typo[at + longest / 2] = typo[at + longest / 2] == 'x' ? 'y' : 'x';
    const auto hits = index.search(typo, 3);
    const bool hit =
        std::any_of(hits.begin(), hits.end(), [&](const PlaceHit& h) { return h.name == name; });
    found += hit;
    if (!hit)
      ADD_FAILURE_AT(__FILE__, __LINE__) << "\"" << typo << "\" did not find \"" << name << "\"";
    if (++tried == most) break;
  }
  return {tried, found};
}

TEST(PlaceSearch, StreetsAreFoundThroughATypoAmongTheFirstThree) {
  const auto [tried, found] = streets_through_a_typo(island_index(), test::ambon().network, 40);
  EXPECT_GE(tried, 10u);
  EXPECT_EQ(found, tried);
  EXPECT_TRUE(island_index().search("qqqzzzx wwwv", 5).empty());
  EXPECT_TRUE(island_index().search("  ", 5).empty());
}

// Kota Ambon's real street names (../shared/data, absent on a user's clone).
TEST(PlaceSearch, RealAmbonStreetsAreFoundThroughATypo) {
  const auto pbf = test::shared_data("ambon/kota-ambon-osm/kota-ambon-2025-09-17.osm.pbf");
  if (!pbf) GTEST_SKIP() << "no ../shared/data/ambon/kota-ambon-osm";
  const geodata::RoadNetwork network = geodata::import_osm(*pbf).network;
  const PlaceIndex index(network, geodata::load_named_places(*pbf), {});
  const auto [tried, found] = streets_through_a_typo(index, network, 150);
  EXPECT_GE(tried, 80u);
  EXPECT_EQ(found, tried);
  // OSM spells it with one "d"; a caller abbreviates and writes two.
  const auto hits = index.search("jl sultan hasanuddin", 1);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].name, "Jalan Sultan Hasanudin");
}

TEST(PlaceSearch, SettlementsAndKecamatanComeFromTheData) {
  const PlaceIndex& index = island_index();
  const auto places = geodata::load_named_places(test::ambon_schematic_pbf());
  size_t settlements = 0;
  for (const geodata::NamedPlace& place : places) {
    if (!place.settlement) continue;
    ++settlements;
    const auto hits = index.search("desa " + place.name, 5);
    ASSERT_FALSE(hits.empty()) << place.name;
    const bool found = std::any_of(hits.begin(), hits.end(), [&](const PlaceHit& hit) {
      return hit.name == place.name && hit.kind == place.kind;
    });
    EXPECT_TRUE(found) << place.name;
  }
  EXPECT_GT(settlements, 10u);
  const auto sirimau = index.search("kec. sirimau", 1);
  ASSERT_EQ(sirimau.size(), 1u);
  EXPECT_EQ(sirimau[0].kind, "kecamatan");
}

TEST(PlaceSearch, ADekatBIsThePointOfANearestB) {
  const PlaceIndex& index = island_index();
  const auto& network = test::ambon().network;
  // The longest named street, near each hospital.
  std::map<std::string, size_t> arcs_of;
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc)
    ++arcs_of[network.way_name[network.arc_way[arc]]];
  arcs_of.erase("");
  const std::string street =
      std::max_element(arcs_of.begin(), arcs_of.end(), [](const auto& a, const auto& b) {
        return a.second < b.second;
      })->first;
  const auto tails = geodata::arc_tails(network);
  for (const geodata::Facility& facility : network.facilities) {
    if (facility.kind != geodata::FacilityKind::hospital) continue;
    const auto hits = index.search(street + " dekat " + facility.name, 1);
    ASSERT_EQ(hits.size(), 1u) << street << " / " << facility.name;
    EXPECT_EQ(hits[0].name, street);
    EXPECT_EQ(hits[0].near, facility.name);
    // Brute force: the middle of every arc of the street, the nearest to the hospital.
    double best = 1e18;
    for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
      if (network.way_name[network.arc_way[arc]] != street) continue;
      const auto a = network.node_position[tails[arc]],
                 b = network.node_position[network.arc_head[arc]];
      best = std::min(best, geodata::haversine_m({(a.lat + b.lat) / 2, (a.lon + b.lon) / 2},
                                                 facility.position));
    }
    EXPECT_NEAR(hits[0].near_m, best, 0.01) << facility.name;
    EXPECT_NEAR(geodata::haversine_m(hits[0].position, facility.position), best, 0.01);
  }
}

}  // namespace
}  // namespace siaga::dispatch::place_search_test
