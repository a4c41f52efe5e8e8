// The incident desk on the island, with the sample fleet in a real tracking store and the
// incident history in SQLite: a unit driven along its real route turns en_route and then on_scene
// by itself, its live ETA equals plain Dijkstra's from where it is, a stalled unit is flagged
// delayed, a hazard toggle changes every ETA, a crew's report overrides GPS, a closed call sends
// its units home where they become available; response plans are filled fastest first with no
// unit twice, and name substitutes for what cannot be filled.
#include "siaga/dispatch/incident_desk.h"

#include <gtest/gtest.h>

#include <thread>

#include "siaga/dispatch/dataset.h"
#include "siaga/routing/dijkstra.h"
#include "siaga/routing/route.h"
#include "test_support.h"

namespace siaga::dispatch::incident_desk_test {
namespace {

namespace fs = std::filesystem;
using tracking::UnitStatus;

constexpr int64_t t0 = 1'796'173'200'000;  // 2026-12-02 10:00 WIT

struct Desk {
  const geodata::RoadNetwork& network = test::ambon().network;
  geodata::Snapper snapper{network};
  routing::LiveMetrics live{
      network, test::ambon_cch(), routing::load_profiles(default_profiles_file()),
      geodata::overlay_hazards(
          network,
          geodata::load_hazards(test::source_dir / "geodata/ambon/hazards-illustrative.geojson")
              .zones)};
  std::vector<IncidentClass> classes =
      load_incident_classes(default_incident_types_file(), live.profiles());
  std::vector<ResponsePlan> plans =
      load_response_plans(default_response_plans_file(), classes, live.profiles());
  tracking::TrackingStore units{
      tracking::load_fleet(test::source_dir / "geodata/ambon/fleet-sample.json"), network};
  tracking::IncidentStore incidents{{}};
  routing::QueryPool queries{test::ambon_cch()};
  DispatchContext context{network, snapper, live, classes};
  int64_t now = t0;
  IncidentDesk desk{context, units, incidents, queries, plans, options()};
  std::map<std::string, uint64_t> seq;

  DeskOptions options() {
    DeskOptions options;
    options.rules = load_auto_status_rules(default_auto_status_file());
    options.clock = [this] { return now; };
    return options;
  }

  Desk() {
    live.set_active({});
    for (const tracking::Unit& unit : units.fleet().units) fix(unit.id, unit.home, 0);
  }

  void fix(const std::string& unit_id, geodata::LatLon at, float speed_mps) {
    const tracking::Outcome outcome =
        units.submit_fix({unit_id, ++seq[unit_id], now, at.lat, at.lon, speed_mps, 0, 5, {}}, now);
    ASSERT_TRUE(outcome.accepted) << outcome.detail;
    desk.on_fix_accepted(unit_id);
  }
  tracking::UnitState state(const std::string& unit_id) const { return *units.unit(unit_id, now); }

  std::string call(const std::string& incident_class, geodata::LatLon at,
                   const std::string& subtype = "") {
    tracking::NewIncident incident;
    incident.location.lat = at.lat;
    incident.location.lon = at.lon;
    incident.incident_class = incident_class;
    incident.subtype = subtype;
    return desk.create(incident, "test").incident.id;
  }

  // Plain Dijkstra on the profile's weights under the active zones, from the unit's snapped
  // position to the place: the oracle of every ETA.
  uint32_t dijkstra_eta(const std::string& unit_id, geodata::LatLon place) {
    const tracking::UnitState unit = state(unit_id);
    const auto& profiles = live.profiles();
    const auto& profile = profiles[routing::profile_index(profiles, unit.unit.type)];
    const auto weights =
        routing::profile_weights(network, profile, live.hazards(), live.current()->active);
    routing::Dijkstra dijkstra(network);
    const routing::Route route = routing::route_between(network, weights, unit.road->snap,
                                                        snapper.snap(place, {5000}), dijkstra);
    return route.found ? route.duration_ms : routing::unreachable;
  }
};

const geodata::LatLon pasar_mardika{-3.6930, 128.1820};

// The route the unit would drive, as the points a tracker reports along it.
std::vector<geodata::LatLon> drive(Desk& d, const std::string& unit_id, geodata::LatLon to) {
  const tracking::UnitState unit = d.state(unit_id);
  const uint32_t profile = routing::profile_index(d.live.profiles(), unit.unit.type);
  routing::CchQuery query(test::ambon_cch());
  return routing::route_between(d.network, d.live.current()->metrics[profile], unit.road->snap,
                                d.snapper.snap(to), query)
      .geometry;
}

TEST(IncidentDesk, AUnitDrivenToTheSceneTurnsEnRouteThenOnSceneByItselfWithLiveEtas) {
  Desk d;
  const std::string id = d.call("medical", pasar_mardika);
  routing::CchQuery query(test::ambon_cch());
  const FilledPlan plan = d.desk.recommend(id, query);
  ASSERT_EQ(plan.unit_ids().size(), 1u);
  const std::string unit = plan.unit_ids()[0];
  d.now += 30'000;
  ASSERT_TRUE(d.desk.dispatch(id, std::vector{unit}, "test")[0].dispatched);
  EXPECT_EQ(d.state(unit).status, UnitStatus::dispatched);
  const auto first = d.desk.eta(unit);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->first_eta_ms, int64_t{d.dijkstra_eta(unit, pasar_mardika)});
  EXPECT_EQ(d.incidents.get(id)->units[0].first_eta_ms, first->first_eta_ms);

