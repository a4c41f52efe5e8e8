// The HTTP API's request parsers and handlers, called as the server calls them: line 1 picks the
// endpoint, line 2 is the profile (or hazard zone, or incident id), line 3 the coordinates (or
// the incident's sub-resource), line 4 the query string, the rest the JSON body (places,
// coverage, moveups and moveup-accept read only the query or the body; cameras the query,
// incident-cameras line 2 and the query). The citizens' listener: public-report (line 2 the
// address), public-status (line 2 the id, line 3 the key), photo (the body as a photo). The
// trackers' listener too (osmand, owntracks, traccar, traccar-mqtt): line 2 is the secret (given as
// key, Basic password and bearer token), line 3 "user device" (Basic user, X-Limit-U/D). An answer
// of 500 or more, or a crash, is a finding: every bad request must get a 4xx.
#include <cstdio>
#include <cstdlib>

#include "fuzz_support.h"
#include "siaga/dispatch/dataset.h"
#include "siaga/geodata/hazards.h"
#include "siaga/routing/cch.h"
#include "siaga/server/api.h"
#include "siaga/server/cameras_api.h"
#include "siaga/server/coverage_api.h"
#include "siaga/server/incidents_api.h"
#include "siaga/server/osrm_api.h"
#include "siaga/server/polyline.h"
#include "siaga/server/public_reports.h"
#include "siaga/server/tracker_intake.h"

using namespace siaga;

namespace {

// The sample fleet with an HTTP tracker of each kind (as in tests/server/trackers_test.cpp), and
// a forwarding Traccar server; the seeds in corpus/http use these secrets.
tracking::Fleet fleet_with_trackers() {
  tracking::Fleet fleet = fuzz::sample_fleet();
  for (tracking::Unit& unit : fleet.units) {
    if (unit.id == "AMB-01") unit.trackers.push_back({"48241179", "secret-of-amb01-phone"});
    if (unit.id == "POL-01") unit.trackers.push_back({"jane/phone", "secret-of-janes-phone"});
    if (unit.id == "DMK-01") unit.trackers.push_back({"358240051111110", ""});
  }
  fleet.forwarders.push_back({"traccar-dinkes", "secret-of-dinkes-traccar"});
  return fleet;
}

// The engine of `siaga serve` on the schematic island, the sample fleet reporting from home.
struct Served {
  routing::Cch cch = routing::Cch::build(fuzz::ambon());
  geodata::Snapper snapper{fuzz::ambon()};
  routing::LiveMetrics live{
      fuzz::ambon(), cch, routing::load_profiles(dispatch::default_profiles_file()),
      geodata::overlay_hazards(
          fuzz::ambon(),
          geodata::load_hazards(fuzz::source_dir / "geodata/ambon/hazards-illustrative.geojson")
              .zones)};
  std::vector<dispatch::IncidentClass> classes =
      dispatch::load_incident_classes(dispatch::default_incident_types_file(), live.profiles());
  tracking::TrackingStore store{fleet_with_trackers(), fuzz::ambon()};
  server::TrackerIntake trackers{store};
  routing::QueryPool queries{cch};
  std::vector<dispatch::ResponsePlan> plans = dispatch::load_response_plans(
      dispatch::default_response_plans_file(), classes, live.profiles());
  std::vector<dispatch::ResponseTarget> targets =
      dispatch::load_response_targets(dispatch::default_response_targets_file());
  tracking::IncidentStore incidents{{}};
  dispatch::DispatchContext context{fuzz::ambon(), snapper, live, classes};
  dispatch::IncidentDesk desk{context, store, incidents, queries, plans, {}};
  server::Api api{fuzz::ambon(), snapper, live, store, classes, queries, {}};
  server::CoverageSetup coverage = server::load_coverage_setup(
      fuzz::ambon(), fuzz::source_dir / "geodata/ambon/scenarios/baseline.json");
  server::Relocations relocations;
  std::vector<geodata::NamedPlace> named =
      geodata::load_named_places(fuzz::source_dir / "geodata/ambon/ambon-schematic.osm.pbf");
  dispatch::PlaceIndex places{fuzz::ambon(), named, {}};
  dispatch::CameraIndex cameras{
      dispatch::load_cameras(fuzz::source_dir / "geodata/ambon/cameras-SAMPLE.geojson")};
  server::PublicReports public_reports{api, public_options()};

  static server::PublicReportOptions public_options() {
    server::PublicReportOptions options;
    options.state_dir = std::filesystem::temp_directory_path() / "siaga-fuzz-public";
    return options;
  }

