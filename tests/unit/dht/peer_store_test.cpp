#include "wgmesh/dht/peer_store.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "test_util.h"

namespace wgmesh::dht {
namespace {

using test::ep4;

InfoHash ih(int n) {
  InfoHash h;
  h.bytes[0] = static_cast<uint8_t>(n >> 8);
  h.bytes[1] = static_cast<uint8_t>(n);
  return h;
}

TEST(PeerStore, StoresRefreshesAndExpires) {
  test::SeededRandom rng;
  PeerStoreLimits lim;
  lim.ttl_ms = 1000;
  PeerStore ps(lim);
  ps.announce(ih(1), ep4(1, 1, 1, 1, 80), 0);
  ps.announce(ih(1), ep4(1, 1, 1, 1, 80), 500);  // refresh, no duplicate
  ps.announce(ih(1), *Endpoint::parse("[2001:db8::1]:80"), 0);
  EXPECT_EQ(ps.peer_count(), 2u);
  EXPECT_EQ(ps.get(ih(1), Family::V4, 50, 900, rng).size(), 1u);
  EXPECT_EQ(ps.get(ih(1), Family::V6, 50, 900, rng).size(), 1u);
  EXPECT_EQ(ps.get(ih(1), Family::V4, 50, 1400, rng).size(), 1u);  // refreshed at 500
  EXPECT_EQ(ps.get(ih(1), Family::V6, 50, 1400, rng).size(), 0u);  // expired at 1000
  ps.expire(1600);
  EXPECT_EQ(ps.infohash_count(), 0u);
}

TEST(PeerStore, BoundsInfohashesAndPeersPerHash) {
  test::SeededRandom rng;
  PeerStoreLimits lim;
  lim.max_infohashes = 10;
  lim.max_peers_per_hash = 5;
  PeerStore ps(lim);
  for (int i = 0; i < 100; ++i) ps.announce(ih(i), ep4(1, 1, 1, 1, 80), i);
  EXPECT_EQ(ps.infohash_count(), 10u);
  EXPECT_EQ(ps.get(ih(99), Family::V4, 50, 100, rng).size(), 1u);  // newest kept
  EXPECT_EQ(ps.get(ih(0), Family::V4, 50, 100, rng).size(), 0u);   // oldest evicted
  for (int p = 1; p <= 50; ++p)
    ps.announce(ih(99), ep4(2, 2, 2, 2, static_cast<uint16_t>(p)), 100 + p);
  EXPECT_EQ(ps.get(ih(99), Family::V4, 50, 200, rng).size(), 5u);
  EXPECT_LE(ps.peer_count(), 10u * 5u);
}

TEST(PeerStore, WorstCaseMemoryAtDefaultBounds) {
  PeerStore ps;  // 2000 infohashes x 100 peers
  for (int h = 0; h < 2005; ++h)
    for (int p = 0; p < (h == 2004 ? 110 : 100); ++p)
      ps.announce(ih(h), ep4(10, 0, static_cast<uint8_t>(p), 1, static_cast<uint16_t>(h + 1)), h);
  EXPECT_EQ(ps.infohash_count(), 2000u);
  EXPECT_EQ(ps.peer_count(), 200000u);
  std::printf("[figure] peer store at its bounds: %zu infohashes, %zu peers, ~%zu KiB\n",
              ps.infohash_count(), ps.peer_count(), ps.memory_bytes() / 1024);
  EXPECT_LT(ps.memory_bytes(), 16u << 20);
}

TEST(PeerStore, GetCapsAndShuffles) {
  test::SeededRandom rng;
  PeerStore ps;
  for (int p = 1; p <= 100; ++p) ps.announce(ih(1), ep4(3, 3, 3, 3, static_cast<uint16_t>(p)), 0);
  auto a = ps.get(ih(1), Family::V4, 10, 1, rng);
  auto b = ps.get(ih(1), Family::V4, 10, 1, rng);
  EXPECT_EQ(a.size(), 10u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace wgmesh::dht
