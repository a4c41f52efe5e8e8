// CCH query workspaces for concurrent requests: each request borrows one and gives it back, so
// that a server allocates a workspace per thread at most once, not once per request.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "siaga/routing/cch.h"

namespace siaga::routing {

// Keeps a pointer to `cch`, which must outlive the pool and every lease.
class QueryPool {
 public:
  explicit QueryPool(const Cch& cch) : cch_(&cch) {}
  class Lease {
   public:
    Lease(QueryPool& pool, std::unique_ptr<CchQuery> query)
        : pool_(&pool), query_(std::move(query)) {}
    Lease(Lease&&) = default;
    ~Lease();
    CchQuery& operator*() { return *query_; }

   private:
    QueryPool* pool_;
    std::unique_ptr<CchQuery> query_;
  };
  Lease borrow();

 private:
  const Cch* cch_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<CchQuery>> idle_;
};

}  // namespace siaga::routing