  const std::vector<geodata::LatLon> path = drive(d, unit, pasar_mardika);
  ASSERT_GT(path.size(), 5u);
  size_t checked = 0;
  for (size_t i = 1; i < path.size(); i += 3) {
    d.now += std::max<int64_t>(
        1000, static_cast<int64_t>(geodata::haversine_m(path[i - 1], path[i]) * 3 * 100));
    d.fix(unit, path[i], 10);
    EXPECT_EQ(d.state(unit).status, UnitStatus::en_route) << "moving: en route";
    const auto eta = d.desk.eta(unit);
    ASSERT_TRUE(eta);
    ASSERT_EQ(eta->remaining_ms, d.dijkstra_eta(unit, pasar_mardika)) << "fix " << i;
    ++checked;
  }
  EXPECT_GT(checked, 2u);
  EXPECT_TRUE(d.incidents.get(id)->units[0].en_route_auto);
  // Stopped by the incident: on scene once it has stayed slow for the dwell time (20 s).
  const geodata::LatLon scene = d.snapper.snap(pasar_mardika).position;
  d.now += 5'000;
  d.fix(unit, scene, 0.5f);
  const int64_t stopped = d.now;
  d.now += 10'000;
  d.fix(unit, scene, 0);
  EXPECT_EQ(d.state(unit).status, UnitStatus::en_route) << "10 s is not yet arrived";
  d.now += 10'000;
  d.fix(unit, scene, 0);
  EXPECT_EQ(d.state(unit).status, UnitStatus::on_scene);
  tracking::Incident incident = *d.incidents.get(id);
  EXPECT_EQ(incident.status, tracking::IncidentStatus::on_scene);
  EXPECT_TRUE(incident.units[0].on_scene_auto);
  EXPECT_EQ(incident.units[0].on_scene_ms, stopped + 20'000);
  EXPECT_FALSE(d.desk.eta(unit)->delayed);

  // The crew's own report replaces the time from GPS.
  d.now += 1'000;
  ASSERT_TRUE(d.units.change_status(unit, UnitStatus::on_scene, id, d.now).accepted);
  d.desk.on_status_accepted(unit, UnitStatus::on_scene, id);
  incident = *d.incidents.get(id);
  EXPECT_FALSE(incident.units[0].on_scene_auto);
  EXPECT_EQ(incident.units[0].on_scene_ms, d.now);

  // Closed: the unit heads home, and is available once it is there.
  incident = d.desk.finish(id, tracking::IncidentStatus::closed, "test", "");
  EXPECT_EQ(d.state(unit).status, UnitStatus::returning);
  EXPECT_FALSE(d.desk.eta(unit));
  d.now += 600'000;
  d.fix(unit, d.state(unit).unit.home, 0);
  EXPECT_EQ(d.state(unit).status, UnitStatus::available);
}

TEST(IncidentDesk, AStalledUnitIsFlaggedDelayedOnceHalfAgainBehindItsFirstEta) {
  Desk d;
  const std::string id = d.call("security", pasar_mardika);
  routing::CchQuery query(test::ambon_cch());
  const std::string unit = d.desk.recommend(id, query).unit_ids().at(0);
  d.desk.dispatch(id, std::vector{unit}, "test");
  const int64_t dispatched = d.now;
  const int64_t first = d.desk.eta(unit)->first_eta_ms;
  ASSERT_GT(first, 10'000);
  const geodata::LatLon home = d.state(unit).unit.home;
  d.now = dispatched + first / 2 - 1000;  // elapsed + remaining = 1.5 × first − 1 s
  d.fix(unit, home, 0);
  EXPECT_EQ(d.state(unit).status, UnitStatus::dispatched) << "it has not moved";
  EXPECT_FALSE(d.desk.eta(unit)->delayed);
  d.now = dispatched + first / 2 + 1000;
  d.fix(unit, home, 0);
  EXPECT_TRUE(d.desk.eta(unit)->delayed);
}

TEST(IncidentDesk, AHazardToggleRecomputesEveryLiveEta) {
  Desk d;
  // The Poka fire truck sent across Teluk Ambon: each zone in turn switched on, the live ETA must
  // equal Dijkstra's under it, and some zones must change it.
  const std::string id = d.call("fire", pasar_mardika);
  d.desk.dispatch(id, std::vector<std::string>{"DMK-04"}, "test");
  const uint32_t clear = d.desk.eta("DMK-04")->remaining_ms;
  EXPECT_EQ(clear, d.dijkstra_eta("DMK-04", pasar_mardika));
  size_t changed = 0;
  for (const geodata::HazardZone& zone : d.live.hazards().zones) {
    d.live.set_active(std::vector<std::string>{zone.id});
    d.desk.on_metrics_changed();
    const uint32_t under = d.desk.eta("DMK-04")->remaining_ms;
    EXPECT_EQ(under, d.dijkstra_eta("DMK-04", pasar_mardika)) << zone.id;
    changed += under != clear;
  }
  EXPECT_GT(changed, 0u) << "no zone lies on the way: the test proves nothing";
  d.live.set_active(std::vector<std::string>{});
  d.desk.on_metrics_changed();
  EXPECT_EQ(d.desk.eta("DMK-04")->remaining_ms, clear);
}

TEST(IncidentDesk, TwoDispatchersRacingForOneUnitNeverBothGetIt) {
  Desk d;
  const std::string a = d.call("medical", pasar_mardika);
  const std::string b = d.call("medical", {-3.6400, 128.2520});
  std::vector<IncidentDesk::UnitOutcome> first, second;
  std::thread one([&] { first = d.desk.dispatch(a, std::vector<std::string>{"AMB-01"}, "one"); });
  std::thread two([&] { second = d.desk.dispatch(b, std::vector<std::string>{"AMB-01"}, "two"); });
  one.join();
  two.join();
  EXPECT_NE(first[0].dispatched, second[0].dispatched) << "exactly one of them got it";
  const IncidentDesk::UnitOutcome& refused = first[0].dispatched ? second[0] : first[0];
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(d.incidents.get(a)->units.size() + d.incidents.get(b)->units.size(), 1u);
}

TEST(ResponsePlans, FillEachSlotFastestFirstWithNoUnitTwiceAndNameSubstitutes) {
  Desk d;
  // The issue's landslide on the road to Soya: a BPBD rescue unit and an ambulance, not three
  // ambulances.
  const geodata::LatLon soya_road{-3.7040, 128.1910};
  routing::CchQuery query(test::ambon_cch());
  const std::string landslide = d.call("disaster", soya_road, "landslide");
  const FilledPlan plan = d.desk.recommend(landslide, query);
  ASSERT_EQ(plan.slots.size(), 2u);
  EXPECT_EQ(plan.slots[0].slot.unit_type, "rescue");
  ASSERT_EQ(plan.slots[0].units.size(), 1u);
  EXPECT_EQ(plan.slots[0].units[0].state.unit.type, "rescue");
  EXPECT_EQ(plan.slots[1].units.at(0).state.unit.type, "ambulance");
  // Each is the fastest of its type: no unit of that type is nearer by Dijkstra.
  for (const FilledSlot& slot : plan.slots) {
    for (const tracking::Unit& unit : d.units.fleet().units) {
      if (unit.type != slot.slot.unit_type) continue;
      EXPECT_LE(slot.units[0].eta_ms, d.dijkstra_eta(unit.id, soya_road)) << unit.id;
    }
  }
  // A house fire wants two fire trucks and an ambulance; with every fire truck out of service
  // both missing trucks get the fastest rescue units as substitutes, and no unit is used twice.
  const std::string fire = d.call("fire", pasar_mardika, "house_fire");
  for (const tracking::Unit& unit : d.units.fleet().units) {
    if (unit.type == "fire_truck") {
      ASSERT_TRUE(d.units.change_status(unit.id, UnitStatus::out_of_service, "", d.now).accepted);
    }
  }
  const FilledPlan short_of_trucks = d.desk.recommend(fire, query);
  ASSERT_EQ(short_of_trucks.slots[0].slot.count, 2);
  EXPECT_TRUE(short_of_trucks.slots[0].units.empty());
  EXPECT_EQ(short_of_trucks.slots[0].missing(), 2);
  ASSERT_EQ(short_of_trucks.slots[0].substitutes.size(), 2u) << "the two BPBD rescue units";
  for (const RankedUnit& substitute : short_of_trucks.slots[0].substitutes)
    EXPECT_EQ(substitute.state.unit.type, "rescue");
  std::vector<std::string> ids = short_of_trucks.unit_ids();
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "a unit chosen twice";
  EXPECT_EQ(ids.size(), 3u);
  // Dispatching the whole plan is one call.
  for (const auto& outcome : d.desk.dispatch(fire, short_of_trucks.unit_ids(), "test"))
    EXPECT_TRUE(outcome.dispatched) << outcome.unit_id << ": " << outcome.error;
  EXPECT_EQ(d.incidents.get(fire)->units.size(), 3u);
}

TEST(ResponsePlans, EveryClassHasADefaultAndBadFilesAreRefused) {
  Desk d;
  for (const IncidentClass& known : d.classes)
    EXPECT_EQ(plan_for(d.plans, known.name, "no-such-subtype").subtype, "") << known.name;
  EXPECT_THROW(parse_response_plans(R"({"plans": []})", d.classes, d.live.profiles()),
               ResponsePlanError);
  EXPECT_THROW(
      parse_response_plans(R"({"plans": [{"class": "fire", "slots": [{"unit_type": "tank"}]}]})",
                           d.classes, d.live.profiles()),
      ResponsePlanError);
  EXPECT_THROW(plan_for(d.plans, "alien", ""), UnknownIncidentClass);
}

}  // namespace
}  // namespace siaga::dispatch::incident_desk_test
