// Replay classification (crypto.md §10 item 3, discovery.md §2.2).
#include "keys/replay_cache.h"

#include <gtest/gtest.h>

namespace wgmesh::keys {
namespace {

using std::chrono::seconds;
using TimePoint = ReplayCache::TimePoint;

GcmNonce nonce(uint32_t n) {
  GcmNonce out{};
  for (int i = 0; i < 4; ++i) out[static_cast<size_t>(i)] = static_cast<uint8_t>(n >> (8 * i));
  return out;
}

const TimePoint t0{};

TEST(ReplayCache, FreshThenRetransmissionWithinFiveSeconds) {
  ReplayCache cache;
  EXPECT_EQ(cache.check(nonce(1), "hello-bytes", "1.2.3.4:51821", t0), ReplayVerdict::kFresh);
  EXPECT_EQ(cache.check(nonce(1), "hello-bytes", "1.2.3.4:51821", t0 + seconds(1)),
            ReplayVerdict::kRetransmission);
  EXPECT_EQ(cache.check(nonce(1), "hello-bytes", "1.2.3.4:51821", t0 + seconds(5)),
            ReplayVerdict::kRetransmission);
  EXPECT_EQ(cache.check(nonce(1), "hello-bytes", "1.2.3.4:51821", t0 + seconds(6)),
            ReplayVerdict::kReplay);
}

TEST(ReplayCache, AnyOtherNonceReuseIsAReplay) {
  ReplayCache cache;
  ASSERT_EQ(cache.check(nonce(1), "bytes", "a", t0), ReplayVerdict::kFresh);
  EXPECT_EQ(cache.check(nonce(1), "other bytes", "a", t0), ReplayVerdict::kReplay);
  EXPECT_EQ(cache.check(nonce(1), "bytes", "b", t0), ReplayVerdict::kReplay);  // other source
  EXPECT_EQ(cache.check(nonce(2), "bytes", "a", t0), ReplayVerdict::kFresh);
  // Source and bytes are not confused by concatenation.
  ASSERT_EQ(cache.check(nonce(3), "cd", "ab", t0), ReplayVerdict::kFresh);
  EXPECT_EQ(cache.check(nonce(3), "bcd", "a", t0), ReplayVerdict::kReplay);
}

TEST(ReplayCache, RemembersTheWholeWindowThenForgets) {
  ReplayCache cache;  // default window: 1200 s
  ASSERT_EQ(cache.check(nonce(1), "x", "s", t0), ReplayVerdict::kFresh);
  EXPECT_EQ(cache.check(nonce(1), "y", "s", t0 + seconds(1199)), ReplayVerdict::kReplay);
  EXPECT_EQ(cache.check(nonce(1), "y", "s", t0 + seconds(1200)), ReplayVerdict::kFresh);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(ReplayCache, BoundedSizeEvictsTheOldest) {
  ReplayCacheConfig config;
  config.max_entries = 3;
  ReplayCache cache(config);
  for (uint32_t i = 0; i < 4; ++i) {
    ASSERT_EQ(cache.check(nonce(i), "x", "s", t0 + seconds(i)), ReplayVerdict::kFresh);
  }
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.check(nonce(0), "y", "s", t0 + seconds(10)), ReplayVerdict::kFresh);  // evicted
  EXPECT_EQ(cache.check(nonce(3), "y", "s", t0 + seconds(10)), ReplayVerdict::kReplay);
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ReplayCache, HandlesAFullDefaultCacheQuickly) {
  ReplayCache cache;
  for (uint32_t i = 0; i < 70000; ++i) {
    cache.check(nonce(i), "payload", "source", t0 + std::chrono::milliseconds(i));
  }
  EXPECT_EQ(cache.size(), 65536u);
  EXPECT_EQ(cache.check(nonce(69999), "other", "source", t0 + seconds(70)), ReplayVerdict::kReplay);
}

}  // namespace
}  // namespace wgmesh::keys
