#include "siaga/synth/ambon_schematic_data.h"

#include <array>

namespace siaga::synth::ambon {

namespace {

constexpr Coordinate coast[] = {
    // Teluk Ambon, north shore (Leihitu), from the Poka narrows south-west.
    {-3.6600, 128.1990},
    {-3.6650, 128.1750},
    {-3.6700, 128.1500},
    {-3.6800, 128.1320},
    {-3.6900, 128.1150},
    {-3.7000, 128.1070},
    {-3.7150, 128.0980},
    {-3.7230, 128.0800},
    {-3.7260, 128.0600},
    {-3.7350, 128.0380},
    {-3.7500, 128.0250},
    {-3.7650, 128.0200},
    {-3.7750, 128.0050},
    {-3.7800, 127.9900},
    {-3.7780, 127.9650},
    {-3.7700, 127.9500},
    // West coast of Leihitu Barat.
    {-3.7500, 127.9250},
    {-3.7100, 127.9150},
    {-3.6700, 127.9250},
    {-3.6600, 127.9550},
    {-3.6450, 127.9650},
    {-3.6300, 127.9900},
    {-3.6150, 128.0050},
    {-3.6000, 128.0250},
    // North coast (Leihitu, Salahutu) to the Liang headland.
    {-3.5850, 128.0600},
    {-3.5800, 128.1000},
    {-3.5750, 128.1400},
    {-3.5600, 128.1800},
    {-3.5450, 128.2200},
    {-3.5250, 128.2700},
    {-3.5050, 128.3100},
    {-3.5000, 128.3350},
    // East coast of Salahutu.
    {-3.5300, 128.3450},
    {-3.5600, 128.3400},
    {-3.5900, 128.3400},
    {-3.6200, 128.3500},
    {-3.6400, 128.3550},
    // Teluk Baguala, north shore, west to the Passo isthmus.
    {-3.6450, 128.3300},
    {-3.6300, 128.3000},
    {-3.6300, 128.2750},
    {-3.6350, 128.2600},
    // Leitimur, east coast (Teluk Baguala) and south coast.
    {-3.6550, 128.2700},
    {-3.6750, 128.2900},
    {-3.7000, 128.3000},
    {-3.7250, 128.2900},
    {-3.7400, 128.2700},
    {-3.7400, 128.2470},
    {-3.7460, 128.2250},
    {-3.7480, 128.2000},
    {-3.7480, 128.1800},
    {-3.7530, 128.1650},
    {-3.7650, 128.1500},
    {-3.7750, 128.1330},
    {-3.7850, 128.1150},
    {-3.7900, 128.0980},
    // Teluk Ambon, south shore (Leitimur), from Tanjung Nusaniwe north-east to Galala.
    {-3.7770, 128.1000},
    {-3.7650, 128.1200},
    {-3.7500, 128.1290},
    {-3.7350, 128.1370},
    {-3.7200, 128.1470},
    {-3.7100, 128.1530},
    {-3.7030, 128.1650},
    {-3.6980, 128.1740},
    {-3.6900, 128.1790},
    {-3.6820, 128.1860},
    {-3.6740, 128.1900},
    {-3.6670, 128.1990},
    {-3.6600, 128.2075},
    // Teluk Ambon Dalam: south shore east to Passo, north shore back west to Poka.
    {-3.6560, 128.2230},
    {-3.6500, 128.2330},
    {-3.6470, 128.2370},
    {-3.6400, 128.2420},
    {-3.6320, 128.2380},
    {-3.6320, 128.2300},
    {-3.6370, 128.2150},
    {-3.6450, 128.2030},
    {-3.6520, 128.1995},
};

using K = PlaceKind;
constexpr Place place_table[] = {
    // Kota Ambon on Leitimur.
    {"Ambon", {-3.6960, 128.1830}, K::city, 22, false},
    {"Batu Merah", {-3.6850, 128.1930}, K::village, 8, false},
    {"Galala", {-3.6700, 128.2000}, K::village, 5, false},
    {"Halong", {-3.6610, 128.2170}, K::village, 5, false},
    {"Lateri", {-3.6550, 128.2320}, K::village, 5, false},
    {"Passo", {-3.6400, 128.2520}, K::village, 8, true},
    {"Benteng", {-3.7060, 128.1720}, K::village, 6, false},
    {"Amahusu", {-3.7260, 128.1520}, K::village, 5, false},
    {"Eri", {-3.7450, 128.1380}, K::village, 4, false},
    {"Latuhalat", {-3.7740, 128.1200}, K::village, 6, false},
    {"Soya", {-3.7120, 128.2000}, K::village, 3, false},
    {"Kilang", {-3.7280, 128.2050}, K::village, 3, false},
    {"Naku", {-3.7380, 128.2250}, K::village, 3, false},
    {"Hukurila", {-3.7400, 128.2350}, K::village, 3, false},
    {"Ema", {-3.7300, 128.2650}, K::village, 3, false},
    {"Rutong", {-3.7200, 128.2850}, K::village, 3, false},
    {"Hutumuri", {-3.6950, 128.2900}, K::village, 4, false},
    {"Toisapu", {-3.6750, 128.2800}, K::village, 2, false},
    // Teluk Ambon's north shore (Leihitu): Poka to the airport.
    {"Poka", {-3.6480, 128.1960}, K::village, 6, false},
    {"Simpang Jembatan Merah Putih", {-3.6555, 128.1940}, K::junction, 0, false},
    {"Rumah Tiga", {-3.6580, 128.1850}, K::village, 6, false},
    {"Wayame", {-3.6620, 128.1650}, K::village, 5, false},
    {"Tawiri Timur", {-3.6700, 128.1400}, K::junction, 0, false},
    {"Tawiri", {-3.6800, 128.1250}, K::village, 4, false},
    {"Laha", {-3.7050, 128.0920}, K::village, 5, false},
    {"Bandara Pattimura", {-3.7106, 128.0892}, K::airport, 0, false},
    // Leihitu Barat and the north coast.
    {"Hatu", {-3.7300, 128.0380}, K::village, 3, false},
    {"Liliboi", {-3.7500, 128.0180}, K::village, 3, false},
    {"Allang", {-3.7650, 128.0000}, K::village, 4, false},
    {"Wakasihu", {-3.7700, 127.9700}, K::village, 3, false},
    {"Larike", {-3.7450, 127.9350}, K::village, 3, false},
    {"Asilulu", {-3.6800, 127.9300}, K::village, 4, false},
    {"Ureng", {-3.6600, 127.9650}, K::village, 2, false},
    {"Negeri Lima", {-3.6380, 127.9850}, K::village, 3, false},
    {"Seith", {-3.6150, 128.0150}, K::village, 3, false},
    {"Kaitetu", {-3.5920, 128.0550}, K::village, 3, false},
    {"Hila", {-3.5900, 128.0750}, K::village, 4, false},
    {"Wakal", {-3.5880, 128.1000}, K::village, 3, false},
    {"Hitu", {-3.5850, 128.1250}, K::village, 6, false},
    {"Mamala", {-3.5650, 128.1850}, K::village, 4, false},
    {"Morella", {-3.5500, 128.2200}, K::village, 4, false},
    {"Liang", {-3.5150, 128.3150}, K::village, 4, false},
    {"Waai", {-3.5550, 128.3300}, K::village, 4, false},
    {"Tulehu", {-3.5880, 128.3280}, K::village, 6, false},
    {"Tengah-Tengah", {-3.6150, 128.3350}, K::village, 3, false},
    {"Tial", {-3.6350, 128.3400}, K::village, 3, false},
    {"Suli", {-3.6250, 128.2950}, K::village, 5, false},
    {"Simpang Suli", {-3.6240, 128.2650}, K::junction, 0, false},
    // Teluk Ambon Dalam's north shore.
    {"Negeri Lama", {-3.6280, 128.2450}, K::village, 3, false},
    {"Nania", {-3.6280, 128.2300}, K::village, 4, false},
    {"Waiheru", {-3.6310, 128.2180}, K::village, 4, false},
    {"Hunuth", {-3.6340, 128.2050}, K::village, 3, false},
    // The road across Leihitu from Hitu to Wayame.
    {"Lintas Hitu Utara", {-3.6100, 128.1500}, K::junction, 0, false},
    {"Lintas Hitu Selatan", {-3.6350, 128.1700}, K::junction, 0, false},
    // Crossings of the Galala–Poka narrows.
    {"Jembatan Merah Putih (Galala)", {-3.6650, 128.2045}, K::bridge_head, 0, false},
    {"Jembatan Merah Putih (Rumah Tiga)", {-3.6585, 128.1975}, K::bridge_head, 0, false},
    {"Pelabuhan Feri Galala", {-3.6625, 128.2085}, K::port, 0, false},
    {"Pelabuhan Feri Poka", {-3.6525, 128.1985}, K::port, 0, false},
};

// Corridor waypoint lists (named arrays so that spans can point at them).
constexpr std::string_view sudirman[] = {"Ambon", "Batu Merah", "Galala"};
constexpr std::string_view wattimena[] = {"Galala", "Halong", "Lateri", "Passo"};
constexpr std::string_view putuhena[] = {"Passo",   "Negeri Lama", "Nania",
                                         "Waiheru", "Hunuth",      "Poka"};
constexpr std::string_view leimena[] = {"Poka", "Simpang Jembatan Merah Putih", "Rumah Tiga",
                                        "Wayame"};
constexpr std::string_view airport_road[] = {"Wayame", "Tawiri Timur", "Tawiri", "Laha",
                                             "Bandara Pattimura"};
constexpr std::string_view bridge_south[] = {"Galala", "Jembatan Merah Putih (Galala)"};
constexpr std::string_view bridge[] = {"Jembatan Merah Putih (Galala)",
                                       "Jembatan Merah Putih (Rumah Tiga)"};
constexpr std::string_view bridge_north[] = {"Jembatan Merah Putih (Rumah Tiga)",
                                             "Simpang Jembatan Merah Putih"};
constexpr std::string_view ferry_galala[] = {"Galala", "Pelabuhan Feri Galala"};
constexpr std::string_view ferry_poka[] = {"Poka", "Pelabuhan Feri Poka"};
constexpr std::string_view leihitu_west[] = {
    "Laha",  "Hatu",        "Liliboi", "Allang",  "Wakasihu", "Larike", "Asilulu",
    "Ureng", "Negeri Lima", "Seith",   "Kaitetu", "Hila",     "Wakal",  "Hitu"};
constexpr std::string_view north_coast[] = {"Hitu",   "Mamala", "Morella",      "Liang", "Waai",
                                            "Tulehu", "Suli",   "Simpang Suli", "Passo"};
constexpr std::string_view salahutu_south[] = {"Tulehu", "Tengah-Tengah", "Tial"};
constexpr std::string_view nusaniwe[] = {"Ambon", "Benteng", "Amahusu", "Eri", "Latuhalat"};
constexpr std::string_view soya[] = {"Ambon", "Soya"};
constexpr std::string_view leitimur_hills[] = {"Batu Merah", "Kilang", "Naku", "Hukurila"};
constexpr std::string_view naku_ema[] = {"Naku", "Ema", "Rutong"};
constexpr std::string_view leitimur_east[] = {"Passo", "Toisapu", "Hutumuri", "Rutong"};
constexpr std::string_view lintas_hitu[] = {"Hitu", "Lintas Hitu Utara", "Lintas Hitu Selatan",
                                            "Wayame"};

constexpr Corridor corridor_table[] = {
    {"trunk", "Jl. Jenderal Sudirman", "40", sudirman},
    {"trunk", "Jl. Laksdya Leo Wattimena", "50", wattimena},
    {"primary", "Jl. Ir. M. Putuhena", "", putuhena},
    {"primary", "Jl. Dr. J. Leimena", "", leimena},
    {"primary", "", "", airport_road},
    {"primary", "Jl. Jembatan Merah Putih", "", bridge_south},
    {"primary", "Jembatan Merah Putih", "60", bridge, true},
    {"primary", "Jl. Jembatan Merah Putih", "", bridge_north},
    {"tertiary", "Jl. Pelabuhan Galala", "", ferry_galala},
    {"tertiary", "Jl. Pelabuhan Poka", "", ferry_poka},
    {"secondary", "", "", leihitu_west},
    {"primary", "", "", north_coast},
    {"secondary", "", "", salahutu_south},
    {"secondary", "", "", nusaniwe},
    {"tertiary", "", "", soya},
    {"tertiary", "", "", leitimur_hills},
    {"tertiary", "", "", naku_ema},
    {"secondary", "", "", leitimur_east},
    {"tertiary", "", "", lintas_hitu},
};

// The city's rivers, from the hills to Teluk Ambon (for flood scenarios; not routable).
constexpr Coordinate batu_merah[] = {{-3.7050, 128.2150}, {-3.6950, 128.2020}, {-3.6870, 128.1920}};
constexpr Coordinate tomu[] = {{-3.7120, 128.1950}, {-3.7020, 128.1880}, {-3.6935, 128.1785}};
constexpr Coordinate batu_gajah[] = {{-3.7200, 128.1850}, {-3.7080, 128.1800}, {-3.7010, 128.1725}};
constexpr Coordinate batu_gantung[] = {
    {-3.7250, 128.1750}, {-3.7150, 128.1700}, {-3.7060, 128.1660}};
constexpr Coordinate ruhu[] = {{-3.6950, 128.2200}, {-3.6820, 128.2050}, {-3.6760, 128.1920}};
constexpr NamedLine river_table[] = {
    {"Wai Batu Merah", batu_merah},     {"Wai Tomu", tomu}, {"Wai Batu Gajah", batu_gajah},
    {"Wai Batu Gantung", batu_gantung}, {"Wai Ruhu", ruhu},
};

constexpr FacilitySpec facility_table[] = {
    {"amenity", "hospital", "RSUD dr. M. Haulussy", {-3.7040, 128.1760}},
    {"amenity", "hospital", "RSUP dr. J. Leimena", {-3.6560, 128.1870}},
    {"amenity", "hospital", "RS Bhayangkara Ambon", {-3.6820, 128.1920}},
    {"amenity", "hospital", "RST dr. J. A. Latumeten", {-3.6990, 128.1790}},
    {"amenity", "hospital", "RS Al-Fatah", {-3.6890, 128.1870}},
    {"amenity", "hospital", "RS Sumber Hidup GPM", {-3.6985, 128.1855}},
    {"amenity", "clinic", "Puskesmas Passo", {-3.6390, 128.2500}},
    {"amenity", "clinic", "Puskesmas Hitu", {-3.5860, 128.1240}},
    {"amenity", "clinic", "Puskesmas Tulehu", {-3.5890, 128.3270}},
    {"amenity", "clinic", "Puskesmas Latuhalat", {-3.7740, 128.1190}},
    {"amenity", "fire_station", "Damkar Kota Ambon", {-3.6950, 128.1800}},
    {"amenity", "fire_station", "Pos Damkar Passo", {-3.6410, 128.2510}},
    {"amenity", "fire_station", "Pos Damkar Poka", {-3.6500, 128.1950}},
    {"amenity", "fire_station", "PKP-PK Bandara Pattimura", {-3.7090, 128.0900}},
    {"amenity", "fire_station", "Damkar Maluku Tengah Pos Tulehu", {-3.5890, 128.3290}},
    {"amenity", "police", "Polda Maluku", {-3.6850, 128.1890}},
    {"amenity", "police", "Polresta Pulau Ambon dan Pp. Lease", {-3.6975, 128.1815}},
    {"amenity", "police", "Polsek Baguala", {-3.6420, 128.2490}},
    {"amenity", "police", "Polsek Teluk Ambon", {-3.6600, 128.1800}},
    {"amenity", "police", "Polsek Nusaniwe", {-3.7230, 128.1550}},
    {"amenity", "police", "Polsek Leihitu", {-3.5870, 128.0760}},
    {"amenity", "police", "Polsek Salahutu", {-3.5900, 128.3260}},
    {"emergency", "ambulance_station", "PSC 119 Kota Ambon", {-3.6945, 128.1835}},
};

}  // namespace

std::span<const Coordinate> coastline() {
  return coast;
}
std::span<const Place> places() {
  return place_table;
}
std::span<const Corridor> corridors() {
  return corridor_table;
}
std::span<const NamedLine> rivers() {
  return river_table;
}
std::span<const FacilitySpec> facilities() {
  return facility_table;
}

}  // namespace siaga::synth::ambon
