#include "mesh/rate_limiter.h"

#include <algorithm>

namespace wgmesh {

bool RateLimiter::allow(const std::string& source, int64_t now_ms) {
  auto it = buckets_.find(source);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_sources_) {
      buckets_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(source);
    buckets_.emplace(source, Bucket{burst_ - 1, now_ms, lru_.begin()});
    return true;
  }
  Bucket& b = it->second;
  lru_.splice(lru_.begin(), lru_, b.lru);
  double elapsed = static_cast<double>(std::max<int64_t>(0, now_ms - b.last_ms)) / 1000.0;
  b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
  b.last_ms = now_ms;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

}  // namespace wgmesh
