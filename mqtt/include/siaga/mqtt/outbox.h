// What a tracker does while its link is down: keep the messages and send them, oldest first, once
// the client is connected again, before anything new. Publishing into a disconnected libmosquitto
// client instead let it send them after newer ones (with two broker restarts under 500 vehicles,
// about a thousand fixes arrived late and were refused as out of order). One thread uses it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "siaga/mqtt/client.h"

namespace siaga::mqtt {

class Outbox {
 public:
  explicit Outbox(Client& client) : client_(&client) {}

  // Publishes now when connected (after what is held), else holds it.
  void send(std::string topic, std::string payload);
  // Publishes what is held if connected; true when nothing is left held.
  bool flush();

 private:
  Client* client_;
  std::vector<std::pair<std::string, std::string>> held_;  // topic, payload; oldest first
};

}  // namespace siaga::mqtt
