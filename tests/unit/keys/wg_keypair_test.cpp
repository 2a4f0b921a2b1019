// WireGuard key pairs (crypto.md §5.1): X25519 with wg's clamping, 44-character base64 text.
#include "keys/wg_keypair.h"

#include <gtest/gtest.h>

#include "keys/encoding.h"

namespace wgmesh::keys {
namespace {

TEST(WgKeyPair, Rfc7748Alice) {
  auto priv = parse_wg_private_key(base64_encode(
      *hex_decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")));
  ASSERT_TRUE(priv.ok());
  auto pub = wg_public_key(*priv);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(hex_encode(*pub), "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
}

TEST(WgKeyPair, GeneratedKeysAreClampedAndConsistent) {
  const WgKeyPair pair = generate_wg_keypair();
  EXPECT_EQ(pair.private_key.data()[0] & 7, 0);
  EXPECT_EQ(pair.private_key.data()[31] & 0x80, 0);
  EXPECT_EQ(pair.private_key.data()[31] & 0x40, 0x40);
  EXPECT_EQ(*wg_public_key(pair.private_key), pair.public_key);
  EXPECT_EQ(pair.public_key_text().size(), kWgKeyTextSize);
  EXPECT_EQ(pair.private_key_text().size(), kWgKeyTextSize);
  EXPECT_TRUE(is_valid_wg_key_text(pair.public_key_text()));
  auto reparsed = parse_wg_private_key(pair.private_key_text().text());
  ASSERT_TRUE(reparsed.ok());
  EXPECT_TRUE(reparsed->equals(pair.private_key.view()));
  EXPECT_NE(generate_wg_keypair().public_key, pair.public_key);
}

TEST(WgKeyPair, InjectedRandomnessIsReproducible) {
  const auto a = generate_wg_keypair(replay_random(Bytes(32, 0x42)));
  const auto b = generate_wg_keypair(replay_random(Bytes(32, 0x42)));
  EXPECT_EQ(a.public_key, b.public_key);
}

TEST(WgKeyPair, KeyTextValidation) {
  EXPECT_FALSE(is_valid_wg_key_text(""));
  EXPECT_FALSE(is_valid_wg_key_text("35VcJ4vOc15vdCi2WaUniV8r4nq6kuzgoj2vEbyWxFY"));  // 43
  EXPECT_FALSE(is_valid_wg_key_text("35VcJ4vOc15vdCi2WaUniV8r4nq6kuzgoj2vEbyWxFY!"));
  EXPECT_FALSE(is_valid_wg_key_text(base64_encode(Bytes(31, 1)) + "="));
  EXPECT_TRUE(is_valid_wg_key_text("35VcJ4vOc15vdCi2WaUniV8r4nq6kuzgoj2vEbyWxFY="));
  auto err = parse_wg_public_key("short");
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.message(), "invalid key: expected 44 base64 characters, got 5");
}

}  // namespace
}  // namespace wgmesh::keys
