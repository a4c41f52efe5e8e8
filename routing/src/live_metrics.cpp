#include "siaga/routing/live_metrics.h"

#include <algorithm>
#include <future>
#include <numeric>
#include <thread>

namespace siaga::routing {

LiveMetrics::LiveMetrics(const geodata::RoadNetwork& network, const Cch& cch,
                         std::vector<VehicleProfile> profiles, geodata::HazardIndex hazards)
    : network_(&network), cch_(&cch), profiles_(std::move(profiles)), hazards_(std::move(hazards)) {
  first_zone_arc_.assign(hazards_.zones.size() + 1, 0);
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    for (const geodata::ArcHazard& hazard : hazards_.hazards_of(arc)) {
      if (hazard.zone < hazards_.zones.size()) ++first_zone_arc_[hazard.zone + 1];
    }
  }
  std::partial_sum(first_zone_arc_.begin(), first_zone_arc_.end(), first_zone_arc_.begin());
  zone_arc_.resize(first_zone_arc_.back());
  std::vector<uint32_t> fill(first_zone_arc_.begin(), first_zone_arc_.end() - 1);
  for (uint32_t arc = 0; arc < network.arc_count(); ++arc) {
    for (const geodata::ArcHazard& hazard : hazards_.hazards_of(arc)) {
      if (hazard.zone < hazards_.zones.size()) zone_arc_[fill[hazard.zone]++] = arc;
    }
  }
  publish(std::vector<uint8_t>(hazards_.zones.size(), 0));
  refiner_ = std::thread([this] { refine_when_quiet(); });
}

LiveMetrics::~LiveMetrics() {
  {
    std::lock_guard lock(refine_mutex_);
    stopping_ = true;
  }
  refine_wake_.notify_all();
  refiner_.join();
}

void LiveMetrics::wait_refined() {
  std::unique_lock lock(refine_mutex_);
  refine_done_.wait(lock, [this] { return refined_ == requested_ || stopping_; });
}

void LiveMetrics::refine_when_quiet() {
  std::unique_lock lock(refine_mutex_);
  while (true) {
    refine_wake_.wait(lock, [this] { return stopping_ || refined_ != requested_; });
    // Quiet first: while toggles keep coming, each would supersede the refinement anyway. They
    // do not wake this thread meanwhile (it would compete with their customization tasks for
    // the cores); it looks again every `refine_after` whether any came.
    waiting_for_quiet_ = true;
    uint64_t target = requested_;
    while (!refine_wake_.wait_for(lock, refine_after, [this] { return stopping_; }) &&
           requested_ != target) {
      target = requested_;
    }
    waiting_for_quiet_ = false;
    if (stopping_) return;
    lock.unlock();
    refine(current_.load());
    lock.lock();
    refined_ = target;
    refine_done_.notify_all();
  }
}

void LiveMetrics::refine(const std::shared_ptr<const MetricSet>& seen) {
  auto unrefined = [](const auto& metric) { return metric->up_search.first_out.empty(); };
  const auto& shared = seen->metrics.shared;
  // Nothing to copy when every profile has its graphs (a toggle that changed no weight).
  if (std::none_of(shared.begin(), shared.end(), unrefined)) return;
  auto refined = std::make_shared<MetricSet>(*seen);
  for (auto& metric : refined->metrics.shared) {
    if (!unrefined(metric)) continue;
    auto with_graphs = std::make_shared<CchMetric>(*metric);
    build_search_graphs(*cch_, *with_graphs);
    metric = std::move(with_graphs);
  }
  // Swapped in only over the very set it copied: a newer publication wins, and is refined next.
  std::shared_ptr<const MetricSet> expected = seen;
  current_.compare_exchange_strong(expected, std::shared_ptr<const MetricSet>(std::move(refined)));
}

std::vector<uint32_t> LiveMetrics::arcs_of_changed_zones(std::span<const uint8_t> before,
                                                         std::span<const uint8_t> after) const {
  std::vector<uint32_t> arcs;
  for (uint32_t zone = 0; zone < after.size(); ++zone) {
    if (before[zone] == after[zone]) continue;
    arcs.insert(arcs.end(), zone_arc_.begin() + first_zone_arc_[zone],
                zone_arc_.begin() + first_zone_arc_[zone + 1]);
  }
  std::sort(arcs.begin(), arcs.end());
  arcs.erase(std::unique(arcs.begin(), arcs.end()), arcs.end());
  return arcs;
}

