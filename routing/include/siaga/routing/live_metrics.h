// Live hazard state: which zones are active, and the customized metric of every vehicle profile
// under them. A change re-customizes all profiles off to the side (partially: only above the arcs
// whose weights the change touched) and then publishes the new set with one atomic pointer swap; a
// query holds the set it started with until it ends, so it never sees half a customization. Writers
// are serialised; readers never wait.
// A partial customization leaves out the search graphs (they cost more than the toggle itself), so
// its queries relax every CCH edge. Once no change has come for `refine_after`, a background
// thread builds them on a copy of the set and swaps that in under the same version, unless a newer
// set was published meanwhile: same costs, faster queries.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "siaga/geodata/hazards.h"
#include "siaga/routing/cch.h"
#include "siaga/routing/profile.h"

namespace siaga::routing {

// A hazard zone id that the loaded layers do not have.
struct UnknownZone : InputError {
  using InputError::InputError;
};

// Every profile's metric, read as `metrics[profile]`. A metric that a change leaves alone is
// shared with the set before it, not copied: a whole metric with its search graphs is several
// times a toggle's own work.
struct ProfileMetrics {
  std::vector<std::shared_ptr<const CchMetric>> shared;  // per profile, in the profiles' order
  const CchMetric& operator[](size_t profile) const { return *shared[profile]; }
  size_t size() const { return shared.size(); }
};

struct MetricSet {
  uint64_t version = 0;
  std::vector<uint8_t> active;  // per hazard zone
  ProfileMetrics metrics;
};

// Keeps references to `network` and `cch`, which must outlive it.
class LiveMetrics {
 public:
  LiveMetrics(const geodata::RoadNetwork& network, const Cch& cch,
              std::vector<VehicleProfile> profiles, geodata::HazardIndex hazards);
  ~LiveMetrics();
  LiveMetrics(const LiveMetrics&) = delete;
  LiveMetrics& operator=(const LiveMetrics&) = delete;

  // How long the zones must stay unchanged before a partially customized set is refined.
  static constexpr std::chrono::milliseconds refine_after{50};
  // Blocks until every set published so far has its search graphs (or was superseded): for tests
  // and benchmarks that need the refined set, never for a query.
  void wait_refined();

  std::shared_ptr<const MetricSet> current() const { return current_.load(); }

  // Each publishes a new MetricSet and returns its version. Unknown zone ids throw UnknownZone
  // and change nothing.
  uint64_t activate(std::string_view zone_id);
  uint64_t deactivate(std::string_view zone_id);
  uint64_t set_active(std::span<const std::string> zone_ids);  // exactly these
  uint64_t activate_all();

  const std::vector<VehicleProfile>& profiles() const { return profiles_; }
  const geodata::HazardIndex& hazards() const { return hazards_; }
  const Cch& cch() const { return *cch_; }
  const geodata::RoadNetwork& network() const { return *network_; }

 private:
  uint32_t zone_index(std::string_view zone_id) const;
  uint64_t publish(std::vector<uint8_t> active);
  void refine_when_quiet();  // the refiner thread's loop
  // Builds the missing search graphs on a copy of `seen` and swaps it in if still current.
  void refine(const std::shared_ptr<const MetricSet>& seen);
  // The arcs touched by a zone whose activity differs between the two sets, each once.
  std::vector<uint32_t> arcs_of_changed_zones(std::span<const uint8_t> before,
                                              std::span<const uint8_t> after) const;

  const geodata::RoadNetwork* network_;
  const Cch* cch_;
  std::vector<VehicleProfile> profiles_;
  geodata::HazardIndex hazards_;
  std::vector<uint32_t> first_zone_arc_;  // per zone, CSR over zone_arc_: the arcs it touches
  std::vector<uint32_t> zone_arc_;
  std::mutex writer_;
  std::atomic<std::shared_ptr<const MetricSet>> current_;
  // The refiner: `requested_` counts partial publications, `refined_` the last one it handled.
  std::mutex refine_mutex_;
  std::condition_variable refine_wake_;
  std::condition_variable refine_done_;
  uint64_t requested_ = 0;
  uint64_t refined_ = 0;
  bool stopping_ = false;
  bool waiting_for_quiet_ = false;  // the refiner has a request and waits for the zones to settle
  std::thread refiner_;             // last: started once everything above exists, joined first
};

}  // namespace siaga::routing
