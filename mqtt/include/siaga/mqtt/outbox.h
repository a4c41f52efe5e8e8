// What a tracker does while its link is down: keep the messages and send them, oldest first, once
// the client is connected again, before anything new. Publishing into a disconnected libmosquitto
// client instead let it send them after newer ones (with two broker restarts under 500 vehicles,
// about a thousand fixes arrived late and were refused as out of order). One thread uses it.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>

#include "siaga/mqtt/client.h"

namespace siaga::mqtt {

// Keeps a reference to `client`, which must outlive it.
class Outbox {
 public:
  // Holds at most `max_held` messages (a day of fixes at 1 Hz by default); past that the oldest
  // is dropped and counted, since a tracker's newest position matters most.
  explicit Outbox(Client& client, size_t max_held = 86'400)
      : client_(&client), max_held_(max_held) {}

  // Publishes now when connected (after what is held), else holds it.
  void send(std::string topic, std::string payload);
  // Publishes what is held if connected; true when nothing is left held.
  bool flush();

  size_t held() const { return held_.size(); }
  uint64_t dropped() const { return dropped_; }

 private:
  Client* client_;
  size_t max_held_;
  std::deque<std::pair<std::string, std::string>> held_;  // topic, payload; oldest first
  uint64_t dropped_ = 0;
};

}  // namespace siaga::mqtt
