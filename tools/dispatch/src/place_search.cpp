#include "siaga/dispatch/place_search.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace siaga::dispatch {

namespace {

// How callers and OSM mappers shorten words, written out.
const std::map<std::string, std::vector<std::string>, std::less<>> abbreviations = {
    {"jl", {"jalan"}},
    {"jln", {"jalan"}},
    {"gg", {"gang"}},
    {"rs", {"rumah", "sakit"}},
    {"rsu", {"rumah", "sakit", "umum"}},
    {"rsud", {"rumah", "sakit", "umum", "daerah"}},
    {"rsup", {"rumah", "sakit", "umum", "pusat"}},
    {"rst", {"rumah", "sakit", "tentara"}},
    {"negeri", {"desa"}},  // Maluku's customary villages
    {"ds", {"desa"}},
    {"kel", {"kelurahan"}},
    {"kec", {"kecamatan"}},
    {"psr", {"pasar"}},
    {"mesjid", {"masjid"}},
    {"msj", {"masjid"}},
    {"grj", {"gereja"}},
    {"dkt", {"dekat"}},
    {"tlk", {"teluk"}},
};

// Words that say what kind of place, not which: they count little, and need not match.
const std::set<std::string, std::less<>> generic_words = {
    "jalan", "gang", "rumah", "sakit", "umum", "daerah",    "pusat",     "tentara", "desa",
    "kota",  "dr",   "di",    "dan",   "the",  "kelurahan", "kecamatan", "pos",     "kantor"};

// "A dekat B": A found at its point nearest B.
const std::set<std::string, std::less<>> near_words = {"dekat",   "near",     "depan",   "samping",
                                                       "sebelah", "belakang", "seberang"};

// A shortened or synonym word kept in a name beside its expansion counts as generic too.
bool generic(std::string_view word) {
  return generic_words.count(word) > 0 || abbreviations.count(word) > 0;
}

// How well one word of the query matches one word of a name.
double word_similarity(std::string_view query, std::string_view word) {
  if (query == word) return 1;
  if (query.size() >= 3 && word.starts_with(query)) return 0.85;
  const size_t shorter = std::min(query.size(), word.size());
  if (shorter < 4) return 0;
  const size_t distance = edit_distance(query, word, 2);
  if (distance == 1) return 0.75;
  if (distance == 2 && shorter >= 7) return 0.55;
  return 0;
}

double best_similarity(std::string_view query, const std::vector<std::string>& words) {
  double best = 0;
  for (const std::string& word : words) best = std::max(best, word_similarity(query, word));
  return best;
}

geodata::LatLon nearest_point(const std::vector<geodata::LatLon>& points, geodata::LatLon to,
                              double& metres) {
  geodata::LatLon best = points.front();
  metres = geodata::haversine_m(best, to);
  for (const geodata::LatLon& point : points) {
    const double m = geodata::haversine_m(point, to);
    if (m < metres) best = point, metres = m;
  }
  return best;
}

}  // namespace

std::vector<std::string> normalise_place(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  const auto flush = [&] {
    if (word.empty()) return;
    const auto found = abbreviations.find(word);
    if (found == abbreviations.end()) {
      words.push_back(word);
    } else {
      words.insert(words.end(), found->second.begin(), found->second.end());
    }
    word.clear();
  };
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || byte >= 0x80) {
      word += static_cast<char>(std::tolower(byte));
    } else {
      flush();
    }
  }
  flush();
  return words;
}

size_t edit_distance(std::string_view a, std::string_view b, size_t limit) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
  std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    size_t row_best = current[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      current[j] = std::min(
          {previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      row_best = std::min(row_best, current[j]);
    }
    if (row_best > limit) return limit + 1;
    std::swap(previous, current);
  }
  return std::min(previous[b.size()], limit + 1);
}

namespace {

// A name's words: written out as a query's are, and as they stand, so that a misspelt "Negxri"
// still finds the "Negeri" that normalising turned into "desa".
std::vector<std::string> name_tokens(std::string_view name) {
  std::vector<std::string> tokens = normalise_place(name);
  std::string word;
  for (const char c : std::string(name) + " ") {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || byte >= 0x80) {
      word += static_cast<char>(std::tolower(byte));
    } else if (!word.empty()) {
      if (abbreviations.count(word)) tokens.push_back(word);
      word.clear();
    }
  }
  return tokens;
}

}  // namespace

