#include "core/peer_tracker.h"

namespace wgmesh::lan {

NewPeerTracker::NewPeerTracker(uint64_t forget_after_ms, size_t max_peers)
    : forget_after_ms_(forget_after_ms), last_seen_(max_peers) {}

bool NewPeerTracker::observe(const std::string& pubkey, uint64_t now_ms) {
  uint64_t* seen = last_seen_.find(pubkey);
  bool is_new = !seen || (now_ms > *seen && now_ms - *seen > forget_after_ms_);
  last_seen_.put(pubkey, now_ms);
  return is_new;
}

}  // namespace wgmesh::lan
