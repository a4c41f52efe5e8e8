// The embedded schematic island: size, topology that must hold, one-ways, snapping limits, and
// reproducibility of the generator.
#include "siaga/synth/schematic_island.h"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <fstream>
#include <iterator>

#include "siaga/geodata/snapper.h"
#include "siaga/routing/route.h"
#include "test_support.h"

namespace siaga::schematic_island_test {
namespace {

using geodata::LatLon;
using geodata::RoadNetwork;

const LatLon batu_merah{-3.6850, 128.1930};
const LatLon rumah_tiga{-3.6580, 128.1850};
const LatLon city_centre{-3.6960, 128.1830};
const LatLon airport{-3.7106, 128.0892};

routing::Route route(const RoadNetwork& network, std::span<const uint32_t> weights, LatLon from,
                     LatLon to) {
  const geodata::Snapper snapper(network);
  routing::Dijkstra engine(network);
  return routing::route_between(network, weights, snapper.snap(from), snapper.snap(to), engine);
}

// Car weights with every arc that has any of `flags` closed.
std::vector<uint32_t> without(const RoadNetwork& network, uint8_t flags) {
  std::vector<uint32_t> weights = network.arc_time_ms;
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    if (network.arc_flags[arc] & flags) weights[arc] = routing::blocked;
  }
  return weights;
}

bool crosses(const RoadNetwork& network, const routing::Route& r, uint8_t flag) {
  return std::any_of(r.arcs.begin(), r.arcs.end(),
                     [&](uint32_t arc) { return (network.arc_flags[arc] & flag) != 0; });
}

TEST(Ambon, IsLabelledSchematicAndIslandSized) {
  const RoadNetwork& network = test::ambon().network;
  EXPECT_EQ(network.dataset, "ambon-schematic");
  EXPECT_TRUE(network.schematic);
  EXPECT_GE(network.node_count(), 20000u);
  EXPECT_LE(network.node_count(), 60000u);
  // The plantation fragment is the one component the importer must drop.
  EXPECT_EQ(test::ambon().report.components, 2u);
  EXPECT_EQ(test::ambon().report.nodes_dropped, 16u);
}

TEST(Ambon, HasFacilitiesOfEveryKind) {
  std::map<geodata::FacilityKind, int> count;
  for (const auto& facility : test::ambon().network.facilities) ++count[facility.kind];
  EXPECT_GE(count[geodata::FacilityKind::hospital], 5);
  EXPECT_GE(count[geodata::FacilityKind::fire_station], 3);
  EXPECT_GE(count[geodata::FacilityKind::police], 3);
}

TEST(Ambon, AcrossTelukAmbonTheBridgeIsShorterThanAroundTheBay) {
  const RoadNetwork& network = test::ambon().network;
  const routing::Route direct = route(network, network.arc_time_ms, batu_merah, rumah_tiga);
  ASSERT_TRUE(direct.found);
  EXPECT_TRUE(crosses(network, direct, geodata::arc_bridge));
  const routing::Route around = route(
      network, without(network, geodata::arc_bridge | geodata::arc_ferry), batu_merah, rumah_tiga);
  ASSERT_TRUE(around.found);
  EXPECT_FALSE(crosses(network, around, geodata::arc_bridge));
  EXPECT_LT(direct.distance_m * 2, around.distance_m);
  EXPECT_LT(direct.duration_ms, around.duration_ms);
}

TEST(Ambon, AirportFromTheCityViaTheBridge) {
  const RoadNetwork& network = test::ambon().network;
  const routing::Route via_bridge = route(network, network.arc_time_ms, city_centre, airport);
  const routing::Route around = route(
      network, without(network, geodata::arc_bridge | geodata::arc_ferry), city_centre, airport);
  ASSERT_TRUE(via_bridge.found);
  ASSERT_TRUE(around.found);
  EXPECT_TRUE(crosses(network, via_bridge, geodata::arc_bridge));
  EXPECT_LT(via_bridge.distance_m + 5000, around.distance_m);
}

TEST(Ambon, LeitimurAndLeihituMeetOnlyAtPassoTheBridgeAndTheFerry) {
  const RoadNetwork& network = test::ambon().network;
  const LatLon passo{-3.6400, 128.2520};
  std::vector<uint32_t> weights = without(network, geodata::arc_bridge | geodata::arc_ferry);
  ASSERT_TRUE(route(network, weights, city_centre, rumah_tiga).found);  // round by Passo
  // Close every road on the Passo isthmus as well: the city is then cut off from Rumah Tiga.
  const std::vector<uint32_t> tails = geodata::arc_tails(network);
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    if (geodata::haversine_m(network.node_position[tails[arc]], passo) < 1500) {
      weights[arc] = routing::blocked;
    }
  }
  const routing::Route cut = route(network, weights, city_centre, rumah_tiga);
  EXPECT_FALSE(cut.found);
  EXPECT_FALSE(cut.reason.empty());
}

