// Per-source-IP token bucket (discovery.md §2.6), applied to LAN input as an improvement
// over Go, which has no limit there. It runs before the envelope is opened, so a flood of
// junk from one machine costs a map lookup, not an AES-GCM attempt per datagram.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/lru_map.h"

namespace wgmesh::lan {

struct RateLimitParams {
  double tokens_per_second = 10.0;
  double burst = 20.0;
  size_t max_sources = 4096;  // least recently used source evicted beyond this
};

class SourceRateLimiter {
 public:
  explicit SourceRateLimiter(RateLimitParams params = {});

  // Takes one token from `source`'s bucket; false when the bucket is empty. A new source
  // starts with a full bucket, so its first datagram leaves burst - 1 tokens.
  bool allow(const std::string& source, uint64_t now_ms);

  size_t tracked_sources() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens = 0;
    uint64_t updated_ms = 0;
  };
  RateLimitParams params_;
  LruMap<Bucket> buckets_;
};

}  // namespace wgmesh::lan