uint32_t LiveMetrics::zone_index(std::string_view zone_id) const {
  const uint32_t zone = hazards_.find(zone_id);
  if (zone == geodata::invalid_id) {
    throw UnknownZone("unknown hazard zone '" + std::string(zone_id) + "'");
  }
  return zone;
}

uint64_t LiveMetrics::activate(std::string_view zone_id) {
  std::lock_guard lock(writer_);
  std::vector<uint8_t> active = current()->active;
  active[zone_index(zone_id)] = 1;
  return publish(std::move(active));
}

uint64_t LiveMetrics::deactivate(std::string_view zone_id) {
  std::lock_guard lock(writer_);
  std::vector<uint8_t> active = current()->active;
  active[zone_index(zone_id)] = 0;
  return publish(std::move(active));
}

uint64_t LiveMetrics::set_active(std::span<const std::string> zone_ids) {
  std::lock_guard lock(writer_);
  std::vector<uint8_t> active(hazards_.zones.size(), 0);
  for (const std::string& id : zone_ids) active[zone_index(id)] = 1;
  return publish(std::move(active));
}

uint64_t LiveMetrics::activate_all() {
  std::lock_guard lock(writer_);
  return publish(std::vector<uint8_t>(hazards_.zones.size(), 1));
}

uint64_t LiveMetrics::publish(std::vector<uint8_t> active) {
  const std::shared_ptr<const MetricSet> previous = current_.load();
  // The same zones again (a server starting with none, a repeated toggle): nothing to publish.
  if (previous && previous->active == active) return previous->version;
  auto next = std::make_shared<MetricSet>();
  next->version = previous ? previous->version + 1 : 1;
  next->active = std::move(active);
  next->metrics.shared.resize(profiles_.size());
  const std::vector<uint32_t> touched =
      previous ? arcs_of_changed_zones(previous->active, next->active) : std::vector<uint32_t>{};
  // A change touching a quarter of the island costs a full customization anyway.
  const bool partial = previous && touched.size() * 4 < network_->arc_count();
  auto customize_profile = [&](size_t i) {
    std::shared_ptr<const CchMetric>& metric = next->metrics.shared[i];
    if (!partial) {
      metric = std::make_shared<const CchMetric>(
          customize(*cch_, profile_weights(*network_, profiles_[i], hazards_, next->active)));
      return;
    }
    const CchMetric& before = previous->metrics[i];
    std::vector<uint32_t> weights = before.arc_weight;
    std::vector<uint32_t> changed;
    for (uint32_t arc : touched) {
      weights[arc] = profile_weight(*network_, profiles_[i], hazards_, next->active, arc);
      if (weights[arc] != before.arc_weight[arc]) changed.push_back(arc);
    }
    // A profile the change does not touch (a depth its vehicles wade) shares its metric whole,
    // search graphs included.
    if (changed.empty()) {
      metric = previous->metrics.shared[i];
    } else {
      metric =
          std::make_shared<const CchMetric>(customize(*cch_, before, std::move(weights), changed));
    }
  };
  // Customizations are independent: one task per core, each taking every n-th profile; the
  // first on this thread, which would only wait otherwise.
  const size_t task_count =
      std::max<size_t>(1, std::min<size_t>(std::thread::hardware_concurrency(), profiles_.size()));
  auto task = [&](size_t t) {
    for (size_t i = t; i < profiles_.size(); i += task_count) customize_profile(i);
  };
  std::vector<std::future<void>> others;
  for (size_t t = 1; t < task_count; ++t) others.push_back(std::async(std::launch::async, task, t));
  task(0);
  for (auto& other : others) other.get();
  current_.store(next);
  if (partial) {
    std::lock_guard lock(refine_mutex_);
    ++requested_;
    if (!waiting_for_quiet_) refine_wake_.notify_all();
  }
  return next->version;
}

}  // namespace siaga::routing
