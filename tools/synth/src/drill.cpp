#include "siaga/synth/drill.h"

#include <httplib.h>

#include <chrono>
#include <memory>
#include <random>
#include <thread>

#include "siaga/tracking/store.h"

namespace siaga::synth {

namespace {

using dispatch::Json;
using namespace std::chrono_literals;

struct OpenCall {
  std::string id;
  int64_t on_scene_seen_ms = 0;  // 0: not yet
};

class Drill {
 public:
  Drill(const geodata::RoadNetwork& network, const tracking::Fleet& fleet,
        const dispatch::IncidentStream& stream, const dispatch::CallPlaces& places,
        std::span<const routing::Segment> segments, const DrillOptions& options,
        const std::atomic<bool>& stop)
      : network_(network),
        fleet_(fleet),
        stream_(stream),
        places_(places),
        segments_(segments),
        options_(options),
        stop_(stop),
        random_(options.seed) {
    std::vector<int> ports = {options.server_port};
    ports.insert(ports.end(), options.standby_ports.begin(), options.standby_ports.end());
    for (const int port : ports) {
      auto& http =
          servers_.emplace_back(std::make_unique<httplib::Client>(options.server_host, port));
      http->set_connection_timeout(2s);
      http->set_read_timeout(10s);
      if (!options.token.empty()) http->set_bearer_token_auth(options.token);
    }
  }

  DrillReport run() {
    const auto health = servers_[0]->Get("/health");
    if (!health || health->status != 200)
      throw DrillError("the server at " + where() + " does not answer /health (" +
                       (health ? "status " + std::to_string(health->status)
                               : httplib::to_string(health.error())) +
                       "): is `siaga serve` running?");
    last_answer_ms_ = tracking::now_ms();
    std::atomic<bool> crews_stop{false};
    std::thread crews;
    if (options_.run_crews) {
      FleetSimOptions crew_options = options_.crews;
      crew_options.respond = true;
      crew_options.units = fleet_.units.size();
      crew_options.duration_s = 0;
      crews = std::thread([&, crew_options] {
        report_.crews = run_fleet_sim(network_, fleet_, crew_options, crews_stop);
      });
      wait_for_positions();
    }
    report_.from_ms = tracking::now_ms();
    exercise();
    report_.to_ms = tracking::now_ms();
    fetch_report();
    crews_stop = true;
    if (crews.joinable()) {
      crews.join();
      tell_what_the_crews_could_not_send();
    }
    return std::move(report_);
  }

 private:
  std::string where() const { return options_.server_host + ":" + std::to_string(port_); }

  httplib::Result send(const char* method, const std::string& path, const Json& body,
                       const httplib::Headers& headers) {
    httplib::Client& http = *servers_[current_];
    return std::string(method) == "GET"
               ? http.Get(path, headers)
               : http.Post(path, headers, body.is_null() ? "{}" : body.dump(), "application/json");
  }

  // The server's answer, turning to the pair's other server while this one is gone or is not
  // the primary (503 naming its role), for as long as the drill waits for a server.
  httplib::Result send_to_primary(const char* method, const std::string& path, const Json& body,
                                  const httplib::Headers& headers) {
    for (;;) {
      auto result = send(method, path, body, headers);
      const bool not_primary =
          result && result->status == 503 && result->body.find("\"role\"") != std::string::npos;
      const bool waited_too_long =
          tracking::now_ms() - last_answer_ms_ > options_.server_gone_seconds * 1000;
      if ((result && !not_primary) || servers_.size() < 2 || stop_ || waited_too_long)
        return result;
      current_ = (current_ + 1) % servers_.size();
      port_ = current_ == 0 ? options_.server_port : options_.standby_ports[current_ - 1];
      ++report_.failovers;
      std::this_thread::sleep_for(250ms);
    }
  }

  // The server's answer as JSON, or null after counting what went wrong.
  Json call(const char* method, const std::string& path, const Json& body = nullptr,
            const httplib::Headers& headers = {}) {
    const auto result = send_to_primary(method, path, body, headers);
    if (!result) {
      problem(std::string(method) + " " + path + ": " + httplib::to_string(result.error()));
      return nullptr;
    }
    last_answer_ms_ = tracking::now_ms();
    if (result->status / 100 != 2) {
      problem(std::string(method) + " " + path + ": " + std::to_string(result->status) + " " +
              result->body.substr(0, 200));
      return nullptr;
    }
    Json answer = Json::parse(result->body, nullptr, false);
    return answer.is_discarded() ? Json(nullptr) : answer;
  }

