// The unit lifecycle: every legal step, illegal ones refused with a reason, names that round-trip.
#include "siaga/tracking/unit_status.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace siaga
