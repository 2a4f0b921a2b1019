// Field validation of received announcements (crypto.md §6.6), with Go's error texts, in
// Go's order; the first failure wins, e.g. `MeshIP: invalid IP address: "not-an-ip"` or
// `KnownPeers[0]: WGEndpoint: port 0 out of range 1-65535`. OpenEnvelope prefixes these
// with "invalid announcement: ".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "keys/announcement.h"

namespace wgmesh::keys {

inline constexpr size_t kMaxHostnameLength = 253;
inline constexpr size_t kMaxRoutableNetworks = 100;
inline constexpr size_t kMaxKnownPeers = 1000;

// The individual field rules (error texts without the field name).
Status validate_wg_pubkey(std::string_view key);      // non-empty base64 of 32 bytes
Status validate_mesh_ip(std::string_view ip);         // IPv4/IPv6 literal, not a CIDR
Status validate_endpoint(std::string_view endpoint);  // host:port, port 1..65535
Status validate_hostname(std::string_view hostname);  // <= 253 bytes of 0x20..0x7E

Status validate_known_peer(const KnownPeer& peer);
Status validate_announcement(const PeerAnnouncement& announcement);

// crypto.md §10 item 7: validates the announcing peer strictly but removes invalid
// known_peers entries instead of rejecting the whole announcement (Go nodes can relay
// invalid peers they learned over the unvalidated exchange path). The reasons for dropped
// entries (Go's texts, with their original index) are appended to `dropped` if given.
Status validate_announcement_dropping_invalid_peers(PeerAnnouncement& announcement,
                                                    std::vector<std::string>* dropped = nullptr);

}  // namespace wgmesh::keys
