#include "keys/membership.h"

#include "keys/derived_keys.h"
#include "keys/primitives.h"
#include "keys/secure_bytes.h"

namespace wgmesh::keys {

Bytes membership_mac_input(ByteView pubkey, int64_t hour_epoch) {
  Bytes input(pubkey.begin(), pubkey.end());
  const std::string suffix = "|" + std::to_string(hour_epoch);
  input.insert(input.end(), suffix.begin(), suffix.end());
  return input;
}

MembershipToken membership_token(ByteView membership_key, ByteView pubkey, int64_t hour_epoch) {
  const std::string suffix = "|" + std::to_string(hour_epoch);
  return hmac_sha256(membership_key, {pubkey, as_bytes(suffix)});
}

MembershipToken membership_token_at(ByteView membership_key, ByteView pubkey, UnixTime now) {
  return membership_token(membership_key, pubkey, hour_epoch(now.seconds));
}

bool validate_membership_token(ByteView membership_key, ByteView pubkey, ByteView token,
                               UnixTime now) {
  if (token.size() != kMembershipTokenSize) return false;
  const int64_t hour = hour_epoch(now.seconds);
  // Check all three hours without early exit on the comparison itself.
  bool valid = false;
  for (const int64_t candidate : {hour, hour - 1, hour + 1}) {
    const MembershipToken expected = membership_token(membership_key, pubkey, candidate);
    valid = constant_time_equal(token, expected) || valid;
  }
  return valid;
}

}  // namespace wgmesh::keys
