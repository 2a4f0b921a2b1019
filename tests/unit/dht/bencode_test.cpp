#include "wgmesh/dht/bencode.h"

#include <gtest/gtest.h>

#include <string>

namespace wgmesh::dht::bencode {
namespace {

TEST(Bencode, RoundTripsAllTypes) {
  // Built in place: GCC 12 at -O2 reports a false -Wmaybe-uninitialized when a
  // temporary Value (a std::variant of vectors) is moved into a container.
  List l;
  l.emplace_back(int64_t{-42});
  l.emplace_back("spam");
  l.emplace_back(List{});
  Dict d;
  d.emplace_back("b", std::move(l));
  d.emplace_back("a", int64_t{0});
  d.emplace_back("c", Dict{});
  Value v(d);
  std::string wire = encode(v);
  EXPECT_EQ(wire, "d1:ai0e1:bli-42e4:spamlee1:cdee");  // keys sorted on encode
  auto back = decode(wire);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(encode(*back), wire);
  EXPECT_EQ(*back->find_int("a"), 0);
  EXPECT_EQ(back->find_list("b")->as_list()[1].as_string(), "spam");
}

TEST(Bencode, BinaryStringsAndExtremeIntegers) {
  std::string bin("\x00\xff\x01:e", 5);
  auto v = decode("5:" + bin);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->as_string(), bin);
  auto max = decode("i9223372036854775807e");
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->as_int(), INT64_MAX);
  auto min = decode("i-9223372036854775808e");
  ASSERT_TRUE(min.ok());
  EXPECT_EQ(min->as_int(), INT64_MIN);
  EXPECT_EQ(encode(Value(INT64_MIN)), "i-9223372036854775808e");
}

TEST(Bencode, RejectsIntegerOverflow) {
  EXPECT_FALSE(decode("i9223372036854775808e").ok());
  EXPECT_FALSE(decode("i-9223372036854775809e").ok());
  EXPECT_FALSE(decode("i99999999999999999999999e").ok());
}

TEST(Bencode, RejectsNonCanonicalIntegers) {
  EXPECT_FALSE(decode("i-0e").ok());   // negative zero
  EXPECT_FALSE(decode("i03e").ok());   // leading zero
  EXPECT_FALSE(decode("i-03e").ok());  // leading zero, negative
  EXPECT_FALSE(decode("ie").ok());     // empty
  EXPECT_FALSE(decode("i-e").ok());
  EXPECT_FALSE(decode("i1.5e").ok());
  EXPECT_FALSE(decode("i+1e").ok());
  EXPECT_TRUE(decode("i0e").ok());
}

TEST(Bencode, RejectsBadStringLengths) {
  EXPECT_FALSE(decode("01:a").ok());                    // leading zero length
  EXPECT_FALSE(decode("4294967295:x").ok());            // huge length prefix, tiny input
  EXPECT_FALSE(decode("99999999999999999999:x").ok());  // overflowing length
  EXPECT_FALSE(decode("5:abc").ok());                   // truncated
  EXPECT_FALSE(decode("-1:a").ok());
  EXPECT_FALSE(decode("3abc").ok());  // missing colon
  EXPECT_TRUE(decode("0:").ok());
}

TEST(Bencode, RejectsTruncatedAndTrailing) {
  for (const char* s : {"", "l", "d", "i12", "li1e", "d1:a", "d1:ai1e", "l4:spam"})
    EXPECT_FALSE(decode(s).ok()) << s;
  EXPECT_FALSE(decode("i1ei2e").ok());  // trailing data
  EXPECT_FALSE(decode("le ").ok());
}

TEST(Bencode, RejectsBadDicts) {
  EXPECT_FALSE(decode("di1ei2ee").ok());        // non-string key
  EXPECT_FALSE(decode("d1:ai1e1:ai2ee").ok());  // duplicate key
  EXPECT_TRUE(decode("d1:bi1e1:ai2ee").ok());   // unsorted: tolerated by default
  Limits strict;
  strict.require_sorted_keys = true;
  EXPECT_FALSE(decode("d1:bi1e1:ai2ee", strict).ok());
  EXPECT_TRUE(decode("d1:ai1e1:bi2ee", strict).ok());
}

TEST(Bencode, DepthBombIsRejectedWithoutRecursingDeep) {
  std::string bomb(100000, 'l');
  bomb += std::string(100000, 'e');
  Limits lim;
  lim.max_input = 1 << 20;
  auto r = decode(bomb, lim);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("deep"), std::string::npos) << r.message();
  // Exactly at the limit is fine.
  std::string ok(16, 'l');
  ok += std::string(16, 'e');
  EXPECT_TRUE(decode(ok).ok());
  std::string over(17, 'l');
  over += std::string(17, 'e');
  EXPECT_FALSE(decode(over).ok());
}

TEST(Bencode, LimitsInputSizeAndItemCount) {
  Limits lim;
  lim.max_input = 10;
  EXPECT_FALSE(decode("11:hello world", lim).ok());
  Limits items;
  items.max_items = 5;
  EXPECT_TRUE(decode("li1ei2ei3ei4ee", items).ok());  // list + 4 ints = 5
  EXPECT_FALSE(decode("li1ei2ei3ei4ei5ee", items).ok());
}

TEST(Bencode, RejectsGarbageBytes) {
  EXPECT_FALSE(decode("x").ok());
  EXPECT_FALSE(decode(std::string("\0", 1)).ok());
  EXPECT_FALSE(decode("d1:a").ok());
}

}  // namespace
}  // namespace wgmesh::dht::bencode
