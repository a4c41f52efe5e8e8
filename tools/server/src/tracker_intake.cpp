#include "siaga/server/tracker_intake.h"

#include "secrets.h"
#include "siaga/mqtt/messages.h"
#include "siaga/server/ingest.h"

namespace siaga::server {

namespace {

// The secret a device presented, whichever way it could.
std::string presented(const TrackerCredentials& credentials) {
  if (!credentials.key.empty()) return credentials.key;
  if (!credentials.basic_password.empty()) return credentials.basic_password;
  return credentials.bearer;
}

// A position the store will never take (a replay, older than the newest, off the island, an
// impossible jump, …) is answered 200 with the reason in X-Siaga-Refused: Traccar Client takes
// only a 200 as delivered and sends the same position again, oldest first, until it gets one
// (traccar/traccar-client-android#149), so any other status would stop the unit's tracking at
// the first glitch. Only a journal failure asks for the retry it deserves.
TrackerReply refused_position(tracking::Rejection reason, const std::string& detail,
                              const char* ok_body) {
  if (reason == tracking::Rejection::journal_failure) return {503, detail + "\n"};
  const std::string name(tracking::rejection_name(reason));
  if (*ok_body == '[') return {200, ok_body, "application/json", name};
  return {200, "refused: " + name + ": " + detail + "\n", "text/plain", name};
}

}  // namespace

TrackerIntake::TrackerIntake(tracking::TrackingStore& store,
                             std::function<void(std::string_view)> on_fix_accepted)
    : store_(store), on_fix_accepted_(std::move(on_fix_accepted)) {}

TrackerReply TrackerIntake::refuse(tracking::Rejection reason, int status, std::string why) {
  store_.count_rejection(reason);
  return {status, std::move(why) + "\n"};
}

TrackerReply TrackerIntake::too_large(size_t limit_bytes) {
  return refuse(tracking::Rejection::too_large, 413,
                "the request body is over " + std::to_string(limit_bytes) + " bytes");
}

TrackerReply TrackerIntake::submit(TrackerReport report, const std::string& secret, bool trusted,
                                   const char* ok_body) {
  const auto tracker = store_.fleet().find_tracker(report.device_id);
  if (!tracker) {
    return refuse(tracking::Rejection::unknown_unit, 403,
                  "device " + report.device_id + " is not in the fleet");
  }
  if (!trusted && !same_secret(secret, tracker->second->secret)) {
    return refuse(tracking::Rejection::unauthorized, 401,
                  "device " + report.device_id + ": no secret, or not its secret");
  }
  report.fix.unit_id = tracker->first->id;
  if (!report.valid) {
    store_.count_rejection(tracking::Rejection::invalid_fix);
    return refused_position(tracking::Rejection::invalid_fix, "the tracker has no GPS fix",
                            ok_body);
  }
  const tracking::Outcome outcome = store_.submit_fix(report.fix, tracking::now_ms());
  if (!outcome.accepted) return refused_position(outcome.reason, outcome.detail, ok_body);
  if (on_fix_accepted_) on_fix_accepted_(report.fix.unit_id);
  return {200, ok_body, *ok_body == '[' ? "application/json" : "text/plain"};
}

TrackerReply TrackerIntake::osmand(const Params& params, std::string_view body,
                                   std::string_view content_type,
                                   const TrackerCredentials& credentials) {
  try {
    const bool json = content_type.starts_with("application/json") ||
                      (params.empty() && !body.empty() && body.front() == '{');
    return submit(json ? decode_osmand_json(body) : decode_osmand_params(params),
                  presented(credentials), false);
  } catch (const TrackerFormatError& error) {
    return refuse(tracking::Rejection::undecodable, 400, error.what());
  }
}

TrackerReply TrackerIntake::owntracks(std::string_view body,
                                      const TrackerCredentials& credentials) {
  // The app names itself in X-Limit-U and X-Limit-D; else the Basic user is the whole name.
  const std::string device = !credentials.limit_user.empty() && !credentials.limit_device.empty()
                                 ? credentials.limit_user + "/" + credentials.limit_device
                                 : credentials.basic_user;
  if (device.empty()) {
    return refuse(tracking::Rejection::unauthorized, 401,
                  "OwnTracks: name the device (X-Limit-U and X-Limit-D, or HTTP Basic)");
  }
  try {
    // Decoded for the device's unit once it is known; the unit id only fills the fix.
    const auto fix = mqtt::decode_owntracks(body, "");
    if (!fix) return {200, "[]", "application/json"};  // not a location (lwt, transition, …)
    TrackerReport report{device, to_position_fix(*fix)};
    return submit(report, presented(credentials), false, "[]");
  } catch (const mqtt::DecodeError& error) {
    return refuse(tracking::Rejection::undecodable, 400, error.what());
  }
}

TrackerReply TrackerIntake::traccar(std::string_view body, const TrackerCredentials& credentials) {
  bool known = false;
  for (const tracking::Forwarder& forwarder : store_.fleet().forwarders)
    known |= same_secret(credentials.bearer, forwarder.secret);
  if (!known) {
    return refuse(tracking::Rejection::unauthorized, 401,
                  "a forwarding Traccar server sends Authorization: Bearer <its secret>");
  }
  try {
    return submit(decode_traccar_forward(body), "", true);
  } catch (const TrackerFormatError& error) {
    return refuse(tracking::Rejection::undecodable, 400, error.what());
  }
}

void TrackerIntake::traccar_over_mqtt(std::string_view payload) {
  try {
    submit(decode_traccar_forward(payload), "", true);
  } catch (const TrackerFormatError&) {
    store_.count_rejection(tracking::Rejection::undecodable);
  }
}

}  // namespace siaga::server