PlaceIndex::PlaceIndex(const geodata::RoadNetwork& network,
                       std::span<const geodata::NamedPlace> places,
                       std::span<const AreaSeat> kecamatan) {
  std::set<std::string> facility_names;
  for (const geodata::Facility& facility : network.facilities) {
    entries_.push_back({facility.name,
                        std::string(geodata::facility_kind_name(facility.kind)),
                        0,
                        name_tokens(facility.name),
                        {facility.position},
                        facility.position});
    facility_names.insert(facility.name);
  }
  for (const AreaSeat& seat : kecamatan) {
    std::vector<std::string> tokens = name_tokens("kecamatan " + seat.name);
    entries_.push_back({seat.name, "kecamatan", 1, tokens, {seat.position}, seat.position});
  }
  for (const geodata::NamedPlace& place : places) {
    if (facility_names.count(place.name)) continue;  // the facility says it already
    std::vector<std::string> tokens = name_tokens((place.settlement ? "desa " : "") + place.name);
    entries_.push_back({place.name,
                        place.kind,
                        place.settlement ? 1 : 2,
                        tokens,
                        {place.position},
                        place.position});
  }
  // Streets: every arc's middle under its way's name, one entry per name.
  std::map<std::string, std::vector<geodata::LatLon>> streets;
  for (uint32_t tail = 0; tail < network.map_node_count(); ++tail) {  // copies: the same streets
    for (uint32_t arc = network.first_out[tail]; arc < network.first_out[tail + 1]; ++arc) {
      const std::string& name = network.way_name[network.arc_way[arc]];
      if (name.empty()) continue;  // both directions of a two-way street: the same middle twice
      const auto a = network.node_position[tail], b = network.node_position[network.arc_head[arc]];
      streets[name].push_back({(a.lat + b.lat) / 2, (a.lon + b.lon) / 2});
    }
  }
  for (auto& [name, points] : streets) {
    geodata::LatLon mean{0, 0};
    for (const auto& p : points) mean.lat += p.lat, mean.lon += p.lon;
    mean.lat /= static_cast<double>(points.size());
    mean.lon /= static_cast<double>(points.size());
    double unused = 0;
    const geodata::LatLon centre = nearest_point(points, mean, unused);
    entries_.push_back({name, "street", 2, name_tokens(name), std::move(points), centre});
  }
}

std::vector<PlaceIndex::Scored> PlaceIndex::matches(const std::vector<std::string>& query) const {
  std::vector<Scored> found;
  for (const Entry& entry : entries_) {
    double total = 0, weights = 0;
    bool every_distinctive_word = true;
    for (const std::string& word : query) {
      const double weight = generic(word) ? 0.3 : 1.0;
      const double similarity = best_similarity(word, entry.tokens);
      if (similarity == 0 && !generic(word)) every_distinctive_word = false;
      total += weight * similarity;
      weights += weight;
    }
    if (!every_distinctive_word || weights == 0 || total == 0) continue;
    // Words of the name the query did not say lower it a little: "Soya" before "Jalan Soya Atas".
    size_t unsaid = 0;
    for (const std::string& token : entry.tokens)
      if (!generic(token) && best_similarity(token, query) == 0) ++unsaid;
    found.push_back({&entry, std::max(0.01, total / weights - 0.03 * static_cast<double>(unsaid))});
  }
  std::sort(found.begin(), found.end(), [](const Scored& a, const Scored& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.entry->rank != b.entry->rank) return a.entry->rank < b.entry->rank;
    return a.entry->name < b.entry->name;
  });
  return found;
}

std::vector<PlaceHit> PlaceIndex::of_kinds(std::span<const std::string_view> kinds) const {
  std::vector<PlaceHit> out;
  for (const Entry& entry : entries_)
    if (std::find(kinds.begin(), kinds.end(), entry.kind) != kinds.end())
      out.push_back({entry.name, entry.kind, entry.centre, 1, {}, 0});
  return out;
}

std::vector<PlaceHit> PlaceIndex::search(std::string_view text, size_t limit) const {
  const std::vector<std::string> words = normalise_place(text);
  std::vector<PlaceHit> hits;
  size_t split = 0;
  for (size_t i = 1; i + 1 < words.size() && split == 0; ++i)
    if (near_words.count(words[i])) split = i;
  if (split == 0) {
    for (const Scored& scored : matches(words)) {
      if (hits.size() == limit) break;
      hits.push_back(
          {scored.entry->name, scored.entry->kind, scored.entry->centre, scored.score, {}, 0});
    }
    return hits;
  }
  // "A dekat B": B decides where; each A at its point nearest B, the nearest first among equals.
  const std::vector<std::string> place(words.begin(), words.begin() + split);
  const std::vector<std::string> anchor_words(words.begin() + split + 1, words.end());
  const std::vector<Scored> anchors = matches(anchor_words);
  if (anchors.empty()) return {};
  const Entry& anchor = *anchors.front().entry;
  for (const Scored& scored : matches(place)) {
    PlaceHit hit{scored.entry->name, scored.entry->kind, {}, scored.score, anchor.name, 0};
    hit.position = nearest_point(scored.entry->points, anchor.centre, hit.near_m);
    hits.push_back(hit);
  }
  std::stable_sort(hits.begin(), hits.end(), [](const PlaceHit& a, const PlaceHit& b) {
    const double a_score = std::round(a.score * 20), b_score = std::round(b.score * 20);
    if (a_score != b_score) return a_score > b_score;
    return a.near_m < b.near_m;
  });
  if (hits.size() > limit) hits.resize(limit);
  return hits;
}

}  // namespace siaga::dispatch
