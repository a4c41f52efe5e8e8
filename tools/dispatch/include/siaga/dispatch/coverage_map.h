// A coverage map a planner can put in a report: the streets coloured by minutes from the nearest
// station for one target, the stations, the active hazard zones, a legend and a scale bar, drawn
// with cairo into a PNG.
#pragma once

#include <filesystem>

#include "siaga/dispatch/coverage.h"

namespace siaga::dispatch {

struct MapSize {
  int width = 1600;
  int height = 1200;
};

// Throws IoError when the file cannot be written.
void write_coverage_png(const std::filesystem::path& file, const RoutingSetup& setup,
                        const Scenario& scenario, const Coverage& coverage, size_t target_index,
                        MapSize size = {});

}  // namespace siaga::dispatch
