#include "wgmesh/dht/node_id.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace wgmesh::dht {
namespace {

using test::ep4;
using test::SeededRandom;

TEST(NodeId, HexRoundTripAndXor) {
  auto a = NodeId::from_hex("00000000000000000000000000000000000000ff");
  auto b = NodeId::from_hex("80000000000000000000000000000000000000ff");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->hex(), "00000000000000000000000000000000000000ff");
  EXPECT_EQ(common_prefix_bits(*a, *b), 0);
  EXPECT_EQ(common_prefix_bits(*a, *a), 160);
  auto c = NodeId::from_hex("00000000000000000000000000000000000000fe");
  EXPECT_EQ(common_prefix_bits(*a, *c), 159);
  EXPECT_TRUE(closer_to(*a, *c, *b));
  EXPECT_FALSE(closer_to(*a, *b, *c));
  EXPECT_FALSE(closer_to(*a, *c, *c));
  EXPECT_EQ((*a ^ *b).hex(), "8000000000000000000000000000000000000000");
  EXPECT_FALSE(NodeId::from_hex("zz"));
}

TEST(NodeId, RandomIdInBucketHasExactPrefix) {
  SeededRandom rng(3);
  NodeId base = NodeId::random(rng);
  for (int p : {0, 1, 7, 8, 9, 63, 100, 159}) {
    for (int i = 0; i < 20; ++i)
      EXPECT_EQ(common_prefix_bits(base, random_id_in_bucket(base, p, rng)), p) << p;
  }
  EXPECT_EQ(random_id_in_bucket(base, 160, rng), base);
}

TEST(NodeId, Crc32cKnownValue) {
  const std::string s = "123456789";
  EXPECT_EQ(crc32c({reinterpret_cast<const uint8_t*>(s.data()), s.size()}), 0xe3069283u);
}

// The examples table of BEP 42 (IP, r, first three bytes of the ID, last byte).
TEST(NodeId, Bep42Vectors) {
  struct V {
    Endpoint ip;
    const char* id;
  };
  const V vectors[] = {
      {ep4(124, 31, 75, 21, 1), "5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401"},
      {ep4(21, 75, 31, 124, 1), "5a3ce9c14e7a08645677bbd1cfe7d8f956d53256"},
      {ep4(65, 23, 51, 170, 1), "a5d43220bc8f112a3d426c84764f8c2a1150e616"},
      {ep4(84, 124, 73, 14, 1), "1b0321dd1bb1fe518101ceef99462b947a01ff41"},
      {ep4(43, 213, 53, 83, 1), "e56f6cbf5b7c4be0237986d5243b87aa6d51305a"},
  };
  for (const auto& v : vectors) {
    auto id = NodeId::from_hex(v.id);
    ASSERT_TRUE(id);
    EXPECT_TRUE(bep42_id_valid(*id, v.ip)) << v.id;
    NodeId wrong = *id;
    wrong.bytes[0] ^= 0x01;
    EXPECT_FALSE(bep42_id_valid(wrong, v.ip)) << v.id;
    NodeId other_r = *id;
    other_r.bytes[19] ^= 0x01;  // r selects the CRC input
    EXPECT_FALSE(bep42_id_valid(other_r, v.ip)) << v.id;
  }
}

TEST(NodeId, Bep42MakeIdValidatesAndLocalAddressesAreExempt) {
  SeededRandom rng(5);
  Endpoint pub = ep4(198, 51, 100, 7, 6881);
  Endpoint pub6 = *Endpoint::parse("[2a00:1450::1]:6881");
  for (uint8_t r = 0; r < 16; ++r) {
    EXPECT_TRUE(bep42_id_valid(bep42_make_id(pub, r, rng), pub));
    EXPECT_TRUE(bep42_id_valid(bep42_make_id(pub6, r, rng), pub6));
  }
  NodeId random = NodeId::random(rng);
  EXPECT_TRUE(bep42_id_valid(random, ep4(127, 0, 0, 1, 1)));
  EXPECT_TRUE(bep42_id_valid(random, ep4(10, 1, 2, 3, 1)));
  EXPECT_TRUE(bep42_id_valid(random, ep4(192, 168, 1, 1, 1)));
  EXPECT_TRUE(bep42_id_valid(random, ep4(172, 20, 1, 1, 1)));
  EXPECT_TRUE(bep42_id_valid(random, *Endpoint::parse("[fd00::1]:1")));
}

TEST(Endpoint, ParseFormatAndSockaddr) {
  auto a = Endpoint::parse("1.2.3.4:5");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->to_string(), "1.2.3.4:5");
  auto b = Endpoint::parse("[2001:db8::1]:51820");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->to_string(), "[2001:db8::1]:51820");
  auto mapped = Endpoint::parse("[::ffff:1.2.3.4]:9");
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(mapped->is_v4());
  EXPECT_FALSE(Endpoint::parse("1.2.3.4"));
  EXPECT_FALSE(Endpoint::parse("1.2.3.4:70000"));
  EXPECT_FALSE(Endpoint::parse("host:1"));
  EXPECT_FALSE(Endpoint::parse("::1:5"));
  sockaddr_storage ss;
  socklen_t len = to_sockaddr(*b, ss);
  auto back = from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, *b);
  len = to_sockaddr(*mapped, ss);
  EXPECT_EQ(*from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len), *mapped);
  EXPECT_EQ(decode_compact(test::bytes(encode_compact(*b))), b);
}

}  // namespace
}  // namespace wgmesh::dht
