// CCTV for the dispatcher: the cameras of the register (dispatch/cameras.h) near a place, and for
// an incident the cameras near it and along the way each dispatched unit still has to drive.
//
//   GET /v1/cameras[?near=LAT,LON&radius=M]   every camera, or those within M metres (default 300)
//   GET /v1/incidents/{id}/cameras[?radius=M] near the incident and along each unit's route
//
// Every answer says whether the register is a sample. 400 for a bad place or radius, 404 for an
// unknown incident, 503 when the server has no register.
#pragma once

#include <string_view>

#include "siaga/server/api.h"

namespace siaga::server {

Reply cameras(Api& api, const Params& params);
Reply incident_cameras(Api& api, std::string_view incident_id, const Params& params);

}  // namespace siaga::server
