// The per-source token bucket (discovery.md §2.6) and the bounded LRU table under it.
#include "core/rate_limiter.h"

#include <gtest/gtest.h>

#include <string>

#include "core/lru_map.h"

using namespace wgmesh::lan;

TEST(SourceRateLimiter, BurstOfTwentyThenTenPerSecond) {
  SourceRateLimiter limiter;
  int allowed = 0;
  for (int i = 0; i < 40; ++i) allowed += limiter.allow("198.51.100.9", 1000) ? 1 : 0;
  EXPECT_EQ(allowed, 20);
  EXPECT_FALSE(limiter.allow("198.51.100.9", 1050)) << "0.5 token after 50 ms";
  EXPECT_TRUE(limiter.allow("198.51.100.9", 1100)) << "one token after 100 ms";
  EXPECT_FALSE(limiter.allow("198.51.100.9", 1100));
}

TEST(SourceRateLimiter, FirstMessageLeavesNineteen) {
  SourceRateLimiter limiter;
  EXPECT_TRUE(limiter.allow("a", 0));
  int more = 0;
  while (limiter.allow("a", 0)) ++more;
  EXPECT_EQ(more, 19);
}

TEST(SourceRateLimiter, SustainedRateIsTenPerSecond) {
  SourceRateLimiter limiter;
  int allowed = 0;
  for (uint64_t t = 0; t < 10000; t += 10) allowed += limiter.allow("flood", t) ? 1 : 0;  // 100/s
  EXPECT_GE(allowed, 20 + 99);  // burst plus ~10/s for 10 s
  EXPECT_LE(allowed, 20 + 101);
}

TEST(SourceRateLimiter, RefillIsCappedAtTheBurst) {
  SourceRateLimiter limiter;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(limiter.allow("x", 0));
  int allowed = 0;
  for (int i = 0; i < 40; ++i) allowed += limiter.allow("x", 3600000) ? 1 : 0;
  EXPECT_EQ(allowed, 20);
}

TEST(SourceRateLimiter, SourcesAreIndependent) {
  SourceRateLimiter limiter;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(limiter.allow("noisy", 0));
  EXPECT_FALSE(limiter.allow("noisy", 0));
  EXPECT_TRUE(limiter.allow("quiet", 0));
}

TEST(SourceRateLimiter, TableIsBoundedAndEvictsTheLeastRecentlyUsed) {
  SourceRateLimiter limiter({10.0, 20.0, 3});
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(limiter.allow("a", 0));
  EXPECT_FALSE(limiter.allow("a", 0));
  limiter.allow("b", 0);
  limiter.allow("c", 0);
  limiter.allow("d", 0);  // evicts "a", the least recently used
  EXPECT_EQ(limiter.tracked_sources(), 3u);
  EXPECT_TRUE(limiter.allow("a", 0)) << "an evicted source starts over with a full bucket";
  for (int i = 0; i < 100000; ++i) limiter.allow("spoofed-" + std::to_string(i), 0);
  EXPECT_EQ(limiter.tracked_sources(), 3u);
}

TEST(SourceRateLimiter, ClockGoingBackwardsDoesNotRefill) {
  SourceRateLimiter limiter;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(limiter.allow("x", 5000));
  EXPECT_FALSE(limiter.allow("x", 1000));
}

TEST(LruMap, FindTouchesAndPutEvicts) {
  LruMap<int> m(2);
  m.put("a", 1);
  m.put("b", 2);
  ASSERT_NE(m.find("a"), nullptr);  // "a" is now the most recent
  m.put("c", 3);                    // evicts "b"
  EXPECT_EQ(m.find("b"), nullptr);
  EXPECT_EQ(*m.find("a"), 1);
  EXPECT_EQ(*m.find("c"), 3);
  m.put("a", 10);  // replace keeps the size
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(*m.find("a"), 10);
}

TEST(LruMap, ZeroCapacityActsAsOne) {
  LruMap<int> m(0);
  m.put("a", 1);
  m.put("b", 2);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(m.find("a"), nullptr);
}
