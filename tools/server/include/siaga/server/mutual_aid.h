// Mutual aid between regions: each 112 centre runs its own `siaga serve` with its own fleet
// (issue #18, regions side by side). When a call comes in, the server also asks its neighbours'
// servers (`siaga serve --neighbour URL`) which of their units would be there first, and the
// dispatcher sees one ranking of both fleets by arrival time, each unit labelled with its region.
// A neighbour's unit is sent by calling that region's room: the ranking says whom to call.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "siaga/server/api.h"

namespace siaga::server {

// POST URL/v1/recommend with `request` to every neighbour at once; each answer or its error.
// Never waits longer than `timeout` in all (a neighbour down or slow is reported, not waited for).
std::vector<NeighbourAnswer> ask_neighbours(const std::vector<std::string>& urls,
                                            const Json& request, std::chrono::milliseconds timeout);

// `own` (this server's /v1/recommend answer) with the neighbours' units merged into
// "recommended": all of them by eta_s (ties: this region's first), the first k, ranked anew; each
// neighbour's unit carries its "region" and "neighbour" URL. "mutual_aid" lists what each
// neighbour said: its region and how many units it offered, or its error.
Json merge_mutual_aid(Json own, const std::vector<NeighbourAnswer>& answers, size_t k);

}  // namespace siaga::server
