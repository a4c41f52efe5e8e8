#include "siaga/synth/fleet_sim.h"

#include <siaga.pb.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "siaga/geodata/snapper.h"
#include "siaga/mqtt/outbox.h"
#include "siaga/mqtt/topics.h"
#include "siaga/routing/cch.h"

namespace siaga::synth {

namespace {

using Clock = std::chrono::steady_clock;

// What a vehicle is doing: wandering to random destinations, or as a crew: waiting at home, on
// its way to an incident, there, or on its way home.
enum class Mission { wander, wait, to_scene, at_scene, home };

// One vehicle on its way along a route of whole arcs.
struct Vehicle {
  std::string unit_id;
  Mission mission = Mission::wander;
  std::string incident_id;
  uint32_t home_node = 0;
  std::optional<geodata::LatLon> parked_at;  // at the scene: the incident's own road position
  uint32_t node = 0;                         // where the current route started or ends
  std::vector<uint32_t> arcs;                // current route
  size_t arc_index = 0;
  double metres_into_arc = 0;
  uint64_t seq = 0;
  std::optional<v1::Fix> held_back;  // an out-of-order fix waiting to be sent late
};

class Driver {
 public:
  Driver(const geodata::RoadNetwork& network, uint64_t seed)
      : network_(network),
        tails_(geodata::arc_tails(network)),
        cch_(routing::Cch::build(network)),
        metric_(routing::customize(cch_, network.arc_time_ms)),
        query_(cch_),
        random_(seed) {}

  uint32_t random_node() { return static_cast<uint32_t>(random_() % network_.node_count()); }
  std::mt19937_64& random() { return random_; }

  // Moves the vehicle `seconds` along; a wanderer gets a new random destination when it arrives,
  // a crew reaches the end of its mission's leg.
  void advance(Vehicle& vehicle, double seconds) {
    for (int guard = 0; guard < 1000 && seconds > 0; ++guard) {
      if (vehicle.arc_index >= vehicle.arcs.size()) {
        if (vehicle.mission != Mission::wander) return arrive(vehicle);
        new_route(vehicle);
      }
      if (vehicle.arcs.empty()) return;
      const uint32_t arc = vehicle.arcs[vehicle.arc_index];
      const double length = network_.arc_length_m[arc];
      const double speed = length / std::max(0.001, network_.arc_time_ms[arc] / 1000.0);
      const double left = length - vehicle.metres_into_arc;
      if (speed * seconds < left) {
        vehicle.metres_into_arc += speed * seconds;
        return;
      }
      seconds -= left / speed;
      vehicle.metres_into_arc = 0;
      vehicle.node = network_.arc_head[arc];
      ++vehicle.arc_index;
    }
  }

  // Sends the vehicle by road to `node` (a crew's leg); `park` is where it stops there.
  void route_to(Vehicle& vehicle, uint32_t node, std::optional<geodata::LatLon> park = {}) {
    const routing::Seed from[] = {{vehicle.node, 0}};
    const routing::Seed to[] = {{node, 0}};
    if (vehicle.arc_index < vehicle.arcs.size()) {  // mid-arc: finish it, then turn
      vehicle.node = network_.arc_head[vehicle.arcs[vehicle.arc_index]];
    }
    vehicle.arcs = query_.shortest_path(metric_, from, to).arcs;
    vehicle.arc_index = 0;
    vehicle.metres_into_arc = 0;
    vehicle.parked_at.reset();
    pending_park_[vehicle.unit_id] = park;
  }

  geodata::LatLon position(const Vehicle& vehicle) const {
    if (vehicle.parked_at) return *vehicle.parked_at;
    if (vehicle.arc_index >= vehicle.arcs.size()) return network_.node_position[vehicle.node];
    const uint32_t arc = vehicle.arcs[vehicle.arc_index];
    const geodata::LatLon a = network_.node_position[tails_[arc]];
    const geodata::LatLon b = network_.node_position[network_.arc_head[arc]];
    const double t = vehicle.metres_into_arc / std::max(0.01f, network_.arc_length_m[arc]);
    return {a.lat + (b.lat - a.lat) * t, a.lon + (b.lon - a.lon) * t};
  }

  float speed_mps(const Vehicle& vehicle) const {
    if (vehicle.parked_at || vehicle.arc_index >= vehicle.arcs.size()) return 0;
    const uint32_t arc = vehicle.arcs[vehicle.arc_index];
    return static_cast<float>(network_.arc_length_m[arc] /
                              std::max(0.001, network_.arc_time_ms[arc] / 1000.0));
  }

