// Remembers which pubkeys were heard on the LAN recently, to tell a newcomer (answer it at
// once with our own announcement) from a peer we keep hearing (nothing to do).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/lru_map.h"

namespace wgmesh::lan {

class NewPeerTracker {
 public:
  // A peer silent for longer than `forget_after_ms` counts as new when it reappears (it was
  // probably restarted or re-plugged and has lost what it knew about us).
  NewPeerTracker(uint64_t forget_after_ms, size_t max_peers);

  // Records a sighting; true if the peer is new in the sense above.
  bool observe(const std::string& pubkey, uint64_t now_ms);

  size_t size() const { return last_seen_.size(); }

 private:
  uint64_t forget_after_ms_;
  LruMap<uint64_t> last_seen_;
};

}  // namespace wgmesh::lan
