// The unit lifecycle: every legal step, illegal ones refused with a reason, names that round-trip.
#include "siaga/tracking/unit_status.h"

#include <gtest/gtest.h>

namespace siaga::unit_status_test {
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

TEST(UnitStatus, AMoveUpIsAvailableToRelocatingAndBackOrSentOnTheWay) {
  using enum UnitStatus;
  EXPECT_EQ(tracking::transition_error(available, relocating), "");
  EXPECT_EQ(tracking::transition_error(relocating, available), "");   // at the post
  EXPECT_EQ(tracking::transition_error(relocating, dispatched), "");  // sent on the way
  EXPECT_EQ(tracking::transition_error(relocating, out_of_service), "");
  EXPECT_EQ(tracking::transition_error(relocating, on_scene),
            "a relocating unit becomes available or is dispatched, not on_scene");
  EXPECT_NE(tracking::transition_error(dispatched, relocating), "");
  EXPECT_NE(tracking::transition_error(returning, relocating), "");
  EXPECT_TRUE(tracking::dispatchable.has(available));
  EXPECT_TRUE(tracking::dispatchable.has(relocating));
  for (UnitStatus busy : {dispatched, en_route, on_scene, transporting, returning, out_of_service})
    EXPECT_FALSE(tracking::dispatchable.has(busy)) << tracking::unit_status_name(busy);
}

TEST(UnitStatus, NamesRoundTrip) {
  for (int i = 0; i < tracking::unit_status_count; ++i) {
    const auto status = static_cast<UnitStatus>(i);
    EXPECT_EQ(tracking::parse_unit_status(tracking::unit_status_name(status)), status);
  }
  EXPECT_FALSE(tracking::parse_unit_status("flying"));
}

}  // namespace
}  // namespace siaga::unit_status_test
