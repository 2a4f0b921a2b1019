// WireGuard key pairs (crypto.md §5.1). The node's key pair is random, not derived from the
// secret. Keys are exchanged and stored as 44-character standard base64 text; the public
// key *text* is what mesh addresses and announcements use.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "keys/random.h"
#include "keys/secure_bytes.h"

namespace wgmesh::keys {

inline constexpr size_t kWgKeySize = 32;
inline constexpr size_t kWgKeyTextSize = 44;

using WgPrivateKey = SecretArray<kWgKeySize>;
using WgPublicKey = std::array<uint8_t, kWgKeySize>;

struct WgKeyPair {
  WgPrivateKey private_key;  // clamped
  WgPublicKey public_key;

  SecureBytes private_key_text() const;  // base64, kept in wiped memory
  std::string public_key_text() const;   // base64
};

// X25519 clamping, as `wg genkey` does.
void clamp_private_key(WgPrivateKey& key);

// `wg genkey` + `wg pubkey`: 32 random bytes, clamped, and their X25519 public key.
WgKeyPair generate_wg_keypair(const RandomSource& random = system_random);

// `wg pubkey`: the public key of a private key (clamping is applied by X25519 itself).
Result<WgPublicKey> wg_public_key(const WgPrivateKey& private_key);

// Parses key text: 44 characters of standard base64 decoding to 32 bytes.
Result<WgPrivateKey> parse_wg_private_key(std::string_view text);
Result<WgPublicKey> parse_wg_public_key(std::string_view text);

// Whether `text` is a well-formed key text (same rule as the parsers).
bool is_valid_wg_key_text(std::string_view text);

}  // namespace wgmesh::keys
