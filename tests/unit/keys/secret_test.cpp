// The mesh secret (crypto.md §2): parsing like the Go daemon, the byte-length rule, URI
// form and generation.
#include "keys/secret.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "keys/encoding.h"

namespace wgmesh::keys {
namespace {

TEST(ParseSecret, UriForms) {
  EXPECT_EQ(parse_secret("wgmesh://v1/abc").text(), "abc");
  EXPECT_EQ(parse_secret("wgmesh://v1/abc?x=y").text(), "abc");
  EXPECT_EQ(parse_secret("wgmesh://v2/abc").text(), "abc");       // version is ignored
  EXPECT_EQ(parse_secret("wgmesh://abc?x=1").text(), "abc?x=1");  // no '/': query kept
  EXPECT_EQ(parse_secret("wgmesh://v1/a/b/c").text(), "a/b/c");
  EXPECT_EQ(parse_secret("wgmesh://v1/abc%20def#frag").text(), "abc%20def#frag");  // no decoding
  EXPECT_EQ(parse_secret("wgmesh://v1/").text(), "");
  EXPECT_EQ(parse_secret("WGMESH://v1/abc").text(), "WGMESH://v1/abc");  // case-sensitive
  EXPECT_EQ(parse_secret("wgmesh://v1/ abc").text(), " abc");  // only the whole input is trimmed
}

TEST(ParseSecret, GoUnicodeTrimming) {
  EXPECT_EQ(parse_secret("\t\n\v\f\r raw \r\n").text(), "raw");
  EXPECT_EQ(
      parse_secret("\u0085\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000x\u3000").text(),
      "x");
  EXPECT_EQ(parse_secret("\u200bzero-width\u200b").text(), "\u200bzero-width\u200b");
  EXPECT_EQ(parse_secret("\xff bad utf8 \xff").text(), "\xff bad utf8 \xff");
  EXPECT_EQ(go_trim_space(" \xc2"), "\xc2");  // a truncated sequence is not white space
}

TEST(ValidateSecret, CountsBytesNotCharacters) {
  EXPECT_TRUE(validate_secret("0123456789abcdef").ok());
  const Status short_one = validate_secret("0123456789abcde");
  ASSERT_FALSE(short_one.ok());
  EXPECT_EQ(short_one.message(), "secret must be at least 16 characters");
  // Four 4-byte emoji are 16 bytes (accepted), three are 12 (rejected).
  EXPECT_TRUE(validate_secret("\U0001F600\U0001F601\U0001F602\U0001F603").ok());
  EXPECT_FALSE(validate_secret("\U0001F600\U0001F601\U0001F602").ok());
  EXPECT_FALSE(secret_from_input("wgmesh://v1/short?x=1234567890abcdef").ok());
  EXPECT_EQ(secret_from_input("  wgmesh://v1/0123456789abcdef ")->text(), "0123456789abcdef");
}

TEST(SecretUri, FormatAndRecognise) {
  EXPECT_EQ(format_secret_uri("abc def").text(), "wgmesh://v1/abc def");
  EXPECT_TRUE(secret_input_is_uri("  wgmesh://v1/x"));
  EXPECT_FALSE(secret_input_is_uri("plain-secret-text"));
  EXPECT_FALSE(secret_input_is_uri(""));
}

TEST(GenerateSecret, Base64UrlOfRandomBytes) {
  const SecureBytes secret = generate_secret();
  EXPECT_EQ(secret.size(), 43u);
  for (char c : secret.text()) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;
  }
  EXPECT_EQ(base64url_nopad_decode(secret.text())->size(), 32u);
  EXPECT_EQ(generate_secret(128).size(), 171u);  // later upstream
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) seen.insert(std::string(generate_secret().text()));
  EXPECT_EQ(seen.size(), 20u);
  EXPECT_TRUE(validate_secret(secret.text()).ok());
}

}  // namespace
}  // namespace wgmesh::keys
