#include "siaga/mqtt/outbox.h"

namespace siaga::mqtt {

void Outbox::send(std::string topic, std::string payload) {
  if (!client_->connected()) {
    if (max_held_ == 0) {
      ++dropped_;
      return;
    }
    if (held_.size() == max_held_) {
      held_.pop_front();
      ++dropped_;
    }
    held_.emplace_back(std::move(topic), std::move(payload));
    return;
  }
  flush();
  client_->publish(topic, payload);
}

bool Outbox::flush() {
  if (!client_->connected()) return held_.empty();
  while (!held_.empty()) {
    // Taken off only once published: a ClientError leaves it, and what follows, held.
    client_->publish(held_.front().first, held_.front().second);
    held_.pop_front();
  }
  return true;
}

}  // namespace siaga::mqtt
