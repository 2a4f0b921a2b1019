#include "keys/primitives.h"

#include <sodium.h>

#include <algorithm>
#include <climits>
#include <memory>

#include "keys/init.h"
#include "keys/openssl_loader.h"

namespace wgmesh::keys {

namespace {

constexpr char kGcmAuthFailed[] = "cipher: message authentication failed";

struct EvpCtxDeleter {
  const OpenSslGcm* ssl;
  void operator()(EVP_CIPHER_CTX* ctx) const { ssl->ctx_free(ctx); }
};
using EvpCtx = std::unique_ptr<EVP_CIPHER_CTX, EvpCtxDeleter>;
constexpr char kNoOpenSsl[] =
    "AES-256-GCM needs libcrypto.so.3 (OpenSSL 3) on a CPU without AES-NI, and it cannot be loaded";

// Wipes a libsodium HMAC state (it holds key-derived material) when leaving scope.
struct HmacState {
  crypto_auth_hmacsha256_state state;
  ~HmacState() { sodium_memzero(&state, sizeof(state)); }
};

AeadBackend resolve(AeadBackend backend) {
  if (backend != AeadBackend::kAuto) return backend;
  return libsodium_aes256gcm_available() ? AeadBackend::kLibsodium : AeadBackend::kOpenSsl;
}

// libsodium and OpenSSL both want a valid pointer even for empty buffers.
const uint8_t* nonnull(ByteView bytes) {
  static const uint8_t kEmpty = 0;
  return bytes.empty() ? &kEmpty : bytes.data();
}

Result<Bytes> seal_openssl(const Key32& key, const GcmNonce& nonce, ByteView plaintext) {
  if (plaintext.size() > static_cast<size_t>(INT_MAX)) return Error{"plaintext too large"};
  const OpenSslGcm* ssl = openssl_gcm();
  if (!ssl) return Error{kNoOpenSsl};
  EvpCtx ctx(ssl->ctx_new(), EvpCtxDeleter{ssl});
  if (!ctx) return Error{"failed to create cipher context"};
  Bytes out(plaintext.size() + kGcmTagSize);
  int len = 0;
  if (ssl->encrypt_init(ctx.get(), ssl->aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      ssl->ctx_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kGcmNonceSize, nullptr) != 1 ||
      ssl->encrypt_init(ctx.get(), nullptr, nullptr, key.data(), nonce.data()) != 1) {
    return Error{"failed to initialise AES-256-GCM"};
  }
  if (!plaintext.empty() && ssl->encrypt_update(ctx.get(), out.data(), &len, plaintext.data(),
                                                static_cast<int>(plaintext.size())) != 1) {
    return Error{"AES-256-GCM encryption failed"};
  }
  int final_len = 0;
  if (ssl->encrypt_final(ctx.get(), out.data() + len, &final_len) != 1 ||
      ssl->ctx_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kGcmTagSize, out.data() + plaintext.size()) !=
          1) {
    return Error{"AES-256-GCM encryption failed"};
  }
  return out;
}

Result<SecureBytes> open_openssl(const Key32& key, const GcmNonce& nonce, ByteView sealed) {
  const size_t text_len = sealed.size() - kGcmTagSize;
  if (text_len > static_cast<size_t>(INT_MAX)) return Error{kGcmAuthFailed};
  const OpenSslGcm* ssl = openssl_gcm();
  if (!ssl) return Error{kNoOpenSsl};
  EvpCtx ctx(ssl->ctx_new(), EvpCtxDeleter{ssl});
  if (!ctx) return Error{"failed to create cipher context"};
  SecureBytes out(text_len);
  // OpenSSL requires a tag buffer it may write to; copy the received tag.
  std::array<uint8_t, kGcmTagSize> tag;
  std::copy(sealed.end() - kGcmTagSize, sealed.end(), tag.begin());
  int len = 0;
  if (ssl->decrypt_init(ctx.get(), ssl->aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      ssl->ctx_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kGcmNonceSize, nullptr) != 1 ||
      ssl->decrypt_init(ctx.get(), nullptr, nullptr, key.data(), nonce.data()) != 1) {
    return Error{"failed to initialise AES-256-GCM"};
  }
  if (text_len > 0 && ssl->decrypt_update(ctx.get(), out.data(), &len, sealed.data(),
                                          static_cast<int>(text_len)) != 1) {
    return Error{kGcmAuthFailed};
  }
  int final_len = 0;
  uint8_t scratch[kGcmTagSize];
  if (ssl->ctx_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kGcmTagSize, tag.data()) != 1 ||
      ssl->decrypt_final(ctx.get(), text_len > 0 ? out.data() + len : scratch, &final_len) != 1) {
    return Error{kGcmAuthFailed};  // `out` is wiped when it goes out of scope
  }
  return out;
}

Result<Bytes> seal_sodium(const Key32& key, const GcmNonce& nonce, ByteView plaintext) {
  Bytes out(plaintext.size() + kGcmTagSize);
  unsigned long long out_len = 0;
  if (crypto_aead_aes256gcm_encrypt(out.data(), &out_len, nonnull(plaintext), plaintext.size(),
                                    nullptr, 0, nullptr, nonce.data(), key.data()) != 0) {
    return Error{"AES-256-GCM encryption failed"};
  }
  return out;
}

