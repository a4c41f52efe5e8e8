#include <gtest/gtest.h>
#include <siaga.pb.h>

#include "siaga/mqtt/topics.h"
#include "siaga/tracking/unit_status.h"

namespace siaga {
namespace {

using tracking::UnitStatus;

TEST(UnitStatus, FollowsTheLifecycle) {
  using enum UnitStatus;
  const UnitStatus path[] = {available,    dispatched, en_route, on_scene,
                             transporting, returning,  available};
  for (size_t i = 0; i + 1 < std::size(path); ++i) {
    EXPECT_EQ(tracking::transition_error(path[i], path[i + 1]), "")
        << tracking::unit_status_name(path[i]) << " → " << tracking::unit_status_name(path[i + 1]);
  }
  EXPECT_EQ(tracking::transition_error(on_scene, returning), "");  // no patient to transport
  EXPECT_EQ(tracking::transition_error(en_route, out_of_service), "");
  EXPECT_EQ(tracking::transition_error(out_of_service, available), "");
}

TEST(UnitStatus, RefusesIllegalTransitionsWithAReason) {
  using enum UnitStatus;
  EXPECT_EQ(tracking::transition_error(available, on_scene),
            "a unit cannot go from available to on_scene");
  EXPECT_NE(tracking::transition_error(out_of_service, dispatched), "");
  EXPECT_NE(tracking::transition_error(transporting, dispatched), "");
  EXPECT_NE(tracking::transition_error(on_scene, available), "");
}

TEST(UnitStatus, NamesRoundTrip) {
  for (int i = 0; i < tracking::unit_status_count; ++i) {
    const auto status = static_cast<UnitStatus>(i);
    EXPECT_EQ(tracking::parse_unit_status(tracking::unit_status_name(status)), status);
  }
  EXPECT_FALSE(tracking::parse_unit_status("flying"));
}

TEST(Topics, BuildAndParse) {
  EXPECT_EQ(mqtt::fix_topic("AMB-01"), "siaga/v1/units/AMB-01/fix");
  const auto parsed = mqtt::parse_unit_topic("siaga/v1/units/AMB-01/status");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->unit_id, "AMB-01");
  EXPECT_EQ(parsed->kind, mqtt::UnitTopicKind::status);
  EXPECT_FALSE(mqtt::parse_unit_topic("siaga/v1/units/AMB+01/fix"));
  EXPECT_FALSE(mqtt::parse_unit_topic("siaga/v1/units/AMB-01/teleport"));
  EXPECT_FALSE(mqtt::parse_unit_topic("siaga/v2/units/AMB-01/fix"));
  EXPECT_FALSE(mqtt::parse_unit_topic("siaga/v1/units//fix"));
  EXPECT_FALSE(mqtt::valid_unit_id(std::string(65, 'a')));
  EXPECT_EQ(mqtt::parse_unit_topic(mqtt::fixes_topic("AMB-01"))->kind, mqtt::UnitTopicKind::fixes);
}

TEST(WireFormat, FixRoundTripsAndGarbageIsRejected) {
  siaga::v1::Fix fix;
  fix.set_unit_id("DAMKAR-02");
  fix.set_seq(7);
  fix.set_time_ms(1763900000000);
  fix.set_lat(-3.6954);
  fix.set_lon(128.1814);
  fix.set_battery(0.5f);
  const std::string bytes = fix.SerializeAsString();
  siaga::v1::Fix decoded;
  ASSERT_TRUE(decoded.ParseFromString(bytes));
  EXPECT_EQ(decoded.unit_id(), "DAMKAR-02");
  EXPECT_EQ(decoded.seq(), 7u);
  EXPECT_DOUBLE_EQ(decoded.lat(), -3.6954);
  EXPECT_TRUE(decoded.has_battery());
  siaga::v1::Fix garbage;
  EXPECT_FALSE(garbage.ParseFromString(std::string("\xff\xff\xff\xff\x0f", 5)));
}

}  // namespace
}  // namespace siaga
