// JSON of the tracking store: units with status, position and snap; counters by reason.
#pragma once

#include "json_output.h"
#include "siaga/tracking/store.h"

namespace siaga::tools {

Json unit_json(const tracking::UnitState& state);
Json counters_json(const tracking::Counters& counters);

}  // namespace siaga::tools
