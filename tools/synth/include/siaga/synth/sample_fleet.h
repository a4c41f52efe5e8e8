// The SAMPLE Ambon fleet: units based at the map's own facilities (hospitals and PSC 119 for
// ambulances, Damkar posts for fire trucks and BPBD rescue, police stations for Polri). It is a
// plausible roster for demos and tests, not the real one.
#pragma once

#include "siaga/geodata/road_network.h"
#include "siaga/tracking/fleet.h"

namespace siaga::synth {

// `extra_units` more simulated units (SIM-0001, ...) cycle through the same homes and types, for
// load tests.
tracking::Fleet sample_fleet(const geodata::RoadNetwork& network, size_t extra_units = 0);

}  // namespace siaga::synth
