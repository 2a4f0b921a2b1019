// The PeerAnnouncement payload (HELLO, REPLY, ANNOUNCE and the registry blob) and its
// KnownPeer entries (crypto.md §6.4, §6.5; discovery.md §2.3).
//
// Serialisation follows Go's field order and omission rules byte for byte, so plaintexts
// (and, with a fixed nonce, ciphertexts) are identical to a Go node's. Decoding follows
// Go's json.Unmarshal exactly (see go_json_decode.h): unknown keys ignored, any key order
// and white space, \uXXXX escapes, integer-only timestamps.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "keys/go_json_encode.h"

namespace wgmesh::keys {

inline constexpr std::string_view kProtocolVersion = "wgmesh-v1";

struct KnownPeer {
  std::string wg_pubkey;    // always written
  std::string hostname;     // omitted if empty
  std::string mesh_ip;      // always written
  std::string mesh_ipv6;    // omitted if empty
  std::string wg_endpoint;  // always written (may be "")
  bool introducer = false;  // omitted if false
  std::string nat_type;     // omitted if empty

  friend bool operator==(const KnownPeer&, const KnownPeer&) = default;
};

struct PeerAnnouncement {
  std::string protocol{kProtocolVersion};      // always
  std::string wg_pubkey;                       // always
  std::string hostname;                        // if non-empty
  std::string mesh_ip;                         // always
  std::string mesh_ipv6;                       // if non-empty
  std::string wg_endpoint;                     // always (may be "")
  bool introducer = false;                     // if true
  std::vector<std::string> routable_networks;  // if non-empty
  int64_t timestamp = 0;                       // always, Unix seconds
  std::vector<KnownPeer> known_peers;          // if non-empty
  std::string observed_endpoint;               // if non-empty (REPLY only)
  std::string nat_type;                        // if non-empty: cone, symmetric, unknown

  friend bool operator==(const PeerAnnouncement&, const PeerAnnouncement&) = default;
};

// Go's json.Marshal output for the structs.
std::string announcement_to_json(const PeerAnnouncement& announcement);
void write_known_peer(GoJsonWriter& writer, const KnownPeer& peer);
void write_announcement(GoJsonWriter& writer, const PeerAnnouncement& announcement);

// Go's json.Unmarshal into a fresh PeerAnnouncement. The error is Go's text (syntax error
// or the first type mismatch), without any prefix.
Result<PeerAnnouncement> decode_announcement(std::string_view json);

}  // namespace wgmesh::keys
