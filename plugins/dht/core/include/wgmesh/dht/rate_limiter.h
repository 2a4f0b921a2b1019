// Per-source-IP token buckets for inbound queries, with a bounded LRU of tracked IPs
// (the control channel's limiter, spec §2.6, with the DHT's own rates) so a flood of
// spoofed sources cannot grow memory without bound.
#pragma once

#include <cstddef>
#include <cstdint>

#include "host/common/token_bucket.h"
#include "wgmesh/dht/endpoint.h"

namespace wgmesh::dht {

struct RateLimit {
  double per_second = 20.0;
  double burst = 50.0;
  size_t max_sources = 4096;  // 0 disables the limit
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimit cfg = {})
      : enabled_(cfg.max_sources != 0), buckets_({cfg.per_second, cfg.burst}, cfg.max_sources) {}

  // Consumes one token for `source`'s IP (port ignored). False = over the limit.
  bool allow(const Endpoint& source, int64_t now_ms) {
    if (!enabled_) return true;
    Endpoint ip = source;
    ip.port = 0;  // one bucket per address, whatever port a flood rotates through
    return buckets_.allow(ip, now_ms);
  }
  size_t tracked() const { return buckets_.tracked(); }

 private:
  bool enabled_;
  KeyedTokenBuckets<Endpoint, EndpointHash> buckets_;
};

}  // namespace wgmesh::dht
