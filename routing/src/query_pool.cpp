#include "siaga/routing/query_pool.h"

namespace siaga::routing {

QueryPool::Lease::~Lease() {
  if (!query_) return;
  std::lock_guard lock(pool_->mutex_);
  pool_->idle_.push_back(std::move(query_));
}

QueryPool::Lease QueryPool::borrow() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto query = std::move(idle_.back());
      idle_.pop_back();
      return {*this, std::move(query)};
    }
  }
  return {*this, std::make_unique<CchQuery>(*cch_)};
}

}  // namespace siaga::routing
