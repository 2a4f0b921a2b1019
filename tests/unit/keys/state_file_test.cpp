// State-file encryption v1 (crypto.md §9; §11 "State-file encryption").
#include <gtest/gtest.h>

#include "keys/encoding.h"
#include "keys/state_file_crypto.h"

namespace wgmesh::keys {
namespace {

void expect_round_trip(ByteView plaintext, std::string_view password) {
  auto blob = encrypt_state_file(plaintext, password);
  ASSERT_TRUE(blob.ok()) << blob.message();
  EXPECT_EQ(blob->find('\n'), std::string::npos);  // one line, no trailing newline
  auto back = decrypt_state_file(*blob, password);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_TRUE(back->equals(plaintext));
}

TEST(StateFile, RoundTrips) {
  Bytes mixed(256);
  for (size_t i = 0; i < mixed.size(); ++i) mixed[i] = static_cast<uint8_t>(i);
  std::string four_kb;
  while (four_kb.size() < 4096) four_kb += "{\"interface_name\":\"wg0\",\"nodes\":{}} ";
  const std::vector<std::pair<std::string, Bytes>> cases = {
      {"text", to_bytes("hello world")},
      {"empty", {}},
      {"binary", {0x00, 0x01, 0xFF, 0xFE}},
      {"unicode", to_bytes("h\u00e9llo w\u00f6rld \U0001F600")},
      {"4 KB", to_bytes(four_kb)},
      {"10 KB", Bytes(10240, 'x')},
      {"1 KB zeros", Bytes(1024, 0x00)},
      {"1 KB 0xFF", Bytes(1024, 0xFF)},
      {"mixed", mixed},
  };
  for (const auto& [name, plaintext] : cases) {
    SCOPED_TRACE(name);
    expect_round_trip(plaintext, "password123");
  }
  expect_round_trip(to_bytes("x"), "p@$$w0rd!#%^&*()_+-=[]{}|;':\",./<>?`~ \u00fc");
  expect_round_trip(to_bytes("x"), std::string(1000, 'p'));
}

TEST(StateFile, EncryptionIsRandomised) {
  auto a = encrypt_state_file(to_bytes("same"), "pw");
  auto b = encrypt_state_file(to_bytes("same"), "pw");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(decrypt_state_file(*a, "pw").ok());
  EXPECT_TRUE(decrypt_state_file(*b, "pw").ok());
}

TEST(StateFile, EmptyPasswordRefusedForWritingButReadable) {
  auto refused = encrypt_state_file(to_bytes("x"), "");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.message(), "refusing to encrypt the state file with an empty password");
  // A Go node may have written one; build it from the primitives and read it back.
  StateFileSalt salt{};
  salt.fill(3);
  GcmNonce nonce{};
  nonce.fill(4);
  const Key32 key = state_file_key("", salt);
  Bytes blob;
  blob.reserve(salt.size() + nonce.size() + 64);
  blob.insert(blob.end(), salt.begin(), salt.end());
  blob.insert(blob.end(), nonce.begin(), nonce.end());
  const Bytes sealed = *aes256gcm_seal(key, nonce, as_bytes("legacy"));
  blob.insert(blob.end(), sealed.begin(), sealed.end());
  auto back = decrypt_state_file(base64_encode(blob), "");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->text(), "legacy");
}

TEST(StateFile, WrongPasswordFailsWithoutPlaintext) {
  const std::string blob = *encrypt_state_file(to_bytes("secret state"), "right");
  auto wrong = decrypt_state_file(blob, "wrong");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.message(),
            "decryption failed (wrong password?): cipher: message authentication failed");
  EXPECT_TRUE(decrypt_state_file(blob, "right").ok());
}

TEST(StateFile, MalformedInputs) {
  for (std::string_view input : {"this is not base64!!!", "YWJj!!!@@@", "   "}) {
    auto r = decrypt_state_file(input, "pw");
    ASSERT_FALSE(r.ok()) << input;
    EXPECT_EQ(r.message().rfind("failed to decode base64: illegal base64 data at input byte", 0),
              0u)
        << r.message();
  }
  const std::string forty_four_a(44, 'a');  // 33 bytes: a salt and one byte
  for (const std::string& input :
       {std::string(), base64_encode(Bytes(10, 1)), base64_encode(Bytes(20, 1)), forty_four_a}) {
    auto r = decrypt_state_file(input, "pw");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.message().find("too short"), std::string::npos) << r.message();
  }
  EXPECT_EQ(decrypt_state_file(forty_four_a, "pw").message(), "ciphertext too short");
  EXPECT_EQ(decrypt_state_file("", "pw").message(), "encrypted data too short");
  // CR/LF are ignored anywhere, so wrapped text and a trailing newline still decrypt.
  const std::string blob = *encrypt_state_file(to_bytes("wrapped"), "pw");
  EXPECT_TRUE(decrypt_state_file(blob.substr(0, 10) + "\r\n" + blob.substr(10) + "\n", "pw").ok());
  EXPECT_FALSE(decrypt_state_file(blob + " ", "pw").ok());
}

TEST(StateFile, StagesComposeToDecrypt) {
  const std::string blob = *encrypt_state_file(to_bytes("staged"), "pw");
  auto parts = parse_state_file(blob);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->sealed.size(), 6u + kGcmTagSize);
  auto plain = open_state_file_blob(*parts, state_file_key("pw", parts->salt));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->text(), "staged");
  EXPECT_EQ(open_state_file_blob(*parts, Key32{}).message(),
            "decryption failed (wrong password?): cipher: message authentication failed");
}

}  // namespace
}  // namespace wgmesh::keys
