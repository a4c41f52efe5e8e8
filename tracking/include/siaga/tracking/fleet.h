// The fleet: every unit Siaga may track and recommend, read from a JSON file. A unit's `type` is
// the name of its vehicle profile (routing/vehicle-profiles.json), so a fleet file needs no code.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "siaga/geodata/road_network.h"

namespace siaga::tracking {

// A fleet file that cannot be used: names the file and the offending unit.
struct FleetError : DataError {
  using DataError::DataError;
};

// A tracker that reports over HTTP (Traccar Client or OsmAnd, OwnTracks in HTTP mode, a GPS box
// decoded by a Traccar server): its identifier there and the secret it proves itself with.
struct Tracker {
  std::string id;      // OsmAnd/Traccar Client id, Traccar uniqueId or IMEI, OwnTracks user/device
  std::string secret;  // 16 characters at least; unused for devices behind a forwarder
};

// A Traccar server that forwards its devices' positions, with the secret in its header.
struct Forwarder {
  std::string name;
  std::string secret;
};

struct Unit {
  std::string id;         // [A-Za-z0-9_-]{1,64}, the MQTT topic level
  std::string call_sign;  // what the radio operator says
  std::string type;       // ambulance, fire_truck, rescue, police
  std::string agency;     // Dinkes, Damkar, BPBD, Polri, ...
  std::string home_station;
  geodata::LatLon home;
  std::string owntracks;          // "user/device" of an OwnTracks phone that reports for this unit
  std::vector<Tracker> trackers;  // HTTP trackers that report for this unit
};

struct Fleet {
  bool sample = false;  // sample data, not a real roster
  std::string note;
  std::vector<Unit> units;

  const Unit* find(std::string_view id) const;
  std::vector<Forwarder> forwarders;

  const Unit* find_owntracks(std::string_view user_device) const;
  // The unit an HTTP tracker reports for, with the tracker; nullopt for an unknown id.
  std::optional<std::pair<const Unit*, const Tracker*>> find_tracker(std::string_view id) const;
};

inline const std::vector<std::string> unit_types = {"ambulance", "fire_truck", "rescue", "police"};

// Throws FleetError naming the file and the offending unit (bad id, unknown type, duplicate
// id or OwnTracks device, missing field, non-finite home); IoError when it cannot be read.
Fleet load_fleet(const std::filesystem::path& file);
Fleet parse_fleet(std::string_view json_text, const std::string& source_name);
std::string fleet_json(const Fleet& fleet);

}  // namespace siaga::tracking
