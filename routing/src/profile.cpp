#include "siaga/routing/profile.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "siaga/routing/dijkstra.h"
#include "siaga/text_file.h"

namespace siaga::routing {

using Json = nlohmann::json;

HazardBand VehicleProfile::effect(geodata::HazardKind kind, double intensity) const {
  for (const HazardBand& band : hazard_bands[static_cast<size_t>(kind)]) {
    if (intensity <= band.up_to) return band;
  }
  return {};
}

namespace {

std::optional<geodata::RoadClass> road_class_named(std::string_view name) {
  for (int i = 0; i < geodata::road_class_count; ++i) {
    const auto road_class = static_cast<geodata::RoadClass>(i);
    if (geodata::road_class_name(road_class) == name) return road_class;
  }
  return std::nullopt;
}

double factor(const Json& value, const std::string& where) {
  if (!value.is_number()) throw ProfileError(where + " must be a number");
  const double f = value.get<double>();
  if (!(f > 0 && f <= 3)) throw ProfileError(where + " must be in (0, 3]");
  return f;
}

std::vector<HazardBand> parse_bands(const Json& bands, const std::string& where) {
  if (!bands.is_array()) throw ProfileError(where + " must be a list of bands");
  std::vector<HazardBand> out;
  for (const Json& item : bands) {
    HazardBand band;
    if (item.contains("up_to")) {
      if (!item["up_to"].is_number()) throw ProfileError(where + ": up_to must be a number");
      band.up_to = item["up_to"].get<double>();
    }
    band.closed = item.value("closed", false);
    if (item.contains("speed_factor")) band.speed_factor = factor(item["speed_factor"], where);
    if (!band.closed && !item.contains("speed_factor")) {
      throw ProfileError(where + ": a band needs speed_factor or closed");
    }
    if (!out.empty() && band.up_to <= out.back().up_to) {
      throw ProfileError(where + ": bands must have increasing up_to");
    }
    out.push_back(band);
  }
  return out;
}

VehicleProfile parse_profile(const Json& item) {
  VehicleProfile profile;
  if (!item.contains("name") || !item["name"].is_string()) {
    throw ProfileError("vehicle profile without a name");
  }
  profile.name = item["name"].get<std::string>();
  const std::string where = "profile '" + profile.name + "'";
  profile.description = item.value("description", "");
  profile.use_ferry = item.value("use_ferry", true);
  const Json factors = item.value("speed_factor", Json::object());
  const double fallback = factors.contains("default")
                              ? factor(factors["default"], where + " speed_factor.default")
                              : 1.0;
  profile.speed_factor.fill(fallback);
  for (const auto& [name, value] : factors.items()) {
    if (name == "default") continue;
    const auto road_class = road_class_named(name);
    if (!road_class) throw ProfileError(where + ": unknown road class '" + name + "'");
    profile.speed_factor[static_cast<size_t>(*road_class)] =
        factor(value, where + " speed_factor." + name);
  }
  const Json hazards = item.value("hazards", Json::object());  // items() must not outlive it
  for (const auto& [name, bands] : hazards.items()) {
    const auto kind = geodata::hazard_kind_named(name);
    if (!kind) throw ProfileError(where + ": unknown hazard '" + name + "'");
    profile.hazard_bands[static_cast<size_t>(*kind)] = parse_bands(bands, where + " " + name);
  }
  return profile;
}

}  // namespace

std::vector<VehicleProfile> parse_profiles(const std::string& json_text) {
  Json document;
  try {
    document = Json::parse(json_text);
  } catch (const Json::exception& error) {
    throw ProfileError(std::string("vehicle profiles are not valid JSON: ") + error.what());
  }
  if (!document.contains("profiles") || !document["profiles"].is_array()) {
    throw ProfileError("vehicle profiles: expected {\"profiles\": [...]}");
  }
  std::vector<VehicleProfile> profiles;
  for (const Json& item : document["profiles"]) {
    try {
      profiles.push_back(parse_profile(item));
    } catch (const Json::exception& error) {
      throw ProfileError(std::string("vehicle profiles: ") + error.what());
    }
  }
  if (profiles.empty()) throw ProfileError("vehicle profiles: the list is empty");
  return profiles;
}

std::vector<VehicleProfile> load_profiles(const std::filesystem::path& file) {
  return parse_profiles(read_text_file(file, "vehicle profiles"));
}

uint32_t profile_index(std::span<const VehicleProfile> profiles, std::string_view name) {
  std::string known;
  for (uint32_t i = 0; i < profiles.size(); ++i) {
    if (profiles[i].name == name) return i;
    known += (known.empty() ? "" : ", ") + profiles[i].name;
  }
  throw UnknownVehicle("unknown vehicle '" + std::string(name) + "' (known: " + known + ")");
}

uint32_t profile_weight(const geodata::RoadNetwork& network, const VehicleProfile& profile,
                        const geodata::HazardIndex& hazards, std::span<const uint8_t> active,
                        uint32_t arc) {
  const geodata::RoadClass road_class = network.arc_class[arc];
  double time_ms = network.arc_time_ms[arc];
  if (road_class == geodata::RoadClass::ferry) {
    if (!profile.use_ferry) return blocked;
  } else {
    time_ms /= profile.speed_factor[static_cast<size_t>(road_class)];
  }
  bool closed = false;
  double slowest = 1;
  double overlap = 0;
  for (const geodata::ArcHazard& hazard : hazards.hazards_of(arc)) {
    if (hazard.zone >= active.size() || active[hazard.zone] == 0) continue;
    const geodata::HazardZone& zone = hazards.zones[hazard.zone];
    const HazardBand band = profile.effect(zone.kind, zone.intensity());
    closed = closed || band.closed;
    slowest = std::min(slowest, band.speed_factor);
    overlap += hazard.overlap_m;
  }
  if (closed) return blocked;
  if (slowest < 1 && network.arc_length_m[arc] > 0) {
    const double inside = std::min(1.0, overlap / network.arc_length_m[arc]);
    time_ms *= (1 - inside) + inside / slowest;
  }
  return static_cast<uint32_t>(std::max(1.0, std::round(time_ms)));
}

std::vector<uint32_t> profile_weights(const geodata::RoadNetwork& network,
                                      const VehicleProfile& profile,
                                      const geodata::HazardIndex& hazards,
                                      std::span<const uint8_t> active) {
  std::vector<uint32_t> weights(network.arc_count());
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc)
    weights[arc] = profile_weight(network, profile, hazards, active, arc);
  return weights;
}

}  // namespace siaga::routing