// A one-way street of the city centre, and the two points a quarter in from its ends.
struct OnewayCase {
  uint32_t arc;
  LatLon quarter, three_quarters;
};
OnewayCase city_oneway(const RoadNetwork& network) {
  const std::vector<uint32_t> tails = geodata::arc_tails(network);
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    if (network.way_name[network.arc_way[arc]] != "Jl. A. Y. Patty") continue;
    if (geodata::find_arc(network, network.arc_head[arc], tails[arc]) != geodata::invalid_id) {
      continue;
    }
    const LatLon a = network.node_position[tails[arc]];
    const LatLon b = network.node_position[network.arc_head[arc]];
    auto at = [&](double t) {
      return LatLon{a.lat + (b.lat - a.lat) * t, a.lon + (b.lon - a.lon) * t};
    };
    return {arc, at(0.25), at(0.75)};
  }
  return {geodata::invalid_id, {}, {}};
}

TEST(Ambon, OnewayStreetIsNotDrivenBackwards) {
  const RoadNetwork& network = test::ambon().network;
  const OnewayCase oneway = city_oneway(network);
  ASSERT_NE(oneway.arc, geodata::invalid_id) << "Jl. A. Y. Patty must have a one-way arc";
  const double length = network.arc_length_m[oneway.arc];
  const routing::Route along =
      route(network, network.arc_time_ms, oneway.quarter, oneway.three_quarters);
  ASSERT_TRUE(along.found);
  EXPECT_NEAR(along.distance_m, length / 2, 0.5);
  const routing::Route against =
      route(network, network.arc_time_ms, oneway.three_quarters, oneway.quarter);
  ASSERT_TRUE(against.found);
  EXPECT_GT(against.distance_m, length);  // it has to go round the block
  for (uint32_t arc : against.arcs) EXPECT_NE(arc, oneway.arc);
}

TEST(Ambon, RefusesToSnapInTheSea) {
  const RoadNetwork& network = test::ambon().network;
  const geodata::Snapper snapper(network);
  EXPECT_THROW(snapper.snap({-3.7600, 128.0500}), geodata::SnapError);  // Teluk Ambon
  EXPECT_THROW(snapper.snap({-3.9000, 128.2000}), geodata::SnapError);  // Banda Sea, off-island
  EXPECT_THROW(snapper.snap({std::nan(""), 128.2}), geodata::SnapError);
  const geodata::Snap on_land = snapper.snap(city_centre);
  EXPECT_LT(on_land.distance_m, 100);
}

TEST(Ambon, SnapIsTheFootOnTheSegmentNotTheNearestNode) {
  const RoadNetwork& network = test::ambon().network;
  const geodata::Snapper snapper(network);
  const OnewayCase oneway = city_oneway(network);
  ASSERT_NE(oneway.arc, geodata::invalid_id);
  const geodata::Snap snap = snapper.snap(oneway.quarter);
  EXPECT_NEAR(snap.fraction, 0.25, 0.01);
  EXPECT_LT(snap.distance_m, 0.5);
}

TEST(Ambon, GeneratorReproducesTheCommittedFileByteForByte) {
  const auto temporary = std::filesystem::temp_directory_path() /
                         ("siaga-synth-" + std::to_string(::getpid()) + ".osm.pbf");
  synth::write_schematic_ambon(temporary, synth::default_synth_seed);
  auto bytes = [](const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string generated = bytes(temporary);
  std::filesystem::remove(temporary);
  EXPECT_FALSE(generated.empty());
  EXPECT_TRUE(generated == bytes(test::ambon_schematic_pbf()))
      << "run `siaga synth-ambon` and commit geodata/ambon/ambon-schematic.osm.pbf";
}

TEST(Ambon, TheLandFileIsTheGeneratorsAndHoldsTheRoads) {
  const auto land_file = test::source_dir / "geodata/ambon/land-schematic.geojson";
  std::ifstream in(land_file);
  const std::string committed(std::istreambuf_iterator<char>(in), {});
  EXPECT_EQ(committed, synth::schematic_land_geojson())
      << "run `siaga synth-ambon` and commit geodata/ambon/land-schematic.geojson";
  // GDAL reads the polygon (a reader of its own) and says which nodes stand on it: all but the
  // bridge, the ferry's ends and the odd shore street.
  GDALAllRegister();
  std::unique_ptr<GDALDataset> dataset(
      GDALDataset::Open(land_file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  ASSERT_TRUE(dataset);
  OGRLayer* layer = dataset->GetLayer(0);
  ASSERT_EQ(layer->GetFeatureCount(), 1);
  std::unique_ptr<OGRFeature> feature(layer->GetNextFeature());
  const OGRGeometry* land = feature->GetGeometryRef();
  ASSERT_TRUE(land && land->IsValid()) << "the coastline crosses itself";
  const auto& network = test::ambon().network;
  size_t on_land = 0;
  for (const geodata::LatLon& node : network.node_position) {
    OGRPoint point(node.lon, node.lat);
    on_land += land->Contains(&point);
  }
  EXPECT_GE(static_cast<double>(on_land) / network.node_count(), 0.97);
}

}  // namespace
}  // namespace siaga::schematic_island_test
