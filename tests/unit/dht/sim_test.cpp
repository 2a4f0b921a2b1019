// Many DhtNodes on an in-memory network: bootstrap, announce on one node, find the peer
// from another, with packet loss and churn.
#include <gtest/gtest.h>

#include <cstdio>

#include "test_util.h"

namespace wgmesh::dht {
namespace {

using test::SimNet;

Endpoint addr(size_t i) {
  // 10/8 is BEP 42-exempt, so random IDs are fine (the check stays enabled).
  return test::ep4(10, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i), 1, 6881);
}

struct Swarm {
  SimNet net;
  explicit Swarm(size_t n, uint64_t seed = 7, double loss = 0.0) : net(seed) {
    net.loss = loss;
    for (size_t i = 0; i < n; ++i) {
      DhtConfig cfg;
      if (i > 0) cfg.bootstrap = {addr(0)};
      net.add(addr(i), cfg);
    }
    // Staggered start, as real nodes join over time.
    for (size_t i = 0; i < n; ++i) {
      net.node(i).start();
      net.touch(i);
      net.run_for(20);
    }
  }
  bool all_bootstrapped() {
    for (size_t i = 0; i < net.size(); ++i)
      if (!net.node(i).is_bootstrapped()) return false;
    return true;
  }
};

TEST(DhtSim, TwoHundredNodesAnnounceAndFind) {
  Swarm s(200);
  ASSERT_TRUE(s.net.run_until(s.net.now + 120'000, [&] { return s.all_bootstrapped(); }));
  ASSERT_FALSE(s.net.busy_loop_detected);
  size_t total = 0, min_size = SIZE_MAX;
  for (size_t i = 0; i < s.net.size(); ++i) {
    size_t n = s.net.node(i).stats().routing_table_v4;
    total += n;
    min_size = std::min(min_size, n);
  }
  std::printf("[figure] sim 200 nodes: avg routing table %.1f, min %zu, %llu datagrams\n",
              static_cast<double>(total) / 200.0, min_size,
              static_cast<unsigned long long>(s.net.delivered));
  EXPECT_GE(min_size, 8u);

  test::SeededRandom rng(99);
  InfoHash ih = NodeId::random(rng);
  std::optional<LookupResult> ann;
  ASSERT_NE(s.net.node(17).announce(ih, 40000, [&](const LookupResult& r) { ann = r; }), 0u);
  s.net.touch(17);
  ASSERT_TRUE(s.net.run_until(s.net.now + 60'000, [&] { return ann.has_value(); }));
  EXPECT_EQ(ann->announce_targets, 8u);
  EXPECT_EQ(ann->announced, 8u);
  EXPECT_FALSE(ann->hit_deadline);

  std::optional<LookupResult> got;
  ASSERT_NE(s.net.node(150).get_peers(ih, [&](const LookupResult& r) { got = r; }), 0u);
  s.net.touch(150);
  ASSERT_TRUE(s.net.run_until(s.net.now + 60'000, [&] { return got.has_value(); }));
  Endpoint want = addr(17);
  want.port = 40000;  // the given port, not the DHT port: implied_port = 0
  ASSERT_EQ(got->peers.size(), 1u);
  EXPECT_EQ(got->peers[0], want);
  std::printf("[figure] sim get_peers: %zu queries, %zu responses, %lld ms (first value %lld ms)\n",
              got->queries, got->responses, static_cast<long long>(got->elapsed_ms),
              static_cast<long long>(got->first_peer_ms));
  EXPECT_LE(got->queries, 40u);
  uint64_t lookups_started = 0, lookups_finished = 0;
  for (size_t i = 0; i < s.net.size(); ++i) {
    lookups_started += s.net.node(i).stats().lookups_started;
    lookups_finished += s.net.node(i).stats().lookups_finished;
  }
  EXPECT_EQ(lookups_started, lookups_finished);
}

// BEP 32: an IPv6-only swarm (ULA addresses, exempt from BEP 42 like 10/8).
TEST(DhtSim, Ipv6OnlySwarm) {
  SimNet net(10);
  auto addr6 = [](size_t i) {
    std::array<uint8_t, 16> a{0xfd,
                              0,
                              0,
                              0,
                              0,
                              0,
                              0,
                              0,
                              0,
                              0,
                              0,
                              0,
                              0,
                              0,
                              static_cast<uint8_t>(i >> 8),
                              static_cast<uint8_t>(i)};
    return Endpoint::v6(a, 6881);
  };
  for (size_t i = 0; i < 60; ++i) {
    DhtConfig cfg;
    cfg.ipv4 = false;
    cfg.ipv6 = true;
    if (i > 0) cfg.bootstrap = {addr6(0)};
    net.add(addr6(i), cfg);
    net.node(i).start();
    net.touch(i);
    net.run_for(20);
  }
  auto all = [&] {
    for (size_t i = 0; i < net.size(); ++i)
      if (!net.node(i).is_bootstrapped()) return false;
    return true;
  };
  ASSERT_TRUE(net.run_until(net.now + 120'000, all));
  EXPECT_EQ(net.node(5).stats().routing_table_v4, 0u);
  EXPECT_GE(net.node(5).stats().routing_table_v6, 8u);
  test::SeededRandom rng(96);
  InfoHash ih = NodeId::random(rng);
  std::optional<LookupResult> ann, got;
  net.node(7).announce(ih, 5555, [&](const LookupResult& r) { ann = r; });
  net.touch(7);
  ASSERT_TRUE(net.run_until(net.now + 60'000, [&] { return ann.has_value(); }));
  EXPECT_EQ(ann->announced, 8u);
  net.node(50).get_peers(ih, [&](const LookupResult& r) { got = r; });
  net.touch(50);
  ASSERT_TRUE(net.run_until(net.now + 60'000, [&] { return got.has_value(); }));
  ASSERT_EQ(got->peers.size(), 1u);
  Endpoint want = addr6(7);
  want.port = 5555;
  EXPECT_EQ(got->peers[0], want);
}

TEST(DhtSim, WorksWithPacketLoss) {
  Swarm s(100, 8, 0.10);
  ASSERT_TRUE(s.net.run_until(s.net.now + 300'000, [&] { return s.all_bootstrapped(); }));
  test::SeededRandom rng(98);
  InfoHash ih = NodeId::random(rng);
  std::optional<LookupResult> ann, got;
  s.net.node(3).announce(ih, 1234, [&](const LookupResult& r) { ann = r; });
  s.net.touch(3);
  ASSERT_TRUE(s.net.run_until(s.net.now + 60'000, [&] { return ann.has_value(); }));
  EXPECT_GE(ann->announced, 4u);
  s.net.node(90).get_peers(ih, [&](const LookupResult& r) { got = r; });
  s.net.touch(90);
  ASSERT_TRUE(s.net.run_until(s.net.now + 60'000, [&] { return got.has_value(); }));
  ASSERT_FALSE(got->peers.empty());
  EXPECT_EQ(got->peers[0].port, 1234);
}

TEST(DhtSim, SurvivesChurnAndRefreshesBuckets) {
  Swarm s(120, 9);
  ASSERT_TRUE(s.net.run_until(s.net.now + 120'000, [&] { return s.all_bootstrapped(); }));
  // A third of the network vanishes (including the bootstrap node).
  for (size_t i = 0; i < 40; ++i) s.net.remove_from_network(i);
  // 20 minutes pass: bucket refresh runs, dead nodes are found and evicted.
  s.net.run_for(20 * 60 * 1000);
  ASSERT_FALSE(s.net.busy_loop_detected);
  size_t timeouts = 0;
  for (size_t i = 40; i < s.net.size(); ++i) timeouts += s.net.node(i).stats().timeouts;
  EXPECT_GT(timeouts, 0u);
  test::SeededRandom rng(97);
  InfoHash ih = NodeId::random(rng);
  std::optional<LookupResult> ann, got;
  s.net.node(50).announce(ih, 999, [&](const LookupResult& r) { ann = r; });
  s.net.touch(50);
  ASSERT_TRUE(s.net.run_until(s.net.now + 60'000, [&] { return ann.has_value(); }));
  EXPECT_EQ(ann->announced, 8u);
  s.net.node(119).get_peers(ih, [&](const LookupResult& r) { got = r; });
  s.net.touch(119);
  ASSERT_TRUE(s.net.run_until(s.net.now + 60'000, [&] { return got.has_value(); }));
  ASSERT_EQ(got->peers.size(), 1u);
  EXPECT_EQ(got->peers[0].port, 999);
}

}  // namespace
}  // namespace wgmesh::dht
