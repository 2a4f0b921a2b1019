// The cryptographic primitives of crypto.md §1, with the exact parameters wgmesh uses:
// SHA-256, HMAC-SHA-256 (any key length), HKDF-SHA-256 without salt and with at most one
// output block, PBKDF2-HMAC-SHA-256 with a 32-byte output, and AES-256-GCM with a 12-byte
// nonce, 16-byte tag and empty associated data (Go's cipher.NewGCM layout: ciphertext || tag).
//
// AES-GCM runs on libsodium when the CPU has AES-NI and PCLMUL; otherwise libsodium refuses
// and the OpenSSL EVP implementation is used (§13.3). Both produce identical bytes; the
// backend can be forced so that tests exercise both paths.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "common/result.h"
#include "keys/bytes.h"
#include "keys/secure_bytes.h"

namespace wgmesh::keys {

using Sha256Digest = std::array<uint8_t, 32>;
inline constexpr size_t kGcmNonceSize = 12;
inline constexpr size_t kGcmTagSize = 16;
using GcmNonce = std::array<uint8_t, kGcmNonceSize>;

// SHA-256 of the concatenation of `parts` (hashing parts avoids copying secrets into
// temporary, unwiped strings).
Sha256Digest sha256(std::initializer_list<ByteView> parts);
inline Sha256Digest sha256(ByteView data) { return sha256({data}); }

// HMAC-SHA-256 of the concatenation of `parts` under `key`.
Sha256Digest hmac_sha256(ByteView key, std::initializer_list<ByteView> parts);
inline Sha256Digest hmac_sha256(ByteView key, ByteView message) {
  return hmac_sha256(key, {message});
}

// HKDF-Extract with the RFC 5869 default salt (32 zero bytes): the PRK of §3.1.
Key32 hkdf_sha256_extract(ByteView input_keying_material);

// HKDF-SHA-256 with no salt: fills `out` (1..32 bytes) with the first out.size() bytes of
// HMAC(PRK, info || 0x01). Longer outputs are never needed by wgmesh and are rejected.
Status hkdf_sha256(ByteView input_keying_material, std::string_view info, std::span<uint8_t> out);

// PBKDF2-HMAC-SHA-256 producing one 32-byte block (the state-file key, §9.1).
Key32 pbkdf2_hmac_sha256(ByteView password, ByteView salt, uint32_t iterations);

enum class AeadBackend {
  kAuto,       // libsodium if the CPU supports it, OpenSSL otherwise
  kLibsodium,  // fails if the CPU lacks AES-NI/PCLMUL
  kOpenSsl,
};

// Whether libsodium's hardware AES-256-GCM can run on this CPU.
bool libsodium_aes256gcm_available();

// Returns ciphertext || 16-byte tag.
Result<Bytes> aes256gcm_seal(const Key32& key, const GcmNonce& nonce, ByteView plaintext,
                             AeadBackend backend = AeadBackend::kAuto);

// Authenticates and decrypts ciphertext || tag. Every failure (too short, wrong key, any
// modified bit) returns Go's message "cipher: message authentication failed" and no
// plaintext. The plaintext may hold secrets (state files), so it comes back in SecureBytes.
Result<SecureBytes> aes256gcm_open(const Key32& key, const GcmNonce& nonce, ByteView sealed,
                                   AeadBackend backend = AeadBackend::kAuto);

}  // namespace wgmesh::keys
