// Encryption of the centralized-mode state file, format v1 (crypto.md §9), readable and
// writable by Go:
//   file = base64( salt[32] || nonce[12] || AES-256-GCM(key, nonce, plaintext) )
//   key  = PBKDF2-HMAC-SHA-256(password, salt, 100000 iterations, 32 bytes)
// One line of standard padded base64 without a trailing newline. The iteration count is
// not stored in the blob and must stay exactly 100 000.
//
// Improvement over Go (§9.3): encryption refuses an empty password instead of silently
// writing plain text; decryption still accepts whatever password it is given.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "keys/bytes.h"
#include "keys/primitives.h"
#include "keys/random.h"
#include "keys/secure_bytes.h"

namespace wgmesh::keys {

inline constexpr uint32_t kStateFilePbkdf2Iterations = 100000;
inline constexpr size_t kStateFileSaltSize = 32;
using StateFileSalt = std::array<uint8_t, kStateFileSaltSize>;

// The file key for `password` and `salt`.
Key32 state_file_key(std::string_view password, ByteView salt);

// The decoded parts of a v1 file.
struct StateFileBlob {
  StateFileSalt salt{};
  GcmNonce nonce{};
  Bytes sealed;  // ciphertext || 16-byte tag
};

// Stage 1 of decryption: base64 and length checks, with Go's errors ("failed to decode
// base64: ...", "encrypted data too short", "ciphertext too short").
Result<StateFileBlob> parse_state_file(std::string_view text);

// Stage 2: authenticate and decrypt with an already derived key; Go's error
// "decryption failed (wrong password?): cipher: message authentication failed".
Result<SecureBytes> open_state_file_blob(const StateFileBlob& blob, const Key32& key);

// Encrypts with a fresh salt and nonce from `random`.
Result<std::string> encrypt_state_file(ByteView plaintext, std::string_view password,
                                       const RandomSource& random = system_random);

// Encrypts with the given salt and nonce (for reproducing recorded files in tests).
Result<std::string> encrypt_state_file_with(ByteView plaintext, std::string_view password,
                                            const StateFileSalt& salt, const GcmNonce& nonce);

// Decrypts a v1 file. Errors, as in Go: "failed to decode base64: illegal base64 data at
// input byte N", "encrypted data too short", "ciphertext too short",
// "decryption failed (wrong password?): cipher: message authentication failed".
// CR and LF anywhere in `text` are ignored (a trailing newline is fine).
Result<SecureBytes> decrypt_state_file(std::string_view text, std::string_view password);

}  // namespace wgmesh::keys
