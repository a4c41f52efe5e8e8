#include "siaga/server/mutual_aid.h"

#include <httplib.h>

#include <algorithm>
#include <future>

namespace siaga::server {

namespace {

NeighbourAnswer ask_one(const std::string& url, const std::string& body,
                        std::chrono::milliseconds timeout) {
  NeighbourAnswer answer{url, {}, {}};
  try {
    httplib::Client client(url);
    client.set_connection_timeout(timeout);
    client.set_read_timeout(timeout);
    client.set_write_timeout(timeout);
    const auto result = client.Post("/v1/recommend", body, "application/json");
    if (!result) {
      answer.error = "no answer: " + httplib::to_string(result.error());
      return answer;
    }
    Json json = Json::parse(result->body, nullptr, false);
    if (result->status != 200) {
      answer.error =
          "answered " + std::to_string(result->status) +
          (json.is_object() && json.contains("error") ? ": " + json["error"].dump() : "");
    } else if (!json.is_object() || !json.contains("recommended") ||
               !json["recommended"].is_array()) {
      answer.error = "answered something that is not a recommendation";
    } else {
      answer.answer = std::move(json);
    }
  } catch (const std::exception& error) {  // a malformed URL, say
    answer.error = error.what();
  }
  return answer;
}

// A neighbour's unit as the merged ranking shows it, or nothing when the item is not one.
std::optional<Json> offered_unit(const Json& item, const NeighbourAnswer& from) {
  if (!item.is_object() || !item.contains("eta_s") || !item["eta_s"].is_number() ||
      !item.contains("unit_id") || !item["unit_id"].is_string())
    return std::nullopt;
  Json unit = item;
  unit["neighbour"] = from.url;
  const Json region = from.answer.value("region", Json(""));
  unit["region"] = region.is_string() ? region : Json("");
  return unit;
}

}  // namespace

std::vector<NeighbourAnswer> ask_neighbours(const std::vector<std::string>& urls,
                                            const Json& request,
                                            std::chrono::milliseconds timeout) {
  const std::string body = request.dump();
  std::vector<std::future<NeighbourAnswer>> asked;
  for (const std::string& url : urls)
    asked.push_back(std::async(std::launch::async, ask_one, url, body, timeout));
  std::vector<NeighbourAnswer> answers;
  for (auto& answer : asked) answers.push_back(answer.get());
  return answers;
}

Json merge_mutual_aid(Json own, const std::vector<NeighbourAnswer>& answers, size_t k) {
  std::vector<Json> all(std::make_move_iterator(own["recommended"].begin()),
                        std::make_move_iterator(own["recommended"].end()));
  Json said = Json::array();
  for (const NeighbourAnswer& answer : answers) {
    if (!answer.error.empty()) {
      said.push_back({{"neighbour", answer.url}, {"error", answer.error}});
      continue;
    }
    size_t offered = 0;
    for (const Json& item : answer.answer["recommended"]) {
      if (auto unit = offered_unit(item, answer)) {
        all.push_back(std::move(*unit));
        ++offered;
      }
    }
    said.push_back({{"neighbour", answer.url},
                    {"region", answer.answer.value("region", Json(""))},
                    {"units", offered}});
  }
  // Stable: on equal times this region's own unit (listed first) stays ahead.
  std::vector<size_t> order(all.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return all[a]["eta_s"].get<double>() < all[b]["eta_s"].get<double>();
  });
  Json merged = Json::array();
  for (size_t i = 0; i < order.size() && merged.size() < k; ++i) {
    Json unit = std::move(all[order[i]]);  // each is taken once: no copy of its route
    unit["rank"] = merged.size() + 1;
    merged.push_back(std::move(unit));
  }
  own["recommended"] = merged;
  own["mutual_aid"] = said;
  return own;
}

}  // namespace siaga::server
