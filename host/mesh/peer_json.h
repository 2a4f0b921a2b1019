// The one JSON shape of a peer, used by RPC (peers.list / peers.get, wire-compatible with
// the original's PeerInfo, centralized-rpc-cli.md §7.6) and by the plugin ABI (peer_get /
// peer_list). The original's members come first in its order; the rest are additions.
#pragma once

#include <string>
#include <vector>

#include "mesh/peer_store.h"
#include "wireguard/types.h"

namespace wgmesh {

struct PeerView {
  const PeerRecord* peer = nullptr;
  const wg::PeerState* wg = nullptr;  // WireGuard's facts, if configured
  bool active = false;
  std::string endpoint;
  std::string endpoint_source;
  std::string route = "direct";  // "direct" or "relay:<relay hostname or short key>"
};

std::string peer_view_json(const PeerView& view);
std::string peer_list_json(const std::vector<PeerView>& views, bool wrap_in_object);
// RFC 3339, UTC, seconds precision ("0001-01-01T00:00:00Z" for 0).
std::string rfc3339_utc(int64_t unix_seconds);

}  // namespace wgmesh
