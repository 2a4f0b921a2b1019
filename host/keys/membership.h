// Membership tokens (crypto.md §7): HMAC-SHA-256(membership_key, pubkey || "|" || hour).
// Dead code in the Go reference (nothing sends or checks them); kept for parity. A token is
// a deterministic function of (key, pubkey, hour) and therefore replayable for ~3 hours, so
// it must not be used as a proof of freshness (§7 Improvement).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "keys/bytes.h"
#include "keys/go_time.h"

namespace wgmesh::keys {

inline constexpr size_t kMembershipTokenSize = 32;
using MembershipToken = std::array<uint8_t, kMembershipTokenSize>;

// The MAC input: pubkey bytes, '|', decimal hour (leading '-' if negative).
Bytes membership_mac_input(ByteView pubkey, int64_t hour_epoch);

MembershipToken membership_token(ByteView membership_key, ByteView pubkey, int64_t hour_epoch);

// Token for the hour containing `now`.
MembershipToken membership_token_at(ByteView membership_key, ByteView pubkey, UnixTime now);

// False unless `token` is 32 bytes equal (constant time) to the token of the current, the
// previous or the next hour.
bool validate_membership_token(ByteView membership_key, ByteView pubkey, ByteView token,
                               UnixTime now);

}  // namespace wgmesh::keys
