// The trackers' HTTP intake: OsmAnd / Traccar Client (query, form or JSON), OwnTracks in HTTP
// mode, and a Traccar server's position forwarding (over HTTP, or the same JSON over MQTT). Each
// request proves its device with the secret the fleet file gives it (query `key=`, HTTP Basic
// password, or a bearer token; a forwarder with its own bearer token), is decoded into one fix
// and goes through the tracking store like an MQTT fix. Plain functions from a request's parts
// to a reply, so that tests and fuzzers call them directly; tracker_server.h wires them to URLs.
//
// Answers: 200 accepted (OwnTracks: `[]`, as the app expects); 200 with `X-Siaga-Refused: REASON`
// a position the store will never take (duplicate, out_of_order, off_island, not_finite,
// from_the_future, impossible_speed, invalid_fix: retrying cannot help, and the apps resend
// anything but a 200 forever); 400 not the format (what is missing), 401 no or a wrong secret,
// 403 a device the fleet does not have, 413 too large (requests a configuration must fix); 503
// not journaled (retry). Every refusal is counted by reason in the store, as MQTT reports are.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "siaga/server/api.h"
#include "siaga/server/tracker_formats.h"

namespace siaga::server {

// What a request carries to prove itself.
struct TrackerCredentials {
  std::string key;         // ?key=
  std::string basic_user;  // HTTP Basic
  std::string basic_password;
  std::string bearer;      // Authorization: Bearer
  std::string limit_user;  // OwnTracks' X-Limit-U and X-Limit-D
  std::string limit_device;
};

struct TrackerReply {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain";
  std::string refused = {};  // with a 200: the rejection's name, for the X-Siaga-Refused header
};

// Keeps a reference to `store`, which must outlive it. `on_fix_accepted` (may be empty) is told
// each accepted fix's unit, as the MQTT intake tells it.
class TrackerIntake {
 public:
  TrackerIntake(tracking::TrackingStore& store,
                std::function<void(std::string_view unit_id)> on_fix_accepted = {});

  // GET or POST /osmand (and /): query or form parameters, or Traccar Client's JSON body.
  TrackerReply osmand(const Params& params, std::string_view body, std::string_view content_type,
                      const TrackerCredentials& credentials);
  // POST /owntracks
  TrackerReply owntracks(std::string_view body, const TrackerCredentials& credentials);
  // POST /traccar: a forwarding Traccar server, authenticated by its bearer token.
  TrackerReply traccar(std::string_view body, const TrackerCredentials& credentials);
  // The same JSON from MQTT (traccar/positions), where the broker's ACL authenticated it.
  void traccar_over_mqtt(std::string_view payload);
  // A request whose body is over the listener's limit: counted, and answered 413.
  TrackerReply too_large(size_t limit_bytes);

 private:
  // The report's device mapped to its unit (its secret checked unless `trusted`), submitted.
  TrackerReply submit(TrackerReport report, const std::string& secret, bool trusted,
                      const char* ok_body = "");
  TrackerReply refuse(tracking::Rejection reason, int status, std::string why);

  tracking::TrackingStore& store_;
  std::function<void(std::string_view)> on_fix_accepted_;
};

}  // namespace siaga::server
