// Response plans (run cards): per incident class, and optionally per subtype, which unit types and
// how many make the first response (a data file, tools/dispatch/response-plans.json). A plan is
// filled with the fastest available unit per slot, no unit twice; a slot that cannot be filled
// is named, with the fastest substitute of another type that answers the class.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "siaga/dispatch/recommendation.h"

namespace siaga::dispatch {

// A response-plans file that cannot be used: names the plan and the problem.
struct ResponsePlanError : DataError {
  using DataError::DataError;
};

struct PlanSlot {
  std::string unit_type;  // a vehicle profile
  int count = 1;
};

struct ResponsePlan {
  std::string incident_class;
  std::string subtype;  // empty: the class's default plan
  std::string description;
  std::vector<PlanSlot> slots;
};

// Every class of `classes` must have a default plan; every slot type must be a vehicle profile.
std::vector<ResponsePlan> parse_response_plans(const std::string& json_text,
                                               std::span<const IncidentClass> classes,
                                               std::span<const routing::VehicleProfile> profiles);
std::vector<ResponsePlan> load_response_plans(const std::filesystem::path& file,
                                              std::span<const IncidentClass> classes,
                                              std::span<const routing::VehicleProfile> profiles);
std::filesystem::path default_response_plans_file();

// The subtype's plan, else the class's default. Throws UnknownIncidentClass.
const ResponsePlan& plan_for(std::span<const ResponsePlan> plans, std::string_view incident_class,
                             std::string_view subtype);

struct FilledSlot {
  PlanSlot slot;
  std::vector<RankedUnit> units;        // at most slot.count, fastest first, with routes
  std::vector<RankedUnit> substitutes;  // one per missing unit where another type can come
  int missing() const { return slot.count - static_cast<int>(units.size()); }
};

struct FilledPlan {
  const ResponsePlan* plan = nullptr;
  geodata::Snap incident;
  std::shared_ptr<const routing::MetricSet> metrics;
  std::vector<FilledSlot> slots;
  std::vector<SkippedUnit> unreachable;
  std::vector<SkippedUnit> not_available;
  std::vector<std::string> unit_ids() const;  // every unit chosen, substitutes included
};

// Slots are filled in the plan's order, each with the fastest units of its type not yet chosen;
// then each missing unit gets the fastest unchosen unit of another type that answers the class.
// Throws UnknownIncidentClass or geodata::SnapError.
FilledPlan fill_plan(const DispatchContext& context, std::span<const tracking::UnitState> units,
                     geodata::LatLon location, const ResponsePlan& plan, routing::CchQuery& query);

Json filled_plan_json(const DispatchContext& context, const FilledPlan& filled, int64_t now_ms);

}  // namespace siaga::dispatch
