// Per-source token buckets (discovery.md §2.6: 10 tokens/s, burst 20, at most 4096 sources
// tracked, least recently used evicted). Applied before any decryption work.
// The bucket itself is common/token_bucket.h, shared with the bundled plugins.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/token_bucket.h"

namespace wgmesh {

class RateLimiter {
 public:
  RateLimiter(double tokens_per_second = 10, double burst = 20, size_t max_sources = 4096)
      : buckets_({tokens_per_second, burst}, max_sources) {}

  // True if a message from `source` at time `now_ms` may pass (and takes a token).
  bool allow(const std::string& source, int64_t now_ms) { return buckets_.allow(source, now_ms); }
  size_t tracked() const { return buckets_.tracked(); }

 private:
  KeyedTokenBuckets<std::string> buckets_;
};

}  // namespace wgmesh
