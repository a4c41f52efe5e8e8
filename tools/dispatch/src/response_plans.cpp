#include "siaga/dispatch/response_plans.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "siaga/text_file.h"

namespace siaga::dispatch {

namespace {

using JsonIn = nlohmann::json;

std::string text_of(const JsonIn& item, const char* field, const std::string& where,
                    bool required) {
  if (!item.contains(field)) {
    if (required) throw ResponsePlanError(where + ": \"" + field + "\" is missing");
    return {};
  }
  if (!item[field].is_string()) throw ResponsePlanError(where + ": \"" + field + "\" is text");
  return item[field].get<std::string>();
}

ResponsePlan parse_plan(const JsonIn& item, const std::string& where,
                        std::span<const IncidentClass> classes,
                        std::span<const routing::VehicleProfile> profiles) {
  if (!item.is_object()) throw ResponsePlanError(where + " must be an object");
  ResponsePlan plan{text_of(item, "class", where, true),
                    text_of(item, "subtype", where, false),
                    text_of(item, "description", where, false),
                    {}};
  const std::string named =
      where + " (" + plan.incident_class + (plan.subtype.empty() ? "" : "/" + plan.subtype) + ")";
  try {
    incident_class(classes, plan.incident_class);
  } catch (const UnknownIncidentClass& error) {
    throw ResponsePlanError(named + ": " + error.what());
  }
  if (!item.contains("slots") || !item["slots"].is_array() || item["slots"].empty())
    throw ResponsePlanError(named + ": \"slots\" must be a non-empty list");
  for (const JsonIn& slot : item["slots"]) {
    PlanSlot parsed{text_of(slot, "unit_type", named, true), slot.value("count", 1)};
    try {
      routing::profile_index(profiles, parsed.unit_type);
    } catch (const routing::UnknownVehicle& error) {
      throw ResponsePlanError(named + ": " + error.what());
    }
    if (parsed.count < 1 || parsed.count > 10)
      throw ResponsePlanError(named + ": a slot's count is 1 to 10");
    plan.slots.push_back(parsed);
  }
  return plan;
}

const IncidentClass* class_named(std::span<const IncidentClass> classes, std::string_view name) {
  for (const IncidentClass& known : classes) {
    if (known.name == name) return &known;
  }
  return nullptr;
}

}  // namespace

std::vector<ResponsePlan> parse_response_plans(const std::string& json_text,
                                               std::span<const IncidentClass> classes,
                                               std::span<const routing::VehicleProfile> profiles) {
  const JsonIn root = JsonIn::parse(json_text, nullptr, false);
  if (root.is_discarded() || !root.contains("plans") || !root["plans"].is_array())
    throw ResponsePlanError("response plans: expected {\"plans\": [...]}");
  std::vector<ResponsePlan> plans;
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < root["plans"].size(); ++i) {
    ResponsePlan plan =
        parse_plan(root["plans"][i], "plan #" + std::to_string(i + 1), classes, profiles);
    if (!seen.insert({plan.incident_class, plan.subtype}).second)
      throw ResponsePlanError("plan " + plan.incident_class + "/" + plan.subtype + " is twice");
    plans.push_back(std::move(plan));
  }
  for (const IncidentClass& known : classes) {
    if (!seen.count({known.name, ""}))
      throw ResponsePlanError("response plans: no default plan for class " + known.name);
  }
  return plans;
}

std::vector<ResponsePlan> load_response_plans(const std::filesystem::path& file,
                                              std::span<const IncidentClass> classes,
                                              std::span<const routing::VehicleProfile> profiles) {
  return parse_response_plans(read_text_file(file, "response plans"), classes, profiles);
}

std::filesystem::path default_response_plans_file() {
  return default_incident_types_file().parent_path() / "response-plans.json";
}

const ResponsePlan& plan_for(std::span<const ResponsePlan> plans, std::string_view incident_class,
                             std::string_view subtype) {
  const ResponsePlan* fallback = nullptr;
  for (const ResponsePlan& plan : plans) {
    if (plan.incident_class != incident_class) continue;
    if (plan.subtype == subtype) return plan;
    if (plan.subtype.empty()) fallback = &plan;
  }
  if (!fallback)
    throw UnknownIncidentClass("no response plan for class \"" + std::string(incident_class) +
                               "\"");
  return *fallback;
}

