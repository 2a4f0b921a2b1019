// Envelope message types (crypto.md §6.4) and a check that a decrypted payload has the
// shape its (unauthenticated) type claims. Because the type is outside the AEAD, an
// on-path attacker can relabel a captured envelope, e.g. turn an ANNOUNCE into a HELLO to
// trigger replies (§10 item 4); checking the payload shape limits what relabelling can do.
#pragma once

#include <string_view>

#include "common/result.h"

namespace wgmesh::keys {

namespace message_type {
inline constexpr std::string_view kHello = "HELLO";
inline constexpr std::string_view kReply = "REPLY";
inline constexpr std::string_view kAnnounce = "ANNOUNCE";
inline constexpr std::string_view kGoodbye = "GOODBYE";
inline constexpr std::string_view kRendezvousOffer = "RENDEZVOUS_OFFER";
inline constexpr std::string_view kRendezvousStart = "RENDEZVOUS_START";
}  // namespace message_type

bool is_known_message_type(std::string_view type);

// HELLO, REPLY and ANNOUNCE carry a PeerAnnouncement.
bool carries_announcement(std::string_view type);

// Whether `plaintext` (an opened payload) fits `type`:
//  - HELLO/REPLY/ANNOUNCE: decodes as a PeerAnnouncement that passes validation;
//  - GOODBYE: decodes as a Goodbye with a valid wg_pubkey and has no mesh_ip key;
//  - RENDEZVOUS_OFFER: decodes (Go types) with non-empty from_pubkey and target_pubkey;
//  - RENDEZVOUS_START: decodes (Go types) with a non-empty peer_pubkey;
//  - anything else: rejected as an unknown type.
Status check_payload_matches_type(std::string_view type, std::string_view plaintext);

}  // namespace wgmesh::keys
