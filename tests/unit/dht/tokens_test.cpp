#include "wgmesh/dht/tokens.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace wgmesh::dht {
namespace {

using test::ep4;

TEST(Tokens, ValidForSameIpAnyPortOnly) {
  test::SeededRandom rng;
  TokenManager tm(rng, 0);
  std::string t = tm.mint(ep4(1, 2, 3, 4, 1000), 0);
  EXPECT_EQ(t.size(), TokenManager::kTokenSize);
  EXPECT_TRUE(tm.validate(t, ep4(1, 2, 3, 4, 1000), 1));
  EXPECT_TRUE(tm.validate(t, ep4(1, 2, 3, 4, 2000), 1));  // IP-bound, not port-bound
  EXPECT_FALSE(tm.validate(t, ep4(1, 2, 3, 5, 1000), 1));
  EXPECT_FALSE(tm.validate("", ep4(1, 2, 3, 4, 1000), 1));
  EXPECT_FALSE(tm.validate(t + "x", ep4(1, 2, 3, 4, 1000), 1));
}

TEST(Tokens, AcceptsCurrentAndPreviousSecretOnly) {
  test::SeededRandom rng;
  const int64_t R = TokenManager::kRotateMs;
  TokenManager tm(rng, 0);
  Endpoint who = ep4(9, 9, 9, 9, 1);
  std::string t0 = tm.mint(who, 0);
  EXPECT_TRUE(tm.validate(t0, who, R - 1));
  EXPECT_TRUE(tm.validate(t0, who, R));  // one rotation: previous secret
  std::string t1 = tm.mint(who, R);
  EXPECT_NE(t0, t1);
  EXPECT_FALSE(tm.validate(t0, who, 2 * R));  // two rotations: forgotten
  EXPECT_TRUE(tm.validate(t1, who, 2 * R));
  EXPECT_FALSE(tm.validate(t1, who, 3 * R));
}

TEST(Tokens, LongPauseForgetsBothAndReanchors) {
  test::SeededRandom rng;
  const int64_t R = TokenManager::kRotateMs;
  TokenManager tm(rng, 0);
  Endpoint who = ep4(9, 9, 9, 9, 1);
  std::string t0 = tm.mint(who, 0);
  EXPECT_FALSE(tm.validate(t0, who, 100 * R));
  EXPECT_GT(tm.next_rotation_ms(), 100 * R);
  EXPECT_LE(tm.next_rotation_ms(), 101 * R);
}

}  // namespace
}  // namespace wgmesh::dht
