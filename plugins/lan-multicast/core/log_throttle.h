// Per-kind log throttling: drop reasons are driven by remote input, so logging each one
// would let anyone on the LAN flood our log.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace wgmesh::lan {

class LogThrottle {
 public:
  explicit LogThrottle(uint64_t interval_ms) : interval_ms_(interval_ms) {}

  // True at most once per interval for each (fixed, code-chosen) kind.
  bool allow(const std::string& kind, uint64_t now_ms) {
    auto it = last_.find(kind);
    if (it != last_.end() && now_ms - it->second < interval_ms_) return false;
    last_[kind] = now_ms;
    return true;
  }

 private:
  uint64_t interval_ms_;
  std::map<std::string, uint64_t> last_;
};

}  // namespace wgmesh::lan