  // An incident as a 2xx answer showed it: what the server acknowledged.
  void acknowledge(const Json& incident, const char* what) {
    if (!incident.is_object() || !incident.contains("id")) return;
    AcknowledgedWrite write{incident["id"], what, {}, {}, port_};
    if (incident.contains("dispatched"))
      for (const Json& unit : incident["dispatched"]) write.unit_ids.push_back(unit);
    if (incident.contains("events"))
      for (const Json& event : incident["events"]) write.event_seqs.push_back(event["seq"]);
    report_.acknowledged.push_back(std::move(write));
  }

  // A close as the call's end, acknowledged: true when the server took it.
  bool close(const std::string& id, bool cancel) {
    const Json closed = call("POST", "/v1/incidents/" + id + "/close",
                             cancel ? Json{{"cancel", true}} : Json(nullptr));
    acknowledge(closed, cancel ? "cancelled" : "closed");
    return !closed.is_null();
  }

  void problem(const std::string& line) {
    ++report_.http_errors;
    if (report_.problems.size() < 20) report_.problems.push_back(line);
  }

  // The recommendation needs every unit's position: wait until the server has a fix of each.
  void wait_for_positions() {
    const auto limit = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < limit && !stop_) {
      const Json units = call("GET", "/v1/units");
      size_t seen = 0;
      if (units.is_object() && units["units"].is_array())
        for (const Json& unit : units["units"]) seen += unit.contains("fix");
      if (seen >= fleet_.units.size()) return;
      std::this_thread::sleep_for(500ms);
    }
    report_.problems.push_back("not every unit had a position within 60 s of the crews' start");
  }

