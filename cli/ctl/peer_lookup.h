// Finding the peer a human means: `wgmeshctl peers get` accepts a full public key, a unique
// prefix of one, a mesh IP or a hostname.
#pragma once

#include <string>
#include <vector>

#include "ctl/peer_view.h"

namespace wgmesh::ctl {

struct PeerMatch {
  enum class Kind { kFound, kAmbiguous, kNone };
  Kind kind = Kind::kNone;
  std::vector<size_t> indexes;  // into the searched list: one when found, all when ambiguous
};

// Tries, in order, and stops at the first rule that matches anything: exact public key,
// mesh IP (v4 or v6), hostname (case-insensitive), public-key prefix. A rule matching more
// than one peer is ambiguous (two peers may share a hostname; a short prefix may fit many).
PeerMatch find_peer(const std::vector<PeerView>& peers, const std::string& query);

// True for text shaped like a WireGuard key (44 base64 characters ending in '='), which is
// then asked of the daemon directly: it knows dead peers that peers.list leaves out.
bool looks_like_full_key(const std::string& query);

}  // namespace wgmesh::ctl
