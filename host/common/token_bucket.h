// Token buckets per source (discovery.md §2.6), applied to inbound datagrams before any
// decryption or parsing work, so a flood from one address costs a map lookup.
// The host's control channel and the bundled plugins (lan-multicast, dht) all apply this
// same limit; it is header-only with no host dependencies so that plugins can include it
// without linking anything of the host.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "lru_map.h"

namespace wgmesh {

struct TokenBucketLimits {
  double per_second = 10.0;
  double burst = 20.0;
};

// One bucket: starts full, refills `per_second` tokens a second up to `burst`.
class TokenBucket {
 public:
  TokenBucket(double burst, int64_t now_ms) : tokens_(burst), updated_ms_(now_ms) {}

  // Refills for the time since the last call, then takes one token; false when less than
  // one is left (nothing is taken then).
  bool take(const TokenBucketLimits& limits, int64_t now_ms) {
    // A clock that steps backwards neither refills nor rewinds the bucket, so it cannot
    // mint tokens when it steps forward again.
    if (now_ms > updated_ms_) {
      const double elapsed_s = static_cast<double>(now_ms - updated_ms_) / 1000.0;
      tokens_ = std::min(limits.burst, tokens_ + elapsed_s * limits.per_second);
      updated_ms_ = now_ms;
    }
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double tokens_;
  int64_t updated_ms_;
};

// One bucket per source in a bounded LRU table (at most `max_sources`; 0 acts as 1): a new
// or evicted source starts with a full bucket, so its first datagram leaves burst - 1.
template <typename Key, typename Hash = std::hash<Key>>
class KeyedTokenBuckets {
 public:
  KeyedTokenBuckets(TokenBucketLimits limits, size_t max_sources)
      : limits_(limits), buckets_(max_sources) {}

  // Takes one token from `source`'s bucket; false when it is empty.
  bool allow(const Key& source, int64_t now_ms) {
    TokenBucket* bucket = buckets_.find(source);
    if (!bucket) bucket = &buckets_.put(source, TokenBucket(limits_.burst, now_ms));
    return bucket->take(limits_, now_ms);
  }

  size_t tracked() const { return buckets_.size(); }

 private:
  TokenBucketLimits limits_;
  LruMap<Key, TokenBucket, Hash> buckets_;
};

}  // namespace wgmesh