  void exercise() {
    const double per_ms = options_.calls_per_minute / 60'000.0;
    std::exponential_distribution<double> gap(per_ms > 0 ? per_ms : 1);
    const int64_t end = report_.from_ms + static_cast<int64_t>(options_.minutes * 60'000);
    const int64_t settle_end = end + static_cast<int64_t>(options_.settle_seconds * 1000);
    double next_call = static_cast<double>(report_.from_ms) + gap(random_);
    int64_t next_poll = 0;
    while (!stop_) {
      const int64_t now = tracking::now_ms();
      if (per_ms > 0 && now < end && now >= next_call) {
        create_call(now);
        next_call += gap(random_);
      }
      if (now >= next_poll) {
        poll_open_calls(now);
        next_poll = now + 1000;
      }
      if (now - last_answer_ms_ > options_.server_gone_seconds * 1000) {
        report_.problems.push_back("the server at " + where() + " stopped answering for " +
                                   std::to_string(static_cast<int>(options_.server_gone_seconds)) +
                                   " s: the drill stopped");
        return;
      }
      if (now >= end && (open_.empty() || now >= settle_end)) break;
      std::this_thread::sleep_for(100ms);
    }
    // At the end: a call whose unit got there is closed as done, one still waiting is cancelled.
    for (const OpenCall& open : open_) {
      if (open.on_scene_seen_ms != 0) {
        if (close(open.id, false)) ++report_.closed;
      } else if (close(open.id, true)) {
        ++report_.cancelled;
      }
    }
    open_.clear();
  }

  void create_call(int64_t now) {
    const dispatch::DrawnCall drawn =
        dispatch::draw_call(stream_, places_, now, std::string::npos, random_);
    const geodata::LatLon place = routing::segment_middle(network_, segments_[drawn.segment]);
    Json body = {{"lat", place.lat},
                 {"lon", place.lon},
                 {"class", drawn.incident_class->incident_class},
                 {"note", "DRILL (siaga drill)"}};
    if (!drawn.subtype.empty()) body["subtype"] = drawn.subtype;
    // A create retried on the standby after a failover is never a second call.
    const std::string key =
        "drill-" + std::to_string(report_.from_ms) + "-" + std::to_string(++calls_made_);
    const Json created = call("POST", "/v1/incidents", body, {{"Idempotency-Key", key}});
    if (!created.is_object() || !created.contains("id")) return;
    ++report_.created;
    const std::string id = created["id"];
    acknowledge(created, "created");
    const Json plan = call("POST", "/v1/incidents/" + id + "/recommend");
    if (!plan.is_object() || !plan["unit_ids"].is_array() || plan["unit_ids"].empty()) {
      ++report_.no_unit;
      if (close(id, true)) ++report_.cancelled;
      return;
    }
    const Json sent =
        call("POST", "/v1/incidents/" + id + "/units", {{"unit_ids", plan["unit_ids"]}});
    if (sent.is_null()) {  // said as a problem; the call is not left open
      if (close(id, true)) ++report_.cancelled;
      return;
    }
    acknowledge(sent, "dispatched");
    ++report_.dispatched;
    open_.push_back({id, 0});
  }

  // A call is closed scene_seconds after the engine saw its first unit there.
  void poll_open_calls(int64_t now) {
    for (auto it = open_.begin(); it != open_.end();) {
      if (it->on_scene_seen_ms == 0) {
        const Json incident = call("GET", "/v1/incidents/" + it->id);
        if (incident.is_object() && incident.value("status", "") == "on_scene") {
          it->on_scene_seen_ms = now;
          ++report_.reached_scene;
        }
      }
      if (it->on_scene_seen_ms != 0 &&
          now - it->on_scene_seen_ms >= static_cast<int64_t>(options_.scene_seconds * 1000) &&
          close(it->id, false)) {
        ++report_.closed;
        it = open_.erase(it);
        continue;
      }
      ++it;
    }
  }

  // A broker that was gone for long: the crews' fixes it never acknowledged, said.
  void tell_what_the_crews_could_not_send() {
    const FleetSimReport& crews = report_.crews;
    if (crews.dropped_offline > 0)
      report_.problems.push_back(std::to_string(crews.dropped_offline) +
                                 " crew fixes were dropped while the broker was away");
    if (!crews.all_acknowledged)
      report_.problems.push_back(
          "the broker did not acknowledge every crew fix before the drill ended");
  }

  void fetch_report() {
    report_.report =
        call("GET", "/v1/reports/response-times?from=" + std::to_string(report_.from_ms) +
                        "&to=" + std::to_string(report_.to_ms + 1));
  }

  const geodata::RoadNetwork& network_;
  const tracking::Fleet& fleet_;
  const dispatch::IncidentStream& stream_;
  const dispatch::CallPlaces& places_;
  std::span<const routing::Segment> segments_;
  const DrillOptions& options_;
  const std::atomic<bool>& stop_;
  std::vector<std::unique_ptr<httplib::Client>> servers_;  // the server, then its standbys
  size_t current_ = 0;
  int port_ = options_.server_port;
  std::mt19937_64 random_;
  int64_t last_answer_ms_ = 0;
  std::vector<OpenCall> open_;
  uint64_t calls_made_ = 0;
  DrillReport report_;
};

}  // namespace

DrillReport run_drill(const geodata::RoadNetwork& network, const tracking::Fleet& fleet,
                      const dispatch::IncidentStream& stream, const dispatch::CallPlaces& places,
                      std::span<const routing::Segment> segments, const DrillOptions& options,
                      const std::atomic<bool>& stop) {
  return Drill(network, fleet, stream, places, segments, options, stop).run();
}

Json drill_json(const DrillReport& report) {
  Json crews = {{"fixes", report.crews.fixes},
                {"missions", report.crews.missions},
                {"disconnects", report.crews.disconnects},
                {"dropped_offline", report.crews.dropped_offline},
                {"all_acknowledged", report.crews.all_acknowledged}};
  return {{"calls_created", report.created},
          {"dispatched", report.dispatched},
          {"no_unit", report.no_unit},
          {"reached_scene", report.reached_scene},
          {"closed", report.closed},
          {"cancelled", report.cancelled},
          {"http_errors", report.http_errors},
          {"failovers", report.failovers},
          {"acknowledged_writes", report.acknowledged.size()},
          {"problems", report.problems},
          {"crews", crews},
          {"from_ms", report.from_ms},
          {"to_ms", report.to_ms},
          {"report", report.report}};
}

}  // namespace siaga::synth
