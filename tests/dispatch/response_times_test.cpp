// Response times: hand-computed intervals, medians, 90th percentiles and shares on a handful of
// calls; the store's lean rows equal the full incidents; dates in WIT.
#include "siaga/dispatch/response_times.h"

#include <gtest/gtest.h>

#include <random>

namespace siaga::dispatch::response_times_test {
namespace {

constexpr int64_t t0 = 1'796'173'200'000;  // 2026-12-02 10:00 WIT
constexpr int64_t s = 1000;

tracking::IncidentTiming call(std::string id, std::string incident_class, int64_t created_ms,
                              std::vector<tracking::UnitTiming> units,
                              tracking::CallType type = tracking::CallType::emergency,
                              std::string kecamatan = "Sirimau") {
  return {std::move(id),
          std::move(incident_class),
          std::move(kecamatan),
          type,
          tracking::IncidentStatus::closed,
          created_ms,
          std::move(units)};
}

tracking::Fleet fleet() {
  tracking::Fleet fleet;
  for (const auto& [id, agency] : {std::pair{"AMB-01", "Dinkes"},
                                   {"AMB-02", "Dinkes"},
                                   {"DMK-01", "Damkar"},
                                   {"DMK-02", "Damkar"}}) {
    tracking::Unit unit;
    unit.id = id;
    unit.agency = agency;
    fleet.units.push_back(unit);
  }
  return fleet;
}

TEST(ResponseTimes, PercentilesAreNearestRankAndMediansMiddle) {
  std::vector<double> ten;
  for (int i = 1; i <= 10; ++i) ten.push_back(i);
  EXPECT_EQ(stats_of(ten).p90_s, 9);
  EXPECT_EQ(stats_of(ten).median_s, 5.5);
  std::vector<double> hundred;
  for (int i = 100; i >= 1; --i) hundred.push_back(i);
  EXPECT_EQ(stats_of(hundred).p90_s, 90);
  EXPECT_EQ(stats_of({7}).p90_s, 7);
  EXPECT_EQ(stats_of({}).count, 0u);
}

TEST(ResponseTimes, HandComputedOnAFewCalls) {
  // Three medical calls (one ambulance each), one fire with two trucks, a prank, a ghost call.
  const std::vector<tracking::IncidentTiming> calls = {
      call("m1", "medical", t0, {{"AMB-01", t0 + 30 * s, t0 + 90 * s, t0 + 390 * s}}),
      call("m2", "medical", t0 + 3600 * s,
           {{"AMB-02", t0 + 3660 * s, t0 + 3700 * s, t0 + 4200 * s}}, tracking::CallType::emergency,
           "Nusaniwe"),
      call("m3", "medical", t0 + 86'400 * s,
           {{"AMB-01", t0 + 86'490 * s, t0 + 86'520 * s, 0}}),  // never arrived
      call("f1", "fire", t0 + 7200 * s,
           {{"DMK-01", t0 + 7260 * s, t0 + 7300 * s, t0 + 7900 * s},
            {"DMK-02", t0 + 7280 * s, t0 + 7400 * s, t0 + 7700 * s}}),
      call("p1", "other", t0, {}, tracking::CallType::prank),
      call("g1", "other", t0, {}, tracking::CallType::ghost),
  };
  const std::vector<ResponseTarget> targets = {
      {"medical", Interval::travel, 480, "NFPA 1710"},
      {"medical", Interval::response, 420, "test"},
      {"fire", Interval::response, 900, "Permendagri 114/2018"}};
  const ResponseReport report = response_report(calls, fleet(), targets, 0, 0);
  EXPECT_EQ(report.calls, 6u);
  EXPECT_EQ(report.by_call_type.at("emergency"), 4u);
  EXPECT_EQ(report.by_call_type.at("prank"), 1u);
  EXPECT_EQ(report.by_call_type.at("ghost"), 1u);
  // Processing: 30, 60, 90 (medical) and 60 (fire, its first dispatch).
  const IntervalStats& processing = report.overall[static_cast<size_t>(Interval::processing)];
  EXPECT_EQ(processing.count, 4u);
  EXPECT_EQ(processing.median_s, 60);
  EXPECT_EQ(processing.p90_s, 90);
  // Turnout per unit: 60, 40, 30, 40, 120.
  const IntervalStats& turnout = report.overall[static_cast<size_t>(Interval::turnout)];
  EXPECT_EQ(turnout.count, 5u);
  EXPECT_EQ(turnout.median_s, 40);
  EXPECT_EQ(turnout.p90_s, 120);
  // Response: 390, 600, and the fire's first arrival 500 (the second truck, sent later).
  const IntervalStats& response = report.overall[static_cast<size_t>(Interval::response)];
  EXPECT_EQ(response.count, 3u);
  EXPECT_EQ(response.median_s, 500);
  // Medical travel 300 and 500 against 480: one of two. Medical response 390 and 600 against
  // 420: one of two. Fire response 500 against 900: within.
  ASSERT_EQ(report.targets.size(), 3u);
  EXPECT_EQ(report.targets[0].count, 2u);
  EXPECT_EQ(report.targets[0].within, 1u);
  EXPECT_EQ(report.targets[1].count, 2u);
  EXPECT_EQ(report.targets[1].within, 1u);
  EXPECT_EQ(report.targets[2].within, 1u);
  // Groups: kecamatan, day (WIT), agency (Damkar's own first arrival is the fire's).
  EXPECT_EQ(report.groups.at("kecamatan").at("Nusaniwe")[3].median_s, 600);
  EXPECT_EQ(report.groups.at("day").size(), 2u);
  EXPECT_EQ(report.groups.at("day").at("2026-12-03")[0].count, 1u);
  EXPECT_EQ(report.groups.at("agency").at("Damkar")[3].median_s, 500);
  EXPECT_EQ(report.groups.at("agency").at("Dinkes")[1].count, 3u);
  const Json json = report_json(report);
  EXPECT_EQ(json["targets"][0]["share"], 0.5);
  EXPECT_EQ(json["calls_by_class"]["medical"], 3);
  EXPECT_EQ(json["by_class"]["medical"]["response"]["count"], 2);
  EXPECT_NE(report_markdown(report).find("| medical | travel | 480 s | 2 | 1 | 50 % |"),
            std::string::npos)
      << report_markdown(report);
  EXPECT_NE(report_csv(report).find("class,\"fire\",response,1,500.0,500.0"), std::string::npos);
}

TEST(ResponseTimes, ReportBoundsAreWitDates) {
  EXPECT_EQ(parse_report_time("2026-12-02", false), t0 - 10 * 3600 * s);  // 00:00 WIT
  EXPECT_EQ(parse_report_time("2026-12-02", true), t0 + 14 * 3600 * s);   // the next midnight
  EXPECT_EQ(parse_report_time("1796173200000", false), t0);
  EXPECT_EQ(parse_report_time("", true), 0);
  EXPECT_THROW(parse_report_time("2026-13-02", false), InputError);
  EXPECT_THROW(parse_report_time("yesterday", false), InputError);
}

// The report's lean query and the full incidents say the same about 300 random calls.
TEST(ResponseTimes, TheStoresTimingsEqualItsIncidents) {
  tracking::IncidentStore store({});
  std::mt19937_64 random(7);
  for (int i = 0; i < 300; ++i) {
    tracking::NewIncident incident;
    incident.location = {-3.69, 128.18, "Jl. X", i % 2 ? "Sirimau" : "Nusaniwe", "", 1};
    incident.incident_class = tracking::incident_class_names[random() % 6];
    const int64_t at = t0 + i * 60 * s;
    const std::string id = store.create(incident, "x", at).incident.id;
    const int units = static_cast<int>(random() % 3);
    for (int u = 0; u < units; ++u) {
      std::string unit = "U";
      unit.append(std::to_string(i)).append("-").append(std::to_string(u));
      store.assign_unit(id, unit, "x", -1, at + 30 * s);
      if (random() % 4)
        store.record_unit_status(id, unit, tracking::UnitStatus::en_route, false, unit,
                                 at + 80 * s);
    }
    if (random() % 3 == 0)
      store.finish(id, tracking::IncidentStatus::closed, "x", "", at + 900 * s);
  }
  auto timings = store.timings(t0 + 50 * 60 * s, t0 + 250 * 60 * s);
  std::sort(timings.begin(), timings.end(),
            [](const auto& a, const auto& b) { return a.created_ms < b.created_ms; });
  auto incidents = store.list({.open_only = false,
                               .from_ms = t0 + 50 * 60 * s,
                               .to_ms = t0 + 250 * 60 * s,
                               .limit = 10'000});
  std::reverse(incidents.begin(), incidents.end());
  ASSERT_EQ(timings.size(), 200u);
  ASSERT_EQ(incidents.size(), timings.size());
  for (size_t i = 0; i < timings.size(); ++i) {
    EXPECT_EQ(timings[i].id, incidents[i].id);
    EXPECT_EQ(timings[i].status, incidents[i].status);
    ASSERT_EQ(timings[i].units.size(), incidents[i].units.size());
    for (size_t u = 0; u < timings[i].units.size(); ++u) {
      EXPECT_EQ(timings[i].units[u].unit_id, incidents[i].units[u].unit_id);
      EXPECT_EQ(timings[i].units[u].en_route_ms, incidents[i].units[u].en_route_ms);
    }
  }
}

}  // namespace
}  // namespace siaga::dispatch::response_times_test
