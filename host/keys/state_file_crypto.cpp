#include "keys/state_file_crypto.h"

#include <algorithm>

#include "keys/encoding.h"

namespace wgmesh::keys {

Key32 state_file_key(std::string_view password, ByteView salt) {
  return pbkdf2_hmac_sha256(as_bytes(password), salt, kStateFilePbkdf2Iterations);
}

Result<std::string> encrypt_state_file(ByteView plaintext, std::string_view password,
                                       const RandomSource& random) {
  StateFileSalt salt{};
  GcmNonce nonce{};
  random(salt);
  random(nonce);
  return encrypt_state_file_with(plaintext, password, salt, nonce);
}

Result<std::string> encrypt_state_file_with(ByteView plaintext, std::string_view password,
                                            const StateFileSalt& salt, const GcmNonce& nonce) {
  if (password.empty()) {
    return Error{"refusing to encrypt the state file with an empty password"};
  }
  const Key32 key = state_file_key(password, salt);
  auto sealed = aes256gcm_seal(key, nonce, plaintext);
  if (!sealed.ok()) return sealed.error();
  Bytes blob;
  blob.reserve(salt.size() + nonce.size() + sealed->size());
  blob.insert(blob.end(), salt.begin(), salt.end());
  blob.insert(blob.end(), nonce.begin(), nonce.end());
  blob.insert(blob.end(), sealed->begin(), sealed->end());
  return base64_encode(blob);
}

Result<StateFileBlob> parse_state_file(std::string_view text) {
  auto bytes = base64_decode(text);
  if (!bytes.ok()) return Error{"failed to decode base64: " + bytes.message()};
  const ByteView data = *bytes;
  if (data.size() < kStateFileSaltSize) return Error{"encrypted data too short"};
  const ByteView rest = data.subspan(kStateFileSaltSize);
  if (rest.size() < kGcmNonceSize) return Error{"ciphertext too short"};
  StateFileBlob blob;
  std::copy_n(data.begin(), kStateFileSaltSize, blob.salt.begin());
  std::copy_n(rest.begin(), kGcmNonceSize, blob.nonce.begin());
  blob.sealed.assign(rest.begin() + kGcmNonceSize, rest.end());
  return blob;
}

Result<SecureBytes> open_state_file_blob(const StateFileBlob& blob, const Key32& key) {
  auto plaintext = aes256gcm_open(key, blob.nonce, blob.sealed);
  if (!plaintext.ok()) return Error{"decryption failed (wrong password?): " + plaintext.message()};
  return plaintext;
}

Result<SecureBytes> decrypt_state_file(std::string_view text, std::string_view password) {
  auto blob = parse_state_file(text);
  if (!blob.ok()) return blob.error();
  return open_state_file_blob(*blob, state_file_key(password, blob->salt));
}

}  // namespace wgmesh::keys
