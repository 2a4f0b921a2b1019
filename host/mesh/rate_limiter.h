// Per-source token buckets (discovery.md §2.6: 10 tokens/s, burst 20, at most 4096 sources
// tracked, least recently used evicted). Applied before any decryption work.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>

namespace wgmesh {

class RateLimiter {
 public:
  RateLimiter(double tokens_per_second = 10, double burst = 20, size_t max_sources = 4096)
      : rate_(tokens_per_second), burst_(burst), max_sources_(max_sources) {}

  // True if a message from `source` at time `now_ms` may pass (and takes a token).
  bool allow(const std::string& source, int64_t now_ms);
  size_t tracked() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    int64_t last_ms;
    std::list<std::string>::iterator lru;
  };
  double rate_, burst_;
  size_t max_sources_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::list<std::string> lru_;  // front = most recently used
};

}  // namespace wgmesh
