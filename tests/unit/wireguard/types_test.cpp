#include "wireguard/types.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace wgmesh::wg {
namespace {

// A key pair from `wg genkey | tee priv | wg pubkey` (wireguard-tools 1.0.20210914).
constexpr const char* kPriv = "2Mb8Vi1usk7wZxE7zg6kRWit1CO+k68imBuPkDerrnc=";
constexpr const char* kPub = "ieAYP9w33VzeSGUTw9USgMllDJq2mxsNjXIDbLAmhxU=";

TEST(Key, Base64RoundTrip) {
  auto k = Key::from_base64(kPriv);
  ASSERT_TRUE(k) << k.message();
  EXPECT_EQ(k->to_base64(), kPriv);
  EXPECT_FALSE(k->is_zero());
}

TEST(Key, DerivesPublicKeyLikeWg) {
  auto k = Key::from_base64(kPriv);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->public_key().to_base64(), kPub);
}

TEST(Key, RejectsMalformedBase64) {
  EXPECT_FALSE(Key::from_base64(""));
  EXPECT_FALSE(Key::from_base64("2Mb8Vi1usk7wZxE7zg6kRWit1CO+k68imBuPkDerrnc"));   // no pad
  EXPECT_FALSE(Key::from_base64("2Mb8Vi1usk7wZxE7zg6kRWit1CO+k68imBuPkDerrn!="));  // bad char
  EXPECT_FALSE(Key::from_base64("2Mb8Vi1usk7wZxE7zg6kRWit1CO+k68imBuPkDerrnd="));  // stray bits
  EXPECT_FALSE(Key::from_base64("2Mb8Vi1usk7wZxE7zg6kRWit1CO+k68imBuPkDerrnc=x"));
  EXPECT_FALSE(Key::from_base64("2Mb8Vi1usk7wZxE7zg6kRWit1CO-k68imBuPkDerrnc="));  // url-safe
}

TEST(Key, HexRoundTripAnyCase) {
  auto k = Key::from_base64(kPub);
  ASSERT_TRUE(k);
  const std::string hex = k->to_hex();
  EXPECT_EQ(hex.size(), 64u);
  auto back = Key::from_hex(hex);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, *k);
  std::string upper = hex;
  for (auto& c : upper) c = static_cast<char>(toupper(c));
  auto back_upper = Key::from_hex(upper);
  ASSERT_TRUE(back_upper);
  EXPECT_EQ(*back_upper, *k);
  EXPECT_FALSE(Key::from_hex(hex.substr(1)));
  EXPECT_FALSE(Key::from_hex(hex.substr(2) + "zz"));
}

TEST(Key, ZeroAndGenerate) {
  EXPECT_TRUE(Key{}.is_zero());
  Key a = Key::generate_private(), b = Key::generate_private();
  EXPECT_NE(a, b);
  EXPECT_EQ(a, a.clamped());  // generated keys are already clamped
  EXPECT_FALSE(a.public_key().is_zero());
}

TEST(Key, ClampMatchesWireGuard) {
  // wireguard-go reads back 0x11..11 as 10 11..11 51 after clamping.
  auto k = Key::from_hex(std::string(64, '1'));
  ASSERT_TRUE(k);
  EXPECT_EQ(k->clamped().to_hex(), "10" + std::string(60, '1') + "51");
}

TEST(IpPrefix, ParseFormatCanonicalise) {
  auto p = IpPrefix::parse("192.168.1.7/24");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->to_string(), "192.168.1.7/24");
  EXPECT_FALSE(p->is_canonical());
  EXPECT_EQ(p->canonical().to_string(), "192.168.1.0/24");

  auto v6 = IpPrefix::parse("2001:db8:1:2::7/61");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->canonical().to_string(), "2001:db8:1::/61");
  EXPECT_EQ(IpPrefix::parse("10.1.2.3/0")->canonical().to_string(), "0.0.0.0/0");
  EXPECT_EQ(IpPrefix::parse("10.1.2.3/32")->canonical().to_string(), "10.1.2.3/32");
  EXPECT_EQ(IpPrefix::parse("10.255.255.255/9")->canonical().to_string(), "10.128.0.0/9");
}

