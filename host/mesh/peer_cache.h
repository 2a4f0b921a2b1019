// The peer cache (daemon.md §10): <state_dir>/<iface>-peers.json in the original's format,
// written atomically (0600). On start, cached peers are restored with the "cache" source
// and their control endpoints are offered to the exchange, so a restart re-meets known
// peers directly instead of waiting for discovery.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "mesh/peer_store.h"

namespace wgmesh {

struct CachedPeer {
  PeerReport report;
  int64_t last_seen_unix = 0;
};

std::string peer_cache_path(const std::string& state_dir, const std::string& ifname);
std::string serialize_peer_cache(const PeerStore& store, int64_t now_unix);
// Entries older than max_age_s are skipped. A malformed file is an error (reported, kept).
Result<std::vector<CachedPeer>> parse_peer_cache(const std::string& json, int64_t now_unix,
                                                 int64_t max_age_s = 24 * 3600);
Status save_peer_cache(const std::string& state_dir, const std::string& ifname, const PeerStore& store,
                       int64_t now_unix);

}  // namespace wgmesh
