// Hand-entered reference data for the SCHEMATIC Pulau Ambon network. Nothing here was copied from
// a map or dataset. Positions are the author's approximations of where places lie (rounded to
// about 100 m) from general geographic knowledge of Ambon, then checked against the reference
// elevation grid in ../shared/data/ambon/ (tests/ambon_reference_test.cpp): every place within
// the grid's coverage lies on land, and the outline agrees with it on ~98 % of the covered cells.
// See geodata/ambon/README.md.
#pragma once

#include <span>
#include <string_view>

namespace siaga::synth::ambon {

struct Coordinate {
  double lat;
  double lon;
};

// The island's coastline as one ring, clockwise from the Poka side of the Galala–Poka narrows:
// Teluk Ambon's north shore west to Leihitu Barat, the north coast, the east coast, Teluk Baguala,
// Leitimur, Teluk Ambon's south shore back to Galala, and round the inner bay (Teluk Ambon Dalam)
// to Passo and back to Poka.
std::span<const Coordinate> coastline();

enum class PlaceKind { city, village, junction, bridge_head, port, airport };

struct Place {
  std::string_view name;
  Coordinate position;
  PlaceKind kind;
  int grid_radius;  // local street grid: (2r+1)² blocks at most, 0 for none
  bool roundabout;  // corridors meet on a roundabout instead of a plain junction
};
std::span<const Place> places();

struct Corridor {
  std::string_view highway;
  std::string_view name;                  // empty when the real name is not known to us
  std::string_view maxspeed;              // empty when untagged
  std::span<const std::string_view> via;  // place names, in driving order (two-way roads)
  bool bridge = false;
};
std::span<const Corridor> corridors();

struct NamedLine {
  std::string_view name;
  std::span<const Coordinate> points;
};
std::span<const NamedLine> rivers();

struct FacilitySpec {
  std::string_view key;    // amenity or emergency
  std::string_view value;  // hospital, clinic, fire_station, police, ambulance_station
  std::string_view name;
  Coordinate position;
};
std::span<const FacilitySpec> facilities();

}  // namespace siaga::synth::ambon