 private:
  void arrive(Vehicle& vehicle) {
    vehicle.arcs.clear();
    vehicle.arc_index = 0;
    if (vehicle.mission == Mission::to_scene) vehicle.mission = Mission::at_scene;
    if (vehicle.mission == Mission::home) vehicle.mission = Mission::wait;
    if (auto park = pending_park_.find(vehicle.unit_id); park != pending_park_.end()) {
      vehicle.parked_at = park->second;
      pending_park_.erase(park);
    }
  }

  void new_route(Vehicle& vehicle) {
    const routing::Seed from[] = {{vehicle.node, 0}};
    const routing::Seed to[] = {{random_node(), 0}};
    vehicle.arcs = query_.shortest_path(metric_, from, to).arcs;
    vehicle.arc_index = 0;
    vehicle.metres_into_arc = 0;
  }

  const geodata::RoadNetwork& network_;
  std::vector<uint32_t> tails_;
  routing::Cch cch_;
  routing::CchMetric metric_;
  routing::CchQuery query_;
  std::mt19937_64 random_;
  std::map<std::string, std::optional<geodata::LatLon>> pending_park_;
};

// What the engine told the crews (DispatchEvent, an incident closed or cancelled), handed from
// the MQTT thread to the simulation's loop.
struct Order {
  std::string unit_id;  // empty: every vehicle on `incident_id` goes home
  std::string incident_id;
  geodata::LatLon at;
};

class Orders {
 public:
  explicit Orders(mqtt::Topics topics) : topics_(std::move(topics)) {}
  void handle(std::string_view topic, std::string_view payload) {
    Order order;
    if (topic == topics_.event("dispatch")) {
      v1::DispatchEvent event;
      if (!event.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return;
      order = {event.unit_id(), event.incident_id(), {event.lat(), event.lon()}};
    } else if (topic == topics_.event("incident")) {
      v1::IncidentEvent event;
      if (!event.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return;
      if (event.kind() != "closed" && event.kind() != "cancelled") return;
      order = {"", event.incident_id(), {}};
    } else {
      return;
    }
    std::lock_guard lock(mutex_);
    orders_.push_back(std::move(order));
  }
  std::vector<Order> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(orders_, {});
  }

 private:
  mqtt::Topics topics_;
  std::mutex mutex_;
  std::vector<Order> orders_;
};

// Sends each vehicle its orders: to the incident's road position, or home.
void follow_orders(Driver& driver, const geodata::Snapper& snapper, std::vector<Vehicle>& vehicles,
                   std::vector<Order> orders, const tracking::Fleet& fleet,
                   FleetSimReport& report) {
  for (const Order& order : orders) {
    for (Vehicle& vehicle : vehicles) {
      if (!order.unit_id.empty() && vehicle.unit_id == order.unit_id) {
        try {
          const geodata::Snap scene = snapper.snap(order.at, {5000});
          vehicle.mission = Mission::to_scene;
          vehicle.incident_id = order.incident_id;
          driver.route_to(vehicle, scene.fraction < 0.5 ? scene.tail : scene.head, scene.position);
          ++report.missions;
        } catch (const geodata::SnapError&) {  // an incident off the map: the crew stays
        }
      } else if (order.unit_id.empty() && vehicle.incident_id == order.incident_id &&
                 vehicle.mission != Mission::wait && vehicle.mission != Mission::wander) {
        vehicle.mission = Mission::home;
        vehicle.incident_id.clear();
        driver.route_to(vehicle, vehicle.home_node, fleet.find(vehicle.unit_id)->home);
      }
    }
  }
}

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

FleetSimReport run_fleet_sim(const geodata::RoadNetwork& network, const tracking::Fleet& fleet,
                             const FleetSimOptions& options, const std::atomic<bool>& stop) {
  if (options.units > fleet.units.size()) {
    throw InputError("the fleet has " + std::to_string(fleet.units.size()) +
                     " units, fewer than --units " + std::to_string(options.units));
  }
  if (!(options.rate_hz > 0 && options.rate_hz <= 100)) {
    throw InputError("--rate must be in (0, 100] Hz");
  }
  Driver driver(network, options.seed);
  const geodata::Snapper snapper(network);
  std::vector<Vehicle> vehicles(options.units);
  for (size_t i = 0; i < options.units; ++i) {
    vehicles[i].unit_id = fleet.units[i].id;
    try {  // start at home, where the road is
      const geodata::Snap home = snapper.snap(fleet.units[i].home);
      vehicles[i].node = home.tail;
    } catch (const geodata::SnapError&) {
      vehicles[i].node = driver.random_node();
    }
    vehicles[i].seq = options.first_seq - 1;
    vehicles[i].home_node = vehicles[i].node;
    if (options.respond) {  // crews wait at their station
      vehicles[i].mission = Mission::wait;
      vehicles[i].parked_at = fleet.units[i].home;
    }
  }
  Orders orders(options.topics);
  mqtt::Client client(options.mqtt, [&orders](std::string_view topic, std::string_view payload) {
    orders.handle(topic, payload);
  });
  if (options.respond) {
    client.subscribe(options.topics.event("dispatch"));
    client.subscribe(options.topics.event("incident"));
  }
  client.start();
  client.wait_connected(std::chrono::seconds(10));
  // The mobile link drops: fixes wait, oldest first, up to an hour of the fleet's reports (at most
  // a million messages, ~150 MB).
  mqtt::Outbox outbox(
      client,
      std::min<size_t>(1'000'000, static_cast<size_t>(3600 * options.rate_hz * options.units)));

  FleetSimReport report;
  std::uniform_real_distribution<double> chance(0, 1);
  const double period_s = 1 / options.rate_hz;
  const auto start = Clock::now();
  auto next_disconnect = start + std::chrono::duration<double>(options.disconnect_every_s);
  for (uint64_t tick = 0; !stop; ++tick) {
    const auto due = start + std::chrono::duration<double>(tick * period_s);
    if (options.duration_s > 0 && due - start > std::chrono::duration<double>(options.duration_s))
      break;
    std::this_thread::sleep_until(due);
    if (options.disconnect_every_s > 0 && Clock::now() >= next_disconnect) {
      client.stop();  // the mobile link drops; libmosquitto resends what was in flight
      client.start();
      ++report.disconnects;
      next_disconnect += std::chrono::duration<double>(options.disconnect_every_s);
    }
    if (options.respond) follow_orders(driver, snapper, vehicles, orders.take(), fleet, report);
    for (Vehicle& vehicle : vehicles) {
      driver.advance(vehicle, tick == 0 ? 0 : period_s);
      const geodata::LatLon at = driver.position(vehicle);
      v1::Fix fix;
      fix.set_unit_id(vehicle.unit_id);
      fix.set_seq(++vehicle.seq);
      fix.set_time_ms(wall_ms());
      fix.set_lat(at.lat);
      fix.set_lon(at.lon);
      fix.set_speed_mps(driver.speed_mps(vehicle));
      fix.set_accuracy_m(5);
      fix.set_battery(0.8f);
      const std::string topic = options.topics.fix(vehicle.unit_id);
      if (!vehicle.held_back && chance(driver.random()) < options.out_of_order) {
        vehicle.held_back = fix;  // sent after the next one
        ++report.fixes;
        ++report.out_of_order;
        continue;
      }
      const std::string bytes = fix.SerializeAsString();
      outbox.send(topic, bytes);
      ++report.fixes;
      if (vehicle.held_back) {
        outbox.send(topic, vehicle.held_back->SerializeAsString());
        vehicle.held_back.reset();
      }
      if (chance(driver.random()) < options.duplicate) {
        outbox.send(topic, bytes);
        ++report.duplicates;
      }
      if (chance(driver.random()) < options.bad_payload) {
        // Eleven continuation bytes make a varint no protobuf parser accepts; noise follows.
        std::string garbage(11, '\xff');
        for (uint64_t n = driver.random()() % 40; n > 0; --n) {
          garbage.push_back(static_cast<char>(driver.random()() & 0xff));
        }
        outbox.send(topic, garbage);
        ++report.bad_payloads;
      }
    }
  }
  for (Vehicle& vehicle : vehicles) {  // nothing held back is left unsent
    if (vehicle.held_back)
      outbox.send(options.topics.fix(vehicle.unit_id), vehicle.held_back->SerializeAsString());
  }
  client.wait_connected(std::chrono::seconds(30));
  report.all_acknowledged = outbox.flush() && client.wait_acknowledged(std::chrono::seconds(30));
  report.dropped_offline = outbox.dropped();
  client.stop();
  return report;
}

}  // namespace siaga::synth
