// Topic names and the protobuf wire format: built and parsed back, garbage refused.
#include "siaga/mqtt/topics.h"

#include <gtest/gtest.h>
#include <siaga.pb.h>

namespace siaga::topics_test {
namespace {

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
}  // namespace siaga::topics_test
