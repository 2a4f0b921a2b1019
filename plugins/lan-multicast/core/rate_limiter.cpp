#include "core/rate_limiter.h"

#include <algorithm>

namespace wgmesh::lan {

SourceRateLimiter::SourceRateLimiter(RateLimitParams params)
    : params_(params), buckets_(params.max_sources) {}

bool SourceRateLimiter::allow(const std::string& source, uint64_t now_ms) {
  Bucket* bucket = buckets_.find(source);
  if (!bucket) bucket = &buckets_.put(source, Bucket{params_.burst, now_ms});
  if (now_ms > bucket->updated_ms) {
    double elapsed_s = static_cast<double>(now_ms - bucket->updated_ms) / 1000.0;
    bucket->tokens =
        std::min(params_.burst, bucket->tokens + elapsed_s * params_.tokens_per_second);
    bucket->updated_ms = now_ms;
  }
  if (bucket->tokens < 1.0) return false;
  bucket->tokens -= 1.0;
  return true;
}

}  // namespace wgmesh::lan
