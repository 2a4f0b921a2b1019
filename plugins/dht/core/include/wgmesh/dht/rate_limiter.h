// Per-source-IP token buckets for inbound queries, with a bounded LRU of tracked IPs
// (same shape as the control channel's limiter, spec §2.6) so a flood of spoofed
// sources cannot grow memory without bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <unordered_map>

#include "wgmesh/dht/endpoint.h"

namespace wgmesh::dht {

struct RateLimit {
  double per_second = 20.0;
  double burst = 50.0;
  size_t max_sources = 4096;
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimit cfg = {}) : cfg_(cfg) {}
  // Consumes one token for `source`'s IP (port ignored). False = over the limit.
  bool allow(const Endpoint& source, int64_t now_ms);
  size_t tracked() const { return map_.size(); }

 private:
  struct Bucket {
    double tokens;
    int64_t last_ms;
    std::list<Endpoint>::iterator lru;
  };
  RateLimit cfg_;
  std::list<Endpoint> lru_;  // front = most recently used; port is zeroed
  std::unordered_map<Endpoint, Bucket, EndpointHash> map_;
};

}  // namespace wgmesh::dht