  Served() {
    api.cameras = &cameras;
    api.public_reports = &public_reports;
    api.coverage = &coverage;
    api.relocations = &relocations;
    api.places = &places;
    api.desk = &desk;
    api.incidents = &incidents;
    api.response_targets = targets;
    live.set_active({});
    const int64_t now = tracking::now_ms();
    for (const tracking::Unit& unit : store.fleet().units)
      store.submit_fix({unit.id, 1, now - 1000, unit.home.lat, unit.home.lon, 0, 0, 5, {}}, now);
  }
};

Served& served() {
  static Served instance;
  return instance;
}

std::string_view next_line(std::string_view& input) {
  const size_t newline = input.find('\n');
  const std::string_view line = input.substr(0, newline);
  input = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  return line;
}

// a=1&b=2 as the HTTP library hands it over (already split; no percent-decoding needed here).
server::Params parse_query(std::string_view query) {
  server::Params params;
  while (!query.empty()) {
    const std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    const size_t equals = pair.find('=');
    params.emplace(std::string(pair.substr(0, equals)),
                   equals == std::string_view::npos ? "" : std::string(pair.substr(equals + 1)));
  }
  return params;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet_gdal();
  (void)served();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input = fuzz::text(data, size);
  const std::string_view endpoint = next_line(input);
  const std::string_view profile = next_line(input);
  const std::string_view coordinates = next_line(input);
  const server::Params params = parse_query(next_line(input));
  const std::string_view body = input;
  server::Api& api = served().api;
  server::Reply reply;
  if (endpoint == "route") {
    reply = server::osrm_route(api, profile, coordinates, params);
  } else if (endpoint == "table") {
    reply = server::osrm_table(api, profile, coordinates, params);
  } else if (endpoint == "nearest") {
    reply = server::osrm_nearest(api, profile, coordinates, params);
  } else if (endpoint == "recommend") {
    reply = server::recommend(api, body);
  } else if (endpoint == "dispatch") {
    reply = server::dispatch(api, body);
  } else if (endpoint == "places") {
    reply = server::places(api, params);
  } else if (endpoint == "coverage") {
    reply = server::live_coverage(api, params);
  } else if (endpoint == "moveups") {
    reply = server::moveups(api);
  } else if (endpoint == "moveup-accept") {
    reply = server::accept_moveup(api, body);
  } else if (endpoint == "cameras") {
    reply = server::cameras(api, params);
  } else if (endpoint == "incident-cameras") {
    reply = server::incident_cameras(api, profile, params);
  } else if (endpoint == "public-report") {
    reply = served().public_reports.submit(body, std::string(profile));
  } else if (endpoint == "public-status") {
    reply = served().public_reports.status(profile, coordinates);
  } else if (endpoint == "photo") {
    const server::CleanPhoto photo = server::strip_photo_metadata(body);
    if (photo.error.empty() == photo.bytes.empty()) std::abort();  // one or the other
    return 0;
  } else if (endpoint == "hazard") {
    reply = server::toggle_hazard(api, profile, !coordinates.empty());
  } else if (endpoint == "incident") {  // line 2: the incident id, line 3: the sub-resource
    const server::Caller caller;
    const std::string id(profile);
    if (coordinates == "create") {
      reply = server::create_incident(api, body, id, caller);
    } else if (coordinates == "list") {
      reply = server::list_incidents(api, params, caller);
    } else if (coordinates == "units") {
      reply = server::dispatch_to_incident(api, id, body, caller);
    } else if (coordinates == "events") {
      reply = server::incident_event(api, id, body, caller);
    } else if (coordinates == "close") {
      reply = server::close_incident(api, id, body, caller);
    } else if (coordinates == "recommend") {
      reply = server::recommend_for_incident(api, id);
    } else if (coordinates == "report") {
      reply = server::response_times(api, params);
    } else {
      reply = server::get_incident(api, id, caller);
    }
  } else if (endpoint == "osmand" || endpoint == "owntracks" || endpoint == "traccar") {
    server::TrackerCredentials credentials;
    credentials.key = credentials.basic_password = credentials.bearer = std::string(profile);
    const size_t space = coordinates.find(' ');
    credentials.basic_user = credentials.limit_user = std::string(coordinates.substr(0, space));
    if (space != std::string_view::npos)
      credentials.limit_device = std::string(coordinates.substr(space + 1));
    server::TrackerIntake& trackers = served().trackers;
    const server::TrackerReply answer =
        endpoint == "osmand"      ? trackers.osmand(params, body, "", credentials)
        : endpoint == "owntracks" ? trackers.owntracks(body, credentials)
                                  : trackers.traccar(body, credentials);
    if (answer.status >= 500) {
      std::fprintf(stderr, "HTTP %d: %s\n", answer.status, answer.body.c_str());
      std::abort();
    }
    return 0;
  } else if (endpoint == "traccar-mqtt") {
    served().trackers.traccar_over_mqtt(body);
    return 0;
  } else {
    (void)server::decode_polyline(body, 5);
    return 0;
  }
  if (reply.status >= 500) {
    std::fprintf(stderr, "HTTP %d: %s\n", reply.status, reply.body.dump().c_str());
    std::abort();
  }
  // What is sent, spliced texts included, is always JSON.
  (void)server::Json::parse(server::reply_text(reply));
  return 0;
}