TEST(IpPrefix, BareAddressIsHostPrefix) {
  EXPECT_EQ(IpPrefix::parse("100.64.0.1")->to_string(), "100.64.0.1/32");
  EXPECT_EQ(IpPrefix::parse("fd00::1")->to_string(), "fd00::1/128");
}

TEST(IpPrefix, RejectsMalformed) {
  for (const char* bad :
       {"", "/24", "10.0.0.1/", "10.0.0.1/33", "fd00::/129", "10.0.0.1/-1", "10.0.0.1/ 8",
        "10.0.0/8", "300.0.0.1/8", "hello", "10.0.0.1/8/8", "10.0.0.1/99999999999"})
    EXPECT_FALSE(IpPrefix::parse(bad)) << bad;
}

TEST(IpPrefix, OrdersForSets) {
  auto a = *IpPrefix::parse("10.0.0.0/8"), b = *IpPrefix::parse("10.0.0.0/16");
  EXPECT_LT(a, b);
  EXPECT_NE(a, b);
}

TEST(Endpoint, ParseAndFormatGoStyle) {
  auto v4 = Endpoint::parse("192.0.2.1:51820");
  ASSERT_TRUE(v4) << v4.message();
  EXPECT_EQ(v4->port, 51820);
  EXPECT_EQ(v4->to_string(), "192.0.2.1:51820");
  auto v6 = Endpoint::parse("[2001:db8::1]:1234");
  ASSERT_TRUE(v6) << v6.message();
  EXPECT_EQ(v6->to_string(), "[2001:db8::1]:1234");
  auto zoned = Endpoint::parse("[fe80::1%7]:1234");
  ASSERT_TRUE(zoned) << zoned.message();
  EXPECT_EQ(zoned->scope_id, 7u);
  auto lo = Endpoint::parse("[fe80::1%lo]:1");
  ASSERT_TRUE(lo) << lo.message();
  EXPECT_EQ(lo->to_string(), "[fe80::1%lo]:1");
}

TEST(Endpoint, RejectsMalformed) {
  for (const char* bad : {"", "192.0.2.1", "192.0.2.1:", "192.0.2.1:0", "192.0.2.1:65536",
                          "2001:db8::1:80", "[2001:db8::1]", "[2001:db8::1]80", "[192.0.2.1]:80",
                          "example.com:80", "[fe80::1%]:80", "192.0.2.1:+80", ":80"})
    EXPECT_FALSE(Endpoint::parse(bad)) << bad;
}

TEST(Endpoint, SockaddrRoundTrip) {
  for (const char* text : {"198.51.100.9:9", "[2001:db8::5]:65535", "[fe80::2%3]:5"}) {
    auto ep = Endpoint::parse(text);
    ASSERT_TRUE(ep) << text;
    sockaddr_storage ss{};
    const socklen_t len = ep->to_sockaddr(ss);
    auto back = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(*back, *ep) << text;
  }
  sockaddr_in short_sa{};
  short_sa.sin_family = AF_INET6;  // claims v6 but too short
  EXPECT_FALSE(Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&short_sa), sizeof short_sa));
}

TEST(Ifname, LinuxRules) {
  for (const char* good : {"wg0", "wgmesh0", "a", "123456789012345", "wg-mesh_1.x"})
    EXPECT_TRUE(is_valid_ifname(good)) << good;
  for (const char* bad :
       {"", ".", "..", "1234567890123456", "wg/0", "../etc", "wg:0", "wg 0", "wg\t0"})
    EXPECT_FALSE(is_valid_ifname(bad)) << bad;
}

}  // namespace
}  // namespace wgmesh::wg
