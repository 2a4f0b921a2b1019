#include "wgmesh/dht/lookup.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "test_util.h"

namespace wgmesh::dht {
namespace {

using test::ep4;
using test::SeededRandom;

// A synthetic keyspace. Each node knows what a Kademlia table would hold: up to 8 nodes
// per shared-prefix length with itself, so replies get closer step by step.
struct Oracle {
  std::vector<NodeInfo> all;
  std::vector<std::vector<NodeInfo>> tables;
  void build() {
    tables.resize(all.size());
    for (size_t i = 0; i < all.size(); ++i) {
      std::map<int, int> per_bucket;
      for (size_t j = 0; j < all.size(); ++j) {
        if (i == j) continue;
        int p = common_prefix_bits(all[i].id, all[j].id);
        if (per_bucket[p]++ < 8) tables[i].push_back(all[j]);
      }
    }
  }
  std::vector<NodeInfo> reply(size_t i, const NodeId& target) const {
    std::vector<NodeInfo> v = tables[i];
    std::sort(v.begin(), v.end(),
              [&](const NodeInfo& a, const NodeInfo& b) { return closer_to(target, a.id, b.id); });
    v.resize(std::min<size_t>(8, v.size()));
    return v;
  }
  std::vector<NodeInfo> closest(const NodeId& target, size_t n) const {
    std::vector<NodeInfo> v = all;
    std::sort(v.begin(), v.end(),
              [&](const NodeInfo& a, const NodeInfo& b) { return closer_to(target, a.id, b.id); });
    v.resize(std::min(n, v.size()));
    return v;
  }
  std::optional<size_t> index_of(const Endpoint& ep) const {
    for (size_t i = 0; i < all.size(); ++i)
      if (all[i].ep == ep) return i;
    return std::nullopt;
  }
};

Oracle make_oracle(size_t n, SeededRandom& rng) {
  Oracle o;
  for (size_t i = 0; i < n; ++i)
    o.all.push_back({NodeId::random(rng),
                     ep4(10, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i), 1, 6881)});
  return o;
}

TEST(Lookup, ConvergesToTheKClosestWithAlphaInFlight) {
  SeededRandom rng(21);
  Oracle o = make_oracle(1000, rng);
  o.build();
  NodeId target = NodeId::random(rng);
  Lookup l(LookupKind::GetPeers, target, {}, 0);
  for (size_t i = 0; i < 3; ++i) l.add_candidate(o.all[i].id, o.all[i].ep);  // 3 random seeds
  size_t rounds = 0;
  while (!l.done(0)) {
    auto reqs = l.next_requests();
    ASSERT_LE(l.in_flight(), 3u);
    ASSERT_FALSE(reqs.empty());
    for (const auto& r : reqs) {
      Response resp;
      resp.id = *r.id;
      resp.token = "tk";
      resp.nodes = o.reply(*o.index_of(r.ep), target);
      EXPECT_TRUE(l.on_response(r.slot, resp));
    }
    ASSERT_LT(++rounds, 100u);
  }
  auto expect = o.closest(target, 8);
  auto got = l.closest_responders();
  ASSERT_EQ(got.size(), 8u);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(got[i].id, expect[i].id);
  EXPECT_EQ(l.token_holders().size(), 8u);
}

TEST(Lookup, RetriesTimeoutsThenGivesUp) {
  SeededRandom rng(22);
  NodeId target = NodeId::random(rng);
  LookupConfig cfg;
  cfg.max_attempts = 2;
  Lookup l(LookupKind::FindNode, target, cfg, 0);
  l.add_candidate(std::nullopt, ep4(192, 0, 2, 1, 6881));  // a router with unknown ID
  auto r1 = l.next_requests();
  ASSERT_EQ(r1.size(), 1u);
  EXPECT_FALSE(r1[0].id);
  EXPECT_FALSE(l.done(1));
  l.on_timeout(r1[0].slot);
  EXPECT_FALSE(l.done(1));      // the only candidate: its retry is worth waiting for
  auto r2 = l.next_requests();  // retried
  ASSERT_EQ(r2.size(), 1u);
  EXPECT_EQ(r2[0].slot, r1[0].slot);
  l.on_timeout(r2[0].slot);
  EXPECT_TRUE(l.next_requests().empty());
  EXPECT_TRUE(l.done(2));  // nothing left
  EXPECT_EQ(l.queries_sent(), 2u);
}

// A dead node among the k closest costs one timeout: it is retried on the side while the
// next candidate takes its place, and the lookup does not wait for the retry.
TEST(Lookup, DeadNodeIsSkippedAfterOneTimeout) {
  SeededRandom rng(26);
  Oracle o = make_oracle(30, rng);
  NodeId target = NodeId::random(rng);
  Lookup l(LookupKind::FindNode, target, {}, 0);
  for (const auto& n : o.all) l.add_candidate(n.id, n.ep);
  auto sorted = o.all;
  std::sort(sorted.begin(), sorted.end(),
            [&](const NodeInfo& a, const NodeInfo& b) { return closer_to(target, a.id, b.id); });
  const Endpoint dead = sorted[0].ep;  // the very closest never answers
  size_t retries_seen = 0;
  std::vector<Lookup::Request> outstanding;
  for (int step = 0; step < 100 && !l.done(0); ++step) {
    for (auto& r : l.next_requests()) outstanding.push_back(r);
    ASSERT_FALSE(outstanding.empty());
    // Live nodes answer within milliseconds; a timeout takes seconds. So replies are
    // processed first, and the dead node's timeout only when nothing else is pending.
    auto it = std::find_if(outstanding.begin(), outstanding.end(),
                           [&](const Lookup::Request& q) { return q.ep != dead; });
    if (it == outstanding.end()) it = outstanding.begin();
    auto r = *it;
    outstanding.erase(it);
    if (r.ep == dead) {
      ++retries_seen;
      l.on_timeout(r.slot);
      continue;
    }
    Response resp;
    resp.id = *r.id;
    l.on_response(r.slot, resp);
  }
  ASSERT_TRUE(l.done(0));
  EXPECT_EQ(l.suspects(), 1u);  // its retry was still pending when the lookup ended
  EXPECT_EQ(retries_seen, 1u);  // ...so only one timeout was paid
  auto got = l.closest_responders();
  ASSERT_EQ(got.size(), 8u);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(got[i].id, sorted[i + 1].id);
}

TEST(Lookup, DeadlineEndsItAndKeepsPartialResults) {
  SeededRandom rng(23);
  Oracle o = make_oracle(50, rng);
  NodeId target = NodeId::random(rng);
  LookupConfig cfg;
  cfg.deadline_ms = 1000;
  Lookup l(LookupKind::GetPeers, target, cfg, 0);
  for (const auto& n : o.all) l.add_candidate(n.id, n.ep);
  auto reqs = l.next_requests();
  Response resp;
  resp.id = *reqs[0].id;
  resp.token = "t";
  resp.values = {ep4(1, 2, 3, 4, 5), ep4(1, 2, 3, 4, 5), ep4(1, 2, 3, 4, 0)};
  l.on_response(reqs[0].slot, resp);
  EXPECT_FALSE(l.done(999));
  EXPECT_TRUE(l.done(1000));
  EXPECT_EQ(l.token_holders().size(), 1u);
  ASSERT_EQ(l.values().size(), 1u);  // deduplicated, port 0 dropped
}

TEST(Lookup, IgnoresUnexpectedRepliesAndIdMismatch) {
  SeededRandom rng(24);
  NodeId target = NodeId::random(rng);
  Lookup l(LookupKind::FindNode, target, {}, 0);
  NodeId a = NodeId::random(rng);
  l.add_candidate(a, ep4(10, 0, 0, 1, 1));
  l.add_candidate(a, ep4(10, 0, 0, 2, 1));                    // duplicate ID ignored
  l.add_candidate(NodeId::random(rng), ep4(10, 0, 0, 1, 1));  // duplicate endpoint ignored
  auto reqs = l.next_requests();
  ASSERT_EQ(reqs.size(), 1u);
  Response wrong;
  wrong.id = NodeId::random(rng);
  EXPECT_FALSE(l.on_response(reqs[0].slot, wrong));
  EXPECT_FALSE(l.on_response(reqs[0].slot, wrong));  // not in flight any more
  EXPECT_FALSE(l.on_response(999, wrong));
  EXPECT_TRUE(l.done(1));
  EXPECT_TRUE(l.closest_responders().empty());
}

TEST(Lookup, CandidateListIsBounded) {
  SeededRandom rng(25);
  NodeId target = NodeId::random(rng);
  LookupConfig cfg;
  cfg.max_candidates = 16;
  Lookup l(LookupKind::FindNode, target, cfg, 0);
  std::vector<NodeInfo> all;
  for (int i = 0; i < 500; ++i) {
    all.push_back({NodeId::random(rng),
                   ep4(10, 1, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i), 1)});
    l.add_candidate(all.back().id, all.back().ep);
  }
  // The 16 kept are the closest 16 of all that were offered.
  std::sort(all.begin(), all.end(),
            [&](const NodeInfo& a, const NodeInfo& b) { return closer_to(target, a.id, b.id); });
  auto reqs = l.next_requests();
  ASSERT_EQ(reqs.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(*reqs[i].id, all[i].id);
}

}  // namespace
}  // namespace wgmesh::dht
