#include "keys/wg_keypair.h"

#include <sodium.h>

#include <algorithm>

#include "keys/encoding.h"
#include "keys/init.h"

namespace wgmesh::keys {

namespace {

Result<Bytes> decode_key_text(std::string_view text) {
  if (text.size() != kWgKeyTextSize) {
    return Error{"invalid key: expected " + std::to_string(kWgKeyTextSize) +
                 " base64 characters, got " + std::to_string(text.size())};
  }
  auto bytes = base64_decode(text);
  if (!bytes.ok()) return Error{"invalid key: " + bytes.message()};
  if (bytes->size() != kWgKeySize) {
    secure_wipe(*bytes);
    return Error{"invalid key: decoded length " + std::to_string(bytes->size()) + ", want 32"};
  }
  return bytes;
}

}  // namespace

SecureBytes WgKeyPair::private_key_text() const {
  std::string text = base64_encode(private_key.view());
  SecureBytes out = SecureBytes::from_text(text);
  secure_wipe({reinterpret_cast<uint8_t*>(text.data()), text.size()});
  return out;
}

std::string WgKeyPair::public_key_text() const { return base64_encode(public_key); }

void clamp_private_key(WgPrivateKey& key) {
  key.data()[0] &= 248;
  key.data()[31] &= 127;
  key.data()[31] |= 64;
}

WgKeyPair generate_wg_keypair(const RandomSource& random) {
  WgKeyPair pair;
  random(pair.private_key.writable());
  clamp_private_key(pair.private_key);
  // A clamped scalar never yields the all-zero point, so this cannot fail.
  auto pub = wg_public_key(pair.private_key);
  if (pub.ok()) pair.public_key = *pub;
  return pair;
}

Result<WgPublicKey> wg_public_key(const WgPrivateKey& private_key) {
  if (Status st = init(); !st.ok()) return st.error();
  WgPublicKey pub{};
  if (crypto_scalarmult_curve25519_base(pub.data(), private_key.data()) != 0) {
    return Error{"X25519 public key computation failed"};
  }
  return pub;
}

Result<WgPrivateKey> parse_wg_private_key(std::string_view text) {
  auto bytes = decode_key_text(text);
  if (!bytes.ok()) return bytes.error();
  WgPrivateKey key{std::span<const uint8_t, kWgKeySize>(bytes->data(), kWgKeySize)};
  secure_wipe(*bytes);
  return key;
}

Result<WgPublicKey> parse_wg_public_key(std::string_view text) {
  auto bytes = decode_key_text(text);
  if (!bytes.ok()) return bytes.error();
  WgPublicKey key;
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

bool is_valid_wg_key_text(std::string_view text) { return decode_key_text(text).ok(); }

}  // namespace wgmesh::keys
