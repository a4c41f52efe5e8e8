// Live coverage: the share of the demand each target's unit type reaches within its minutes from
// the units that are available now, where they are, under the active hazards (static coverage
// assumes every unit waits at its station). And move-ups: when units are busy, which available
// unit should move to which station to restore the most expected coverage (a greedy maximal
// expected covering after Daskin's MEXCLP: a street covered by k units counts 1 − q^k, q being
// the busy fraction of the unit type).
#pragma once

#include <map>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "siaga/dispatch/coverage.h"
#include "siaga/geodata/snapper.h"
#include "siaga/routing/cch.h"
#include "siaga/routing/live_metrics.h"

namespace siaga::dispatch {

// A unit that can answer a call now, where it is on the road graph.
struct LiveUnit {
  std::string id;
  std::string type;  // a vehicle profile
  geodata::Snap position;
  bool movable = true;  // false: already on its way to a post, counted there
};

struct LiveTarget {
  CoverageTarget target;
  size_t units = 0;                  // available units of the target's type
  double covered_km = 0;             // demand-weighted km within the target
  std::vector<uint32_t> arrival_ms;  // per segment, from the nearest available unit
};

struct LiveCoverage {
  uint64_t metrics_version = 0;  // the hazard state it holds for
  double total_demand_km = 0;
  std::vector<LiveTarget> targets;
};

// What live coverage and move-ups read: the island's graph, its live metrics, the ground.
struct LiveCoverageContext {
  const geodata::RoadNetwork& network;
  const geodata::Snapper& snapper;
  const routing::LiveMetrics& live;
  const Coverage& ground;
  std::span<const CoverageTarget> targets;
};

// One multi-source sweep per target from the available units of its type.
LiveCoverage live_coverage(const LiveCoverageContext& context, const routing::MetricSet& metrics,
                           std::span<const LiveUnit> units, routing::CchQuery& query);

struct MoveUp {
  std::string unit_id;
  std::string unit_type;
  std::string station;
  geodata::LatLon station_position;
  uint32_t drive_ms = 0;  // from where the unit is to the station, under the hazards
  double gain_km = 0;     // expected covered demand gained, over the type's targets
  double busy_fraction = 0;
};

struct MoveUpOptions {
  size_t max_moves = 3;
  double min_busy_fraction = 0.05;  // q never below this: a second unit is always worth a little
  double min_gain_share = 0.005;    // of the total demand, per target of the type
};

// Sweeps from single positions kept for reuse while the hazard state stays the same: units wait
// at a few stations, so a simulation asks for the same fields again and again.
class FieldCache {
 public:
  struct Field {
    std::vector<uint32_t> node_cost;
    std::vector<uint32_t> arrival_ms;  // per segment
    // What the field reaches within each of a unit type's targets (`reach_limits_ms`): one bit
    // per segment with demand, per target, 64 to a word. Filled by suggest_moveups on first use.
    std::vector<uint32_t> reach_limits_ms;
    std::vector<std::vector<uint64_t>> reach;
  };
  // Forgets everything when the metrics' version has changed or the cache is full. Called before
  // a round of get(): the fields it hands out stay put until the next call.
  void start(const routing::MetricSet& metrics);
  // The field of `position` in `profile` of `metrics` (those start() was given), computed on a
  // miss.
  Field& get(const LiveCoverageContext& context, const routing::MetricSet& metrics,
             uint32_t profile, const geodata::Snap& position, routing::CchQuery& query);

 private:
  static constexpr size_t max_fields = 256;
  uint64_t version_ = UINT64_MAX;
  std::map<std::tuple<uint32_t, uint32_t, uint32_t, double>, Field> fields_;
};

// Moves for the unit types that have a unit busy (`busy_fraction` > 0: coverage has dropped):
// greedily the move of an available unit to a station of its type that adds the most expected
// coverage, each unit at most once, while the gain is worth it. Best first.
std::vector<MoveUp> suggest_moveups(const LiveCoverageContext& context,
                                    const routing::MetricSet& metrics,
                                    std::span<const LiveUnit> units,
                                    std::span<const Station> stations,
                                    const std::map<std::string, double>& busy_fraction,
                                    const MoveUpOptions& options, routing::CchQuery& query,
                                    FieldCache* cache = nullptr);

}  // namespace siaga::dispatch
