// Per-source-IP token bucket (discovery.md §2.6), applied to LAN input as an improvement
// over Go, which has no limit there. It runs before the envelope is opened, so a flood of
// junk from one machine costs a map lookup, not an AES-GCM attempt per datagram.
// The bucket is the host's own (host/common/token_bucket.h, header-only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "host/common/token_bucket.h"

namespace wgmesh::lan {

struct RateLimitParams {
  double tokens_per_second = 10.0;
  double burst = 20.0;
  size_t max_sources = 4096;  // least recently used source evicted beyond this
};

class SourceRateLimiter {
 public:
  explicit SourceRateLimiter(RateLimitParams params = {})
      : buckets_({params.tokens_per_second, params.burst}, params.max_sources) {}

  // Takes one token from `source`'s bucket; false when the bucket is empty. A new source
  // starts with a full bucket, so its first datagram leaves burst - 1 tokens.
  bool allow(const std::string& source, uint64_t now_ms) {
    return buckets_.allow(source, static_cast<int64_t>(now_ms));
  }

  size_t tracked_sources() const { return buckets_.tracked(); }

 private:
  KeyedTokenBuckets<std::string> buckets_;
};

}  // namespace wgmesh::lan
