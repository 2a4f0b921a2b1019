// Primitives against published test vectors, and the two AES-GCM backends against each
// other (crypto.md §1, §13.3): libsodium (AES-NI) and the OpenSSL fallback must be
// byte-identical, so a node without AES-NI interoperates.
#include "keys/primitives.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "keys/encoding.h"

namespace wgmesh::keys {
namespace {

Bytes unhex(std::string_view text) { return *hex_decode(text); }

Key32 key_of(std::string_view hex_text) { return *Key32::from_bytes(unhex(hex_text)); }

GcmNonce nonce_of(std::string_view hex_text) {
  GcmNonce n{};
  const Bytes b = unhex(hex_text);
  std::copy(b.begin(), b.end(), n.begin());
  return n;
}

std::vector<AeadBackend> available_backends() {
  std::vector<AeadBackend> backends = {AeadBackend::kOpenSsl};
  if (libsodium_aes256gcm_available()) backends.push_back(AeadBackend::kLibsodium);
  return backends;
}

TEST(Sha256, KnownAnswer) {
  EXPECT_EQ(hex_encode(sha256(as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Hashing in parts equals hashing the concatenation.
  EXPECT_EQ(sha256({as_bytes("a"), as_bytes(""), as_bytes("bc")}), sha256(as_bytes("abc")));
}

TEST(HmacSha256, Rfc4231Case2) {
  EXPECT_EQ(hex_encode(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, LongKeyIsHashedFirst) {
  // RFC 4231 case 6: a 131-byte key.
  const Bytes key(131, 0xAA);
  EXPECT_EQ(hex_encode(hmac_sha256(key, as_bytes("Test Using Larger Than Block-Size Key - Hash "
                                                 "Key First"))),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Hkdf, Rfc5869Case3NoSaltNoInfo) {
  const Bytes ikm(22, 0x0B);
  EXPECT_EQ(hex_encode(hkdf_sha256_extract(ikm).view()),
            "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
  std::array<uint8_t, 32> okm{};
  ASSERT_TRUE(hkdf_sha256(ikm, "", okm).ok());
  EXPECT_EQ(hex_encode(okm), "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d");
}

TEST(Hkdf, ShortOutputIsPrefixOfLongOutput) {
  std::array<uint8_t, 32> full{};
  std::array<uint8_t, 7> part{};
  ASSERT_TRUE(hkdf_sha256(as_bytes("some secret material"), "label", full).ok());
  ASSERT_TRUE(hkdf_sha256(as_bytes("some secret material"), "label", part).ok());
  EXPECT_TRUE(std::equal(part.begin(), part.end(), full.begin()));
}

TEST(Hkdf, RejectsLengthsOutsideOneBlock) {
  std::array<uint8_t, 33> too_long{};
  EXPECT_FALSE(hkdf_sha256(as_bytes("x"), "label", too_long).ok());
  EXPECT_FALSE(hkdf_sha256(as_bytes("x"), "label", std::span<uint8_t>{}).ok());
}

TEST(Pbkdf2, MatchesOpenSsl) {
  struct Case {
    std::string password;
    std::string salt;
    uint32_t iterations;
  };
  const Case cases[] = {{"password", "salt", 1},
                        {"password", "salt", 2},
                        {"", "", 3},
                        {std::string(200, 'p'), std::string(40, 's'), 17},
                        {"vault-pass", "0123456789abcdef0123456789abcdef", 100000}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.password.substr(0, 10) + " / " + std::to_string(c.iterations));
    std::array<uint8_t, 32> expected{};
    ASSERT_EQ(PKCS5_PBKDF2_HMAC(c.password.data(), static_cast<int>(c.password.size()),
                                reinterpret_cast<const unsigned char*>(c.salt.data()),
                                static_cast<int>(c.salt.size()), static_cast<int>(c.iterations),
                                EVP_sha256(), 32, expected.data()),
              1);
    EXPECT_EQ(
        hex_encode(pbkdf2_hmac_sha256(as_bytes(c.password), as_bytes(c.salt), c.iterations).view()),
        hex_encode(expected));
  }
}

TEST(Aes256Gcm, McGrewViegaVectorsOnEveryBackend) {
  const Key32 key = key_of(std::string(64, '0'));
  const GcmNonce nonce = nonce_of(std::string(24, '0'));
  for (AeadBackend backend : available_backends()) {
    SCOPED_TRACE(backend == AeadBackend::kOpenSsl ? "openssl" : "libsodium");
    auto empty = aes256gcm_seal(key, nonce, {}, backend);
    ASSERT_TRUE(empty.ok()) << empty.message();
    EXPECT_EQ(hex_encode(*empty), "530f8afbc74536b9a963b4f1c4cb738b");  // test case 13
    auto block = aes256gcm_seal(key, nonce, Bytes(16, 0), backend);
    ASSERT_TRUE(block.ok());
    EXPECT_EQ(hex_encode(*block),  // test case 14
              "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919");
  }
}

TEST(Aes256Gcm, OpenSslFallbackEqualsLibsodium) {
  if (!libsodium_aes256gcm_available()) GTEST_SKIP() << "no AES-NI: only OpenSSL can run here";
  const Key32 key = key_of("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const GcmNonce nonce = nonce_of("a0a1a2a3a4a5a6a7a8a9aaab");
  for (size_t len : {0u, 1u, 15u, 16u, 17u, 1000u, 65536u}) {
    SCOPED_TRACE(len);
    Bytes plaintext(len);
    for (size_t i = 0; i < len; ++i) plaintext[i] = static_cast<uint8_t>(i * 7);
    auto a = aes256gcm_seal(key, nonce, plaintext, AeadBackend::kLibsodium);
    auto b = aes256gcm_seal(key, nonce, plaintext, AeadBackend::kOpenSsl);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(*a, *b);
    // Each backend opens what the other sealed.
    auto opened_by_openssl = aes256gcm_open(key, nonce, *a, AeadBackend::kOpenSsl);
    auto opened_by_sodium = aes256gcm_open(key, nonce, *b, AeadBackend::kLibsodium);
    ASSERT_TRUE(opened_by_openssl.ok() && opened_by_sodium.ok());
    EXPECT_TRUE(opened_by_openssl->equals(plaintext));
    EXPECT_TRUE(opened_by_sodium->equals(plaintext));
  }
}

TEST(Aes256Gcm, EveryFailureIsGosAuthenticationError) {
  const Key32 key = key_of("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const Key32 other = key_of(std::string(64, 'f'));
  const GcmNonce nonce = nonce_of("a0a1a2a3a4a5a6a7a8a9aaab");
  for (AeadBackend backend : available_backends()) {
    auto sealed = aes256gcm_seal(key, nonce, as_bytes("attack at dawn"), backend);
    ASSERT_TRUE(sealed.ok());
    Bytes flipped = *sealed;
    flipped[3] ^= 0x10;
    Bytes tag_flipped = *sealed;
    tag_flipped.back() ^= 0x01;
    const Bytes short_input(15, 0);
    for (const auto& [what, input, k] :
         {std::tuple{"bit flip", flipped, &key}, std::tuple{"tag flip", tag_flipped, &key},
          std::tuple{"wrong key", *sealed, &other}, std::tuple{"short", short_input, &key}}) {
      SCOPED_TRACE(what);
      auto opened = aes256gcm_open(*k, nonce, input, backend);
      ASSERT_FALSE(opened.ok());
      EXPECT_EQ(opened.message(), "cipher: message authentication failed");
    }
  }
}

}  // namespace
}  // namespace wgmesh::keys
