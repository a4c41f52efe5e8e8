// Place search for the call taker: callers name places ("Jalan Sultan Hasanuddin, dekat Gereja
// Maranatha"), not coordinates. An offline index of the data's own names: streets, settlements
// and landmarks of the OSM file, the dispatch facilities, the kecamatan. Tolerant of case,
// punctuation, Indonesian abbreviations (jl./jln./jalan, rs/rumah sakit, desa/negeri, …) and
// typos (edit distance 1, 2 for long words); "A dekat B" finds A at its point nearest B.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "siaga/dispatch/scenario.h"
#include "siaga/geodata/named_places.h"
#include "siaga/geodata/road_network.h"

namespace siaga::dispatch {

// Lower case, punctuation to spaces, abbreviations written out: "Jl. Sultan Hasanuddin" →
// {jalan, sultan, hasanuddin}; "RSUD dr. M. Haulussy" → {rumah, sakit, umum, daerah, dr, m,
// haulussy}; "Negeri Soya" → {desa, soya}.
std::vector<std::string> normalise_place(std::string_view text);

// Levenshtein distance, giving up (returning limit + 1) once it exceeds `limit`.
size_t edit_distance(std::string_view a, std::string_view b, size_t limit);

struct PlaceHit {
  std::string name;
  std::string kind;  // street, kecamatan, village, hospital, church, …
  geodata::LatLon position;
  double score = 0;  // 1: every word of the query matched exactly
  std::string near;  // with "A dekat B": B's name, and how far A's point is from it
  double near_m = 0;
};

class PlaceIndex {
 public:
  PlaceIndex(const geodata::RoadNetwork& network, std::span<const geodata::NamedPlace> places,
             std::span<const AreaSeat> kecamatan);

  // The best `limit` places for the query, best first; empty for a query with no word in it or
  // nothing that matches.
  std::vector<PlaceHit> search(std::string_view query, size_t limit) const;

  size_t size() const { return entries_.size(); }

  // Every place of these kinds (kecamatan, village, …) at its point, for the map's labels.
  std::vector<PlaceHit> of_kinds(std::span<const std::string_view> kinds) const;

 private:
  struct Entry {
    std::string name;
    std::string kind;
    int rank = 0;  // among equal scores: facilities and areas before streets and landmarks
    std::vector<std::string> tokens;
    std::vector<geodata::LatLon> points;  // a street's arc middles; one point otherwise
    geodata::LatLon centre;               // the point shown when nothing else decides
  };
  struct Scored {
    const Entry* entry;
    double score;
  };
  std::vector<Scored> matches(const std::vector<std::string>& query) const;

  std::vector<Entry> entries_;
};

}  // namespace siaga::dispatch
