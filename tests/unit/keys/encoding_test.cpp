// Hex and base64 with Go's exact acceptance rules and error offsets (crypto.md §13.2).
#include "keys/encoding.h"

#include <gtest/gtest.h>

namespace wgmesh::keys {
namespace {

std::string decode_result(std::string_view text) {
  auto r = base64_decode(text);
  return r.ok() ? "ok:" + hex_encode(*r) : "err:" + r.message();
}

TEST(Hex, RoundTripLowercase) {
  const Bytes bytes = {0x00, 0x7F, 0x80, 0xAB, 0xFF};
  EXPECT_EQ(hex_encode(bytes), "007f80abff");
  EXPECT_EQ(*hex_decode("007F80abFF"), bytes);
  EXPECT_FALSE(hex_decode("abc").ok());
  EXPECT_FALSE(hex_decode("zz").ok());
}

TEST(Base64, StandardPaddedEncoding) {
  EXPECT_EQ(base64_encode(as_bytes("")), "");
  EXPECT_EQ(base64_encode(as_bytes("f")), "Zg==");
  EXPECT_EQ(base64_encode(as_bytes("fo")), "Zm8=");
  EXPECT_EQ(base64_encode(as_bytes("foo")), "Zm9v");
  EXPECT_EQ(base64_encode(Bytes{0xFB, 0xFF}), "+/8=");
}

TEST(Base64, GoDecoderRules) {
  EXPECT_EQ(decode_result("Zm9vYmFy"), "ok:666f6f626172");
  EXPECT_EQ(decode_result("Zm9v\r\nYmFy\n"), "ok:666f6f626172");  // CR/LF skipped anywhere
  EXPECT_EQ(decode_result("YWJjZB=="), "ok:61626364");  // non-zero unused bits: Go accepts
  EXPECT_EQ(decode_result("Zg"), "err:illegal base64 data at input byte 0");     // padding required
  EXPECT_EQ(decode_result("Zm9v "), "err:illegal base64 data at input byte 4");  // trailing garbage
  EXPECT_EQ(decode_result("Zg== "), "err:illegal base64 data at input byte 4");
  EXPECT_EQ(decode_result("Zg=\n="), "ok:66");
  EXPECT_EQ(decode_result("Zg="), "err:illegal base64 data at input byte 3");
  EXPECT_EQ(decode_result("-_8="), "err:illegal base64 data at input byte 0");  // URL alphabet
  EXPECT_EQ(decode_result("this is not base64!!!"), "err:illegal base64 data at input byte 4");
  EXPECT_EQ(decode_result(""), "ok:");
}

TEST(Base64Url, RawUrlEncodingWithoutPadding) {
  const Bytes bytes = {0xFB, 0xFF, 0xFE};
  EXPECT_EQ(base64url_nopad_encode(bytes), "-__-");
  EXPECT_EQ(base64url_nopad_encode(Bytes{0xFB}), "-w");
  EXPECT_EQ(*base64url_nopad_decode("-w"), Bytes{0xFB});
  EXPECT_FALSE(base64url_nopad_decode("-w==").ok());
  EXPECT_FALSE(base64url_nopad_decode("+/8").ok());
  // 32 random bytes give 43 characters.
  EXPECT_EQ(base64url_nopad_encode(Bytes(32, 0x5A)).size(), 43u);
}

}  // namespace
}  // namespace wgmesh::keys
