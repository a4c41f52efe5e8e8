// What the server's listeners share beside their transport (event_http.h): a Reply sent as JSON.
// Private to the server.
#pragma once

#include <httplib.h>

#include "siaga/server/api.h"

namespace siaga::server {

inline void send(httplib::Response& response, const Reply& reply) {
  response.status = reply.status;
  response.set_content(reply_text(reply), "application/json");
}

}  // namespace siaga::server
