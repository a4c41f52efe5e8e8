#include "siaga/mqtt/outbox.h"

namespace siaga::mqtt {

void Outbox::send(std::string topic, std::string payload) {
  if (!client_->connected()) {
    held_.emplace_back(std::move(topic), std::move(payload));
    return;
  }
  flush();
  client_->publish(topic, payload);
}

bool Outbox::flush() {
  if (!client_->connected()) return held_.empty();
  for (const auto& [topic, payload] : held_) client_->publish(topic, payload);
  held_.clear();
  return true;
}

}  // namespace siaga::mqtt
