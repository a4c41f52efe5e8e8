// JSON of the tracking store: units with status, position and snap; counters by reason.
#pragma once

#include "siaga/dispatch/geojson.h"
#include "siaga/tracking/store.h"

namespace siaga::server {

using dispatch::Json;

Json unit_json(const tracking::UnitState& state);
// The status a dispatcher is shown: "stale" when the unit has no fresh fix, whatever its
// lifecycle status, else that status.
std::string shown_status(const tracking::UnitState& state);
Json counters_json(const tracking::Counters& counters);

}  // namespace siaga::server
