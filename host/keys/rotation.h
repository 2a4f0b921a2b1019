// Secret rotation (crypto.md §8): the rotation announcement signed with the old
// membership key, VerifyNewSecret, and the RotationState record with its Go JSON form.
//
// Note (§8.3): the Go reference builds announcements but never transmits them; any wire
// form is new. These functions reproduce Go's values and JSON so both sides agree if one
// is ever defined (e.g. an envelope type sealed with the old gossip key).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "keys/bytes.h"
#include "keys/go_time.h"
#include "keys/primitives.h"
#include "keys/secure_bytes.h"

namespace wgmesh::keys {

// Validation window of rotation announcements (one hour each way, inclusive bounds).
inline constexpr int64_t kRotationMaxSkewSeconds = 3600;

struct RotationAnnouncement {
  Bytes new_secret_hash;             // SHA-256 of the new secret (32 bytes)
  int64_t grace_period_seconds = 0;  // whole seconds
  int64_t timestamp = 0;             // Unix seconds
  Bytes signature;                   // HMAC-SHA-256(old membership key, signed string)

  friend bool operator==(const RotationAnnouncement&, const RotationAnnouncement&) = default;
};

// "<hex hash>|<grace seconds>|<timestamp>", the signed string of §8.1.
std::string rotation_signed_string(ByteView new_secret_hash, int64_t grace_period_seconds,
                                   int64_t timestamp);

Sha256Digest sign_rotation(ByteView old_membership_key, ByteView new_secret_hash,
                           int64_t grace_period_seconds, int64_t timestamp);

// GenerateRotationAnnouncement: grace period given in nanoseconds (a Go Duration) and
// truncated to whole seconds like Go's int64(d.Seconds()); timestamp = now.
RotationAnnouncement make_rotation_announcement(ByteView old_membership_key,
                                                std::string_view new_secret,
                                                int64_t grace_period_nanos, UnixTime now);

// ValidateRotationAnnouncement: timestamp within one hour of `now` (either way), then a
// constant-time signature check.
bool validate_rotation_announcement(ByteView old_membership_key,
                                    const RotationAnnouncement& announcement, UnixTime now);

// VerifyNewSecret: SHA-256(new_secret) equals the announced hash (constant time).
bool verify_new_secret(std::string_view new_secret, const RotationAnnouncement& announcement);

// Go's JSON: {"new_secret_hash":b64,"grace_period":n,"timestamp":n,"signature":b64}
// (an empty byte field is written as null, as Go writes a nil slice).
std::string rotation_announcement_to_json(const RotationAnnouncement& announcement);
Result<RotationAnnouncement> decode_rotation_announcement(std::string_view json);

struct RotationState {
  SecureBytes old_secret;
  SecureBytes new_secret;
  int64_t grace_period_nanos = 0;
  GoTime started_at;
  bool completed = false;
};

// Not completed and less than the grace period has elapsed since started_at.
bool rotation_in_grace_period(const RotationState& state, UnixTime now);
// Not completed and at least the grace period has elapsed.
bool rotation_should_complete(const RotationState& state, UnixTime now);

// {"old_secret","new_secret","grace_period":"<Go duration>","started_at":"<RFC 3339>",
//  "completed"} exactly as Go's MarshalJSON writes it.
Result<std::string> rotation_state_to_json(const RotationState& state);

// Go's UnmarshalJSON: a missing or empty grace_period is zero; text that is not a Go
// duration fails with "invalid grace_period duration: ...".
Result<RotationState> decode_rotation_state(std::string_view json);

}  // namespace wgmesh::keys