std::vector<std::string> FilledPlan::unit_ids() const {
  std::vector<std::string> ids;
  for (const FilledSlot& slot : slots) {
    for (const RankedUnit& unit : slot.units) ids.push_back(unit.state.unit.id);
    for (const RankedUnit& unit : slot.substitutes) ids.push_back(unit.state.unit.id);
  }
  return ids;
}

FilledPlan fill_plan(const DispatchContext& context, std::span<const tracking::UnitState> units,
                     geodata::LatLon location, const ResponsePlan& plan, routing::CchQuery& query) {
  const IncidentClass* answering = class_named(context.incident_classes, plan.incident_class);
  if (!answering) incident_class(context.incident_classes, plan.incident_class);  // throws
  const auto in_plan = [&](std::string_view unit_type) {
    return std::any_of(plan.slots.begin(), plan.slots.end(),
                       [&](const PlanSlot& slot) { return slot.unit_type == unit_type; }) ||
           answering->answered_by(unit_type);
  };
  Candidates timed = time_candidates(context, units, location, in_plan, query);
  FilledPlan filled{&plan, timed.incident,    timed.metrics,
                    {},    timed.unreachable, timed.not_available};
  std::vector<uint8_t> chosen(timed.reachable.size(), 0);
  // Each slot takes the fastest of its type not yet chosen (reachable is fastest first).
  for (const PlanSlot& slot : plan.slots) {
    FilledSlot& out = filled.slots.emplace_back(FilledSlot{slot, {}, {}});
    for (size_t i = 0; i < timed.reachable.size() && out.missing() > 0; ++i) {
      if (chosen[i] || timed.reachable[i].state->unit.type != slot.unit_type) continue;
      chosen[i] = 1;
      out.units.push_back(routed(context, timed, timed.reachable[i], query));
    }
  }
  // Then every missing unit gets the fastest unchosen unit of another type answering the class.
  for (FilledSlot& out : filled.slots) {
    for (int gap = out.missing(); gap > 0; --gap) {
      for (size_t i = 0; i < timed.reachable.size(); ++i) {
        const std::string& type = timed.reachable[i].state->unit.type;
        if (chosen[i] || type == out.slot.unit_type || !answering->answered_by(type)) continue;
        chosen[i] = 1;
        out.substitutes.push_back(routed(context, timed, timed.reachable[i], query));
        break;
      }
    }
  }
  return filled;
}

Json filled_plan_json(const DispatchContext& context, const FilledPlan& filled, int64_t now_ms) {
  Json out = dataset_label(context.network);
  const ResponsePlan& plan = *filled.plan;
  out["plan"] = {
      {"class", plan.incident_class}, {"subtype", plan.subtype}, {"description", plan.description}};
  out["incident"] = {{"snapped", incident_json(filled.incident)}};
  Json slots = Json::array();
  for (const FilledSlot& slot : filled.slots) {
    Json units = Json::array(), substitutes = Json::array();
    for (const RankedUnit& unit : slot.units)
      units.push_back(ranked_unit_json(context, *filled.metrics, unit, now_ms));
    for (const RankedUnit& unit : slot.substitutes)
      substitutes.push_back(ranked_unit_json(context, *filled.metrics, unit, now_ms));
    slots.push_back({{"unit_type", slot.slot.unit_type},
                     {"count", slot.slot.count},
                     {"units", units},
                     {"missing", slot.missing()},
                     {"substitutes", substitutes}});
  }
  out["slots"] = slots;
  out["unit_ids"] = filled.unit_ids();
  bool complete = true;
  for (const FilledSlot& slot : filled.slots) complete = complete && slot.missing() == 0;
  out["complete"] = complete;
  out["unreachable"] = skipped_json(filled.unreachable, "reason");
  out["not_available"] = skipped_json(filled.not_available, "why");
  out["hazards_active"] = active_zones_json(context, *filled.metrics);
  return out;
}

}  // namespace siaga::dispatch
