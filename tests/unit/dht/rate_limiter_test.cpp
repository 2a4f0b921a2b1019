#include "wgmesh/dht/rate_limiter.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace wgmesh::dht {
namespace {

using test::ep4;

TEST(RateLimiter, BurstThenSteadyRatePerIp) {
  RateLimiter rl({10.0, 20.0, 4096});
  int allowed = 0;
  for (int i = 0; i < 40; ++i)
    allowed += rl.allow(ep4(1, 1, 1, 1, static_cast<uint16_t>(i + 1)), 0);
  EXPECT_EQ(allowed, 20);                        // burst, regardless of source port
  EXPECT_TRUE(rl.allow(ep4(2, 2, 2, 2, 1), 0));  // other IPs unaffected
  EXPECT_FALSE(rl.allow(ep4(1, 1, 1, 1, 1), 50));
  EXPECT_TRUE(rl.allow(ep4(1, 1, 1, 1, 1), 100));  // 10/s refills one token per 100 ms
  EXPECT_FALSE(rl.allow(ep4(1, 1, 1, 1, 1), 100));
}

TEST(RateLimiter, TracksBoundedNumberOfSources) {
  RateLimiter rl({10.0, 2.0, 100});
  for (int i = 0; i < 1000; ++i)
    rl.allow(ep4(10, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i), 1, 1), 0);
  EXPECT_EQ(rl.tracked(), 100u);
  // The most recent sources are still throttled; the evicted ones start fresh.
  Endpoint recent = ep4(10, 3, 231, 1, 1);  // i = 999
  EXPECT_TRUE(rl.allow(recent, 0));
  EXPECT_FALSE(rl.allow(recent, 0));
}

}  // namespace
}  // namespace wgmesh::dht
