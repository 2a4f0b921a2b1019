#include "wgmesh/dht/rate_limiter.h"

#include <algorithm>

namespace wgmesh::dht {

bool RateLimiter::allow(const Endpoint& source, int64_t now_ms) {
  if (cfg_.max_sources == 0) return true;  // disabled
  Endpoint key = source;
  key.port = 0;
  auto it = map_.find(key);
  if (it == map_.end()) {
    if (map_.size() >= cfg_.max_sources) {
      map_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(key);
    it = map_.emplace(key, Bucket{cfg_.burst, now_ms, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    Bucket& b = it->second;
    const double elapsed = static_cast<double>(std::max<int64_t>(0, now_ms - b.last_ms)) / 1000.0;
    b.tokens = std::min(cfg_.burst, b.tokens + elapsed * cfg_.per_second);
    b.last_ms = now_ms;
  }
  Bucket& b = it->second;
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace wgmesh::dht
