#include "wgmesh/dht/routing_table.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "test_util.h"

namespace wgmesh::dht {
namespace {

using test::ep4;
using test::SeededRandom;

Endpoint ep_n(int n) {
  return ep4(10, static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8),
             static_cast<uint8_t>(n), static_cast<uint16_t>(1000 + n % 50000));
}

constexpr int64_t kMin = 60 * 1000;

TEST(RoutingTable, RejectsSelfZeroAndWrongFamily) {
  SeededRandom rng;
  NodeId self = NodeId::random(rng);
  RoutingTable t(self, Family::V4, {}, 0);
  EXPECT_EQ(t.heard_from(self, ep_n(1), true, 0).outcome, RoutingTable::Outcome::Rejected);
  EXPECT_EQ(t.heard_from(NodeId{}, ep_n(1), true, 0).outcome, RoutingTable::Outcome::Rejected);
  EXPECT_EQ(t.heard_from(NodeId::random(rng), *Endpoint::parse("[::2]:1"), true, 0).outcome,
            RoutingTable::Outcome::Rejected);
  EXPECT_EQ(t.size(), 0u);
}

TEST(RoutingTable, SplitsOnlyTheBucketHoldingOurId) {
  SeededRandom rng(11);
  NodeId self = NodeId::random(rng);
  RoutingTable t(self, Family::V4, {}, 0);
  // Far nodes (prefix 0 with us) fill bucket 0 and then only go to the cache.
  int n = 0;
  for (int i = 0; i < 30; ++i) t.heard_from(random_id_in_bucket(self, 0, rng), ep_n(n++), true, 0);
  EXPECT_EQ(t.bucket_count(), 2u);  // one split: [prefix 0] and [prefix >= 1]
  for (int i = 0; i < 30; ++i) t.heard_from(random_id_in_bucket(self, 0, rng), ep_n(n++), true, 0);
  EXPECT_EQ(t.bucket_count(), 2u);  // no more splits for far nodes
  EXPECT_EQ(t.size(), 8u);
  EXPECT_EQ(t.replacement_count(), 8u);
  // Close nodes keep splitting the last bucket.
  for (int p = 1; p < 20; ++p)
    for (int i = 0; i < 8; ++i) t.heard_from(random_id_in_bucket(self, p, rng), ep_n(n++), true, 0);
  EXPECT_GE(t.bucket_count(), 20u);
  EXPECT_EQ(t.size(), 8u * 20u);
}

TEST(RoutingTable, BoundedWhenFullAndReportsMemory) {
  SeededRandom rng(12);
  NodeId self = NodeId::random(rng);
  RoutingTableConfig cfg;
  RoutingTable t(self, Family::V4, cfg, 0);
  // Saturate every possible bucket depth, several times over.
  int n = 0;
  for (int round = 0; round < 3; ++round)
    for (int p = 0; p < 160; ++p)
      for (int i = 0; i < 16; ++i)
        t.heard_from(random_id_in_bucket(self, p, rng), ep_n(n++), true, 0);
  EXPECT_LE(t.size(), cfg.max_nodes);
  EXPECT_LE(t.bucket_count(), 160u);
  EXPECT_LE(t.replacement_count(), 160u * cfg.replacements);
  std::printf(
      "[figure] full routing table: %zu nodes, %zu buckets, %zu cached, ~%zu KiB (%zu B/entry)\n",
      t.size(), t.bucket_count(), t.replacement_count(), t.memory_bytes() / 1024,
      sizeof(RoutingEntry));
  EXPECT_LT(t.memory_bytes(), 512u * 1024u);
}

TEST(RoutingTable, ClosestIsSortedAndExcludesBad) {
  SeededRandom rng(13);
  NodeId self = NodeId::random(rng);
  RoutingTable t(self, Family::V4, {}, 0);
  std::vector<NodeId> ids;
  for (int i = 0; i < 100; ++i) {
    ids.push_back(NodeId::random(rng));
    t.heard_from(ids.back(), ep_n(i), true, 0);
  }
  NodeId target = NodeId::random(rng);
  auto c = t.closest(target, 8, 0);
  ASSERT_EQ(c.size(), 8u);
  for (size_t i = 1; i < c.size(); ++i) EXPECT_TRUE(closer_to(target, c[i - 1].id, c[i].id));
  // Make the closest bad: two misses.
  t.failed(c[0].id, c[0].ep, 1);
  t.failed(c[0].id, c[0].ep, 2);
  auto c2 = t.closest(target, 8, 3);
  for (const auto& x : c2) EXPECT_NE(x.id, c[0].id);
}

TEST(RoutingTable, NodeStatesFollowBep5Timing) {
  SeededRandom rng(14);
  NodeId self = NodeId::random(rng);
  RoutingTable t(self, Family::V4, {}, 0);
  NodeId a = NodeId::random(rng);
  t.heard_from(a, ep_n(1), true, 0);
  EXPECT_EQ(t.state(*t.find(a), 14 * kMin), NodeState::Good);
  EXPECT_EQ(t.state(*t.find(a), 15 * kMin), NodeState::Questionable);
  t.queried_by(a, ep_n(1), 15 * kMin);  // has answered before and queried us lately: good
  EXPECT_EQ(t.state(*t.find(a), 16 * kMin), NodeState::Good);
  t.failed(a, ep_n(1), 16 * kMin);
  EXPECT_NE(t.state(*t.find(a), 16 * kMin), NodeState::Bad);  // one miss is tolerated
  t.failed(a, ep_n(1), 16 * kMin);
  EXPECT_EQ(t.state(*t.find(a), 16 * kMin), NodeState::Bad);
  t.heard_from(a, ep_n(1), true, 17 * kMin);  // answered again: good again
  EXPECT_EQ(t.state(*t.find(a), 17 * kMin), NodeState::Good);

  // Unverified hints (nodes file) get only one chance and are removed when dead.
  NodeId h = NodeId::random(rng);
  t.heard_from(h, ep_n(2), false, 0);
  EXPECT_EQ(t.state(*t.find(h), 0), NodeState::Questionable);
  t.failed(h, ep_n(2), 1);
  EXPECT_EQ(t.find(h), nullptr);
}

TEST(RoutingTable, FullBucketAsksToPingStalestAndReplacesItWhenDead) {
  SeededRandom rng(15);
  NodeId self = NodeId::random(rng);
  RoutingTable t(self, Family::V4, {}, 0);
  // Fill bucket 0 (after the first split) with 8 far nodes at t=0.
  std::vector<NodeInfo> far;
  for (int i = 0; i < 8; ++i) far.push_back({random_id_in_bucket(self, 0, rng), ep_n(i)});
  for (int i = 0; i < 8; ++i) t.heard_from(far[i].id, far[i].ep, true, i);
  // Force a split so bucket 0 is a non-splittable bucket.
  for (int i = 0; i < 9; ++i)
    t.heard_from(random_id_in_bucket(self, 3, rng), ep_n(100 + i), true, 0);
  // 20 min later, everyone is questionable; a newcomer is cached and the stalest pinged.
  NodeInfo newcomer{random_id_in_bucket(self, 0, rng), ep_n(200)};
  auto res = t.heard_from(newcomer.id, newcomer.ep, true, 20 * kMin);
  EXPECT_EQ(res.outcome, RoutingTable::Outcome::Cached);
  ASSERT_TRUE(res.ping);
  EXPECT_EQ(res.ping->id, far[0].id);
  // The ping goes unanswered twice: the cached newcomer takes the slot.
  t.failed(far[0].id, far[0].ep, 20 * kMin + 2000);
  t.failed(far[0].id, far[0].ep, 20 * kMin + 4000);
  EXPECT_EQ(t.find(far[0].id), nullptr);
  EXPECT_NE(t.find(newcomer.id), nullptr);
}

TEST(RoutingTable, AddressAndIdConflicts) {
  SeededRandom rng(16);
  NodeId self = NodeId::random(rng);
  RoutingTable t(self, Family::V4, {}, 0);
  NodeId a = NodeId::random(rng), b = NodeId::random(rng);
  t.heard_from(a, ep_n(1), true, 0);
  // A live ID cannot be moved to another address...
  EXPECT_EQ(t.heard_from(a, ep_n(2), true, 1).outcome, RoutingTable::Outcome::Rejected);
  EXPECT_EQ(t.find(a)->ep, ep_n(1));
  // ...and a live address cannot be taken by another ID.
  EXPECT_EQ(t.heard_from(b, ep_n(1), true, 1).outcome, RoutingTable::Outcome::Rejected);
  // Once the old entry is dead, both are allowed.
  t.failed(a, ep_n(1), 2);
  t.failed(a, ep_n(1), 3);
  EXPECT_EQ(t.heard_from(b, ep_n(1), true, 4).outcome, RoutingTable::Outcome::Added);
  EXPECT_EQ(t.find(a), nullptr);
}

TEST(RoutingTable, RefreshDeadlinesAndTargets) {
  SeededRandom rng(17);
  NodeId self = NodeId::random(rng);
  RoutingTable t(self, Family::V4, {}, 0);
  for (int i = 0; i < 40; ++i) t.heard_from(NodeId::random(rng), ep_n(i), true, 0);
  const size_t buckets = t.bucket_count();
  EXPECT_EQ(t.next_refresh_ms(), 15 * kMin);
  EXPECT_FALSE(t.take_refresh_target(15 * kMin - 1, rng));
  std::set<int> depths;
  for (size_t i = 0; i < buckets; ++i) {
    auto target = t.take_refresh_target(15 * kMin, rng);
    ASSERT_TRUE(target);
    depths.insert(std::min(common_prefix_bits(self, *target), static_cast<int>(buckets - 1)));
  }
  EXPECT_EQ(depths.size(), buckets);  // one target inside each bucket
  EXPECT_FALSE(t.take_refresh_target(15 * kMin, rng));
  EXPECT_EQ(t.next_refresh_ms(), 30 * kMin);
}

}  // namespace
}  // namespace wgmesh::dht
