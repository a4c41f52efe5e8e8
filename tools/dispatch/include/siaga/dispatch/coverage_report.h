// What a coverage run tells a planner: JSON (shares island-wide, per area, the worst-served places;
// a second scenario beside it), and GIS files for QGIS (every street's minutes per target; every
// area with its shares).
#pragma once

#include <filesystem>

#include "siaga/dispatch/coverage.h"
#include "siaga/dispatch/geojson.h"

namespace siaga::dispatch {

Json coverage_json(const RoutingSetup& setup, const Scenario& scenario, const Coverage& coverage);
// Baseline against another scenario (e.g. with a flood): coverage lost per target, places losing
// it.
Json compare_json(const RoutingSetup& setup, const Scenario& base, const Coverage& base_coverage,
                  const Scenario& other, const Coverage& other_coverage);

// Every segment with its demand and minutes per target (GeoJSON or GeoPackage, for QGIS).
void write_segments(const std::filesystem::path& file, const RoutingSetup& setup,
                    const Coverage& coverage);
// Every area (its boundary, or its seat point) with its demand and share per target.
void write_areas(const std::filesystem::path& file, const Coverage& coverage);

}  // namespace siaga::dispatch
