// Human output of the peers commands. Full public keys, always: a shortened key cannot be
// pasted into `wg` or `peers get`, and uniqueness of a prefix is the reader's problem.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <ostream>
#include <vector>

#include "ctl/peer_view.h"

namespace wgmesh::ctl {

// HOSTNAME, PUBLIC KEY, MESH IP, ENDPOINT, DISCOVERED VIA, LAST HANDSHAKE, RX, TX; "-" where
// the daemon did not say. An empty list prints "No active peers" (as the original).
void render_peer_table(const std::vector<PeerView>& peers, int64_t now_unix, std::ostream& out);

// "Peer Information" block: every known field that is present, then any unknown ones.
void render_peer_detail(const PeerView& peer, int64_t now_unix, std::ostream& out);

// The original's "Peer Statistics" block from {"active","total","dead"}. False if `result`
// is not an object.
bool render_peer_counts(const rapidjson::Value& result, std::ostream& out);

// Cell texts shared by the table and the detail view.
std::string handshake_text(const Timestamp& t, int64_t now_unix);
std::string bytes_text(const std::optional<uint64_t>& bytes);

}  // namespace wgmesh::ctl