Result<SecureBytes> open_sodium(const Key32& key, const GcmNonce& nonce, ByteView sealed) {
  const size_t text_len = sealed.size() - kGcmTagSize;
  // Decrypt straight into the result: libsodium writes exactly text_len bytes on success.
  // (A spare-byte buffer copied into a second SecureBytes cost two more mlock/munlock and
  // four madvise calls on every envelope opened, i.e. on every LAN announcement heard.)
  // An empty plaintext still needs a valid output pointer: a local byte.
  SecureBytes out(text_len);
  uint8_t empty_out = 0;
  unsigned long long out_len = 0;
  if (crypto_aead_aes256gcm_decrypt(text_len > 0 ? out.data() : &empty_out, &out_len, nullptr,
                                    sealed.data(), sealed.size(), nullptr, 0, nonce.data(),
                                    key.data()) != 0 ||
      out_len != text_len) {
    return Error{kGcmAuthFailed};  // `out` is wiped when it goes out of scope
  }
  return out;
}

}  // namespace

Sha256Digest sha256(std::initializer_list<ByteView> parts) {
  init_or_die();
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (ByteView part : parts) crypto_hash_sha256_update(&state, nonnull(part), part.size());
  Sha256Digest digest;
  crypto_hash_sha256_final(&state, digest.data());
  sodium_memzero(&state, sizeof(state));
  return digest;
}

Sha256Digest hmac_sha256(ByteView key, std::initializer_list<ByteView> parts) {
  init_or_die();
  HmacState hmac;
  crypto_auth_hmacsha256_init(&hmac.state, nonnull(key), key.size());
  for (ByteView part : parts)
    crypto_auth_hmacsha256_update(&hmac.state, nonnull(part), part.size());
  Sha256Digest mac;
  crypto_auth_hmacsha256_final(&hmac.state, mac.data());
  return mac;
}

Key32 hkdf_sha256_extract(ByteView input_keying_material) {
  static const std::array<uint8_t, 32> kZeroSalt{};
  Sha256Digest prk = hmac_sha256(kZeroSalt, input_keying_material);
  Key32 result{std::span<const uint8_t, 32>(prk)};
  secure_wipe(prk);
  return result;
}

Status hkdf_sha256(ByteView input_keying_material, std::string_view info, std::span<uint8_t> out) {
  if (out.empty() || out.size() > 32) return Error{"hkdf: output length must be 1..32 bytes"};
  const Key32 prk = hkdf_sha256_extract(input_keying_material);
  static const uint8_t kFirstBlock = 0x01;
  Sha256Digest okm = hmac_sha256(prk.view(), {as_bytes(info), ByteView(&kFirstBlock, 1)});
  std::copy_n(okm.begin(), out.size(), out.begin());
  secure_wipe(okm);
  return Status::Ok();
}

Key32 pbkdf2_hmac_sha256(ByteView password, ByteView salt, uint32_t iterations) {
  init_or_die();
  // The key schedule (ipad/opad states) depends only on the password: compute it once and
  // copy it for each of the `iterations` HMAC invocations.
  HmacState keyed;
  crypto_auth_hmacsha256_init(&keyed.state, nonnull(password), password.size());

  static const uint8_t kBlockIndex[4] = {0, 0, 0, 1};  // INT(1): only one block is needed
  HmacState round;
  round.state = keyed.state;
  crypto_auth_hmacsha256_update(&round.state, nonnull(salt), salt.size());
  crypto_auth_hmacsha256_update(&round.state, kBlockIndex, sizeof(kBlockIndex));
  Key32 u;
  crypto_auth_hmacsha256_final(&round.state, u.data());
  Key32 t = u;
  for (uint32_t i = 1; i < iterations; ++i) {
    round.state = keyed.state;
    crypto_auth_hmacsha256_update(&round.state, u.data(), u.size());
    crypto_auth_hmacsha256_final(&round.state, u.data());
    for (size_t k = 0; k < t.size(); ++k) t.data()[k] ^= u.data()[k];
  }
  return t;
}

bool libsodium_aes256gcm_available() {
  init_or_die();
  return crypto_aead_aes256gcm_is_available() == 1;
}

Result<Bytes> aes256gcm_seal(const Key32& key, const GcmNonce& nonce, ByteView plaintext,
                             AeadBackend backend) {
  switch (resolve(backend)) {
    case AeadBackend::kLibsodium:
      if (!libsodium_aes256gcm_available()) {
        return Error{"libsodium AES-256-GCM is not available on this CPU"};
      }
      return seal_sodium(key, nonce, plaintext);
    default:
      return seal_openssl(key, nonce, plaintext);
  }
}

Result<SecureBytes> aes256gcm_open(const Key32& key, const GcmNonce& nonce, ByteView sealed,
                                   AeadBackend backend) {
  // Go's gcm.Open rejects inputs shorter than the tag before doing any work.
  if (sealed.size() < kGcmTagSize) return Error{kGcmAuthFailed};
  switch (resolve(backend)) {
    case AeadBackend::kLibsodium:
      if (!libsodium_aes256gcm_available()) {
        return Error{"libsodium AES-256-GCM is not available on this CPU"};
      }
      return open_sodium(key, nonce, sealed);
    default:
      return open_openssl(key, nonce, sealed);
  }
}

}  // namespace wgmesh::keys
