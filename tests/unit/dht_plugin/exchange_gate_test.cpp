// ExchangeGate: the caps on exchanges started from DHT values (concurrency, rate,
// per-address recontact window, bounded queue and memory) and retries with jitter.
#include "logic/exchange_gate.h"

#include <gtest/gtest.h>

#include <set>

#include "test_random.h"

namespace wgmesh::dht::plugin {
namespace {

using test::ep4;

Endpoint addr(int i) {
  return ep4(10, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i & 255), 1, 52527);
}

TEST(ExchangeGate, AtMostEightInFlight) {
  ExchangeGate g({}, 0);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(g.offer(addr(i), 0), ExchangeGate::Verdict::Queued);
  auto first = g.take_ready(0);
  EXPECT_EQ(first.size(), 8u);
  EXPECT_EQ(g.in_flight(), 8u);
  EXPECT_TRUE(g.take_ready(100000).empty());  // full until something finishes
  EXPECT_EQ(g.next_due(0), INT64_MAX);
  test::SeededRandom rng;
  g.finished(first[0], true, 1000, rng);
  EXPECT_EQ(g.take_ready(1000).size(), 1u);
}

TEST(ExchangeGate, PerMinuteBudget) {
  GateLimits l;
  l.per_minute = 12;  // one every 5 s after a burst of 8
  ExchangeGate g(l, 0);
  test::SeededRandom rng;
  for (int i = 0; i < 100; ++i) g.offer(addr(i), 0);
  size_t started = 0;
  // Finish every exchange at once, so only the rate limit holds starts back.
  for (int64_t t = 0; t <= 60000; t += 100) {
    for (const auto& a : g.take_ready(t)) {
      ++started;
      g.finished(a, true, t, rng);
    }
  }
  // Burst of 8, then 12 per minute: 8 + 12 over the first minute.
  EXPECT_GE(started, 19u);
  EXPECT_LE(started, 20u);
  EXPECT_GT(g.next_due(60000), 60000);  // waiting for a token, not spinning
}

TEST(ExchangeGate, EachAddressAtMostOncePerRecontactWindow) {
  ExchangeGate g({}, 0);
  test::SeededRandom rng;
  EXPECT_EQ(g.offer(addr(1), 0), ExchangeGate::Verdict::Queued);
  EXPECT_EQ(g.offer(addr(1), 0), ExchangeGate::Verdict::Duplicate);  // queued
  auto a = g.take_ready(0);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(g.offer(addr(1), 10), ExchangeGate::Verdict::Duplicate);  // running
  g.finished(a[0], true, 500, rng);
  EXPECT_EQ(g.offer(addr(1), 59999), ExchangeGate::Verdict::Duplicate);  // recent
  EXPECT_EQ(g.offer(addr(1), 60000), ExchangeGate::Verdict::Queued);     // window over
}

TEST(ExchangeGate, FailureIsRetriedWithJitteredBackoffThenGivenUp) {
  ExchangeGate g({}, 0);
  test::SeededRandom rng(7);
  g.offer(addr(1), 0);
  auto a = g.take_ready(0);
  ASSERT_EQ(a.size(), 1u);
  g.finished(a[0], false, 4000, rng);
  EXPECT_EQ(g.offer(addr(1), 5000), ExchangeGate::Verdict::Duplicate);  // waiting for retry
  const int64_t due = g.next_due(4000);
  EXPECT_GE(due, 4000 + 7500);  // 10 s x [0.75, 1.25]
  EXPECT_LE(due, 4000 + 12500);
  EXPECT_TRUE(g.take_ready(due - 1).empty());
  a = g.take_ready(due);
  ASSERT_EQ(a.size(), 1u);
  g.finished(a[0], false, due + 4000, rng);
  const int64_t due2 = g.next_due(due + 4000);
  EXPECT_GE(due2 - (due + 4000), 15000);  // doubled
  EXPECT_LE(due2 - (due + 4000), 25000);
  a = g.take_ready(due2);
  ASSERT_EQ(a.size(), 1u);
  g.finished(a[0], false, due2 + 4000, rng);  // third failure: max_retries (2) reached
  EXPECT_EQ(g.next_due(due2 + 4000), INT64_MAX);
  EXPECT_EQ(g.retries_scheduled(), 2u);
  EXPECT_EQ(g.in_flight(), 0u);
}

TEST(ExchangeGate, RetryJitterSpreads) {
  std::set<int64_t> dues;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    ExchangeGate g({}, 0);
    test::SeededRandom rng(seed);
    g.offer(addr(1), 0);
    g.finished(g.take_ready(0)[0], false, 0, rng);
    dues.insert(g.next_due(0));
  }
  EXPECT_GT(dues.size(), 15u);
}

TEST(ExchangeGate, BoundedQueueAndMemory) {
  GateLimits l;
  l.max_queue = 10;
  l.max_tracked = 16;
  ExchangeGate g(l, 0);
  test::SeededRandom rng;
  size_t queued = 0, full = 0;
  for (int i = 0; i < 1000; ++i) {
    auto v = g.offer(addr(i), 0);
    queued += v == ExchangeGate::Verdict::Queued;
    full += v == ExchangeGate::Verdict::Full;
  }
  EXPECT_EQ(queued, 10u);
  EXPECT_EQ(full, 990u);
  // Drain; later, idle addresses past their window make room for new ones.
  for (int64_t t = 0; t < 120000; t += 1000)
    for (const auto& a : g.take_ready(t)) g.finished(a, true, t, rng);
  EXPECT_LE(g.tracked(), 16u);
  EXPECT_EQ(g.offer(addr(5000), 200000), ExchangeGate::Verdict::Queued);
  EXPECT_LE(g.tracked(), 16u);
}

TEST(ExchangeGate, UnknownOrRepeatedFinishIsIgnored) {
  ExchangeGate g({}, 0);
  test::SeededRandom rng;
  g.finished(addr(9), true, 0, rng);
  g.offer(addr(1), 0);
  auto a = g.take_ready(0);
  g.finished(a[0], true, 1, rng);
  g.finished(a[0], true, 2, rng);
  EXPECT_EQ(g.in_flight(), 0u);
}

}  // namespace
}  // namespace wgmesh::dht::plugin
