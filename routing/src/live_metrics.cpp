#include "siaga/routing/live_metrics.h"

#include <future>

namespace siaga::routing {

LiveMetrics::LiveMetrics(const geodata::RoadNetwork& network, const Cch& cch,
                         std::vector<VehicleProfile> profiles, geodata::HazardIndex hazards)
    : network_(&network), cch_(&cch), profiles_(std::move(profiles)), hazards_(std::move(hazards)) {
  publish(std::vector<uint8_t>(hazards_.zones.size(), 0));
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
  auto next = std::make_shared<MetricSet>();
  const std::shared_ptr<const MetricSet> previous = current_.load();
  next->version = previous ? previous->version + 1 : 1;
  next->active = std::move(active);
  next->metrics.resize(profiles_.size());
  // One task per profile: customizations are independent and the machine has two cores.
  std::vector<std::future<void>> tasks;
  for (size_t i = 0; i < profiles_.size(); ++i) {
    tasks.push_back(std::async(std::launch::async, [&, i] {
      next->metrics[i] =
          customize(*cch_, profile_weights(*network_, profiles_[i], hazards_, next->active));
    }));
  }
  for (auto& task : tasks) task.get();
  current_.store(next);
  return next->version;
}

}  // namespace siaga::routing
