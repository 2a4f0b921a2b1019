// The envelope: the encrypted wrapper of every discovery message (crypto.md §6).
//
// Wire form, exactly as Go emits it (no white space, no trailing newline):
//   {"type":"<TYPE>","nonce":"<base64 12 bytes>","ciphertext":"<base64 ciphertext||tag>"}
// AES-256-GCM with the mesh gossip_key, a fresh random 12-byte nonce and empty AAD. The
// type is NOT authenticated (a Go compatibility constraint, §10 item 4).
//
// Opening follows Go's OpenEnvelopeRaw step by step with Go's error texts, and
// open_announcement adds OpenEnvelope's decoding and validation. The receiver clock is an
// explicit argument so recorded vectors can be replayed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "keys/announcement.h"
#include "keys/go_time.h"
#include "keys/primitives.h"
#include "keys/random.h"

namespace wgmesh::keys {

inline constexpr int64_t kMaxMessageAgeSeconds = 600;

// Where an open failed, in Go's order (§6.3, §6.6). The error texts carry Go's prefixes;
// envelope_error_step() recovers the step from a returned error.
enum class EnvelopeStep {
  kParseEnvelope,         // "failed to unmarshal envelope: ..."
  kNonceSize,             // "invalid nonce size: N"
  kDecrypt,               // "decryption failed (wrong key?): ..."
  kParseMetadata,         // "failed to unmarshal payload metadata: ..."
  kProtocol,              // "unsupported protocol version: X"
  kFreshness,             // "message too old: D" / "message timestamp in future"
  kParseAnnouncement,     // "failed to unmarshal announcement: ..."
  kValidateAnnouncement,  // "invalid announcement: Field: ..."
  kOther,
};

EnvelopeStep envelope_error_step(const Error& error);
std::string_view envelope_step_name(EnvelopeStep step);

// Seals `payload_json` (normally a JSON object carrying "protocol" and "timestamp") under
// `gossip_key` with a fresh nonce from `random`.
Result<std::string> seal_envelope(std::string_view type, std::string_view payload_json,
                                  const Key32& gossip_key,
                                  const RandomSource& random = system_random,
                                  AeadBackend backend = AeadBackend::kAuto);

// As seal_envelope with a caller-chosen nonce (tests and vectors). Never reuse a nonce with
// the same key for different plaintexts.
Result<std::string> seal_envelope_with_nonce(std::string_view type, std::string_view payload_json,
                                             const Key32& gossip_key, const GcmNonce& nonce,
                                             AeadBackend backend = AeadBackend::kAuto);

// Serialises `announcement` in Go's form and seals it.
Result<std::string> seal_announcement(std::string_view type, const PeerAnnouncement& announcement,
                                      const Key32& gossip_key,
                                      const RandomSource& random = system_random);

struct OpenOptions {
  // Freshness window of §6.3 step 6. Readers of registry text may widen it (§6.7).
  int64_t max_age_seconds = kMaxMessageAgeSeconds;
  bool check_freshness = true;
  AeadBackend backend = AeadBackend::kAuto;
};

struct OpenedEnvelope {
  std::string type;  // unauthenticated
  GcmNonce nonce{};
  std::string plaintext;  // the decrypted payload JSON, exactly
  int64_t timestamp = 0;  // the payload's timestamp (already checked for freshness)
};

// Go's OpenEnvelopeRaw: parse, nonce size, decrypt, payload metadata, protocol, freshness.
Result<OpenedEnvelope> open_envelope_raw(std::string_view data, const Key32& gossip_key,
                                         UnixTime now, const OpenOptions& options = {});

enum class KnownPeerPolicy {
  kRejectAnnouncement,  // Go: any invalid known peer rejects the whole announcement
  kDropInvalidPeers,    // §10 item 7: drop only the invalid entries
};

struct OpenedAnnouncement {
  OpenedEnvelope envelope;
  PeerAnnouncement announcement;
  std::vector<std::string> dropped_known_peers;  // reasons, with kDropInvalidPeers
};

// Go's OpenEnvelope: the raw open, decoding as a PeerAnnouncement and validation (§6.6).
Result<OpenedAnnouncement> open_announcement(
    std::string_view data, const Key32& gossip_key, UnixTime now,
    KnownPeerPolicy policy = KnownPeerPolicy::kRejectAnnouncement, const OpenOptions& options = {});

}  // namespace wgmesh::keys
