#include "wireguard/diff.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "test_keys.h"

namespace wgmesh::wg {
namespace {

using testing::endpoint;
using testing::prefix;
using testing::test_key;

DesiredPeer desired_peer(uint32_t i) {
  DesiredPeer d;
  d.public_key = test_key(i);
  d.preshared_key = test_key(0xFFFF, 0x11);
  d.endpoint = endpoint("198.51.100." + std::to_string(i % 250 + 1) + ":" +
                        std::to_string(51820 + i % 1000));
  d.allowed_ips = {
      prefix("100.64." + std::to_string(i / 250) + "." + std::to_string(i % 250) + "/32"),
      prefix("10." + std::to_string(i % 250) + ".0.0/16")};
  d.persistent_keepalive = 25;
  return d;
}

// What the device would report after applying desired_peer(i).
PeerState state_of(const DesiredPeer& d) {
  PeerState s;
  s.public_key = d.public_key;
  s.preshared_key = d.preshared_key;
  s.endpoint = d.endpoint;
  s.allowed_ips = d.allowed_ips;
  s.persistent_keepalive = d.persistent_keepalive;
  s.rx_bytes = 1234;  // counters never matter
  s.last_handshake = {1700000000, 5};
  return s;
}

struct Fixture {
  DeviceState actual;
  DesiredDevice desired;
  explicit Fixture(uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) {
      desired.peers.push_back(desired_peer(i));
      actual.peers.push_back(state_of(desired.peers.back()));
    }
  }
};

TEST(Diff, EmptyDeviceGetsEveryPeerInFull) {
  DesiredDevice desired;
  desired.peers = {desired_peer(1), desired_peer(2)};
  desired.peers[1].preshared_key.reset();
  desired.peers[1].persistent_keepalive = 0;
  desired.peers[1].allowed_ips = {prefix("192.168.1.7/24"), prefix("192.168.1.0/24")};
  auto u = compute_update(DeviceState{}, desired);
  ASSERT_TRUE(u) << u.message();
  ASSERT_EQ(u->peers.size(), 2u);
  const PeerConfig& a = u->peers[0];
  EXPECT_EQ(a.public_key, test_key(1));
  EXPECT_EQ(a.preshared_key, desired.peers[0].preshared_key);
  EXPECT_EQ(a.endpoint, desired.peers[0].endpoint);
  EXPECT_EQ(a.persistent_keepalive, std::optional<uint16_t>(25));
  EXPECT_TRUE(a.replace_allowed_ips);
  EXPECT_FALSE(a.update_only);
  EXPECT_FALSE(a.remove);
  EXPECT_EQ(a.allowed_ips, canonical_set(desired.peers[0].allowed_ips));
  const PeerConfig& b = u->peers[1];
  EXPECT_FALSE(b.preshared_key);
  EXPECT_FALSE(b.persistent_keepalive);
  // Host bits masked and the duplicate folded.
  ASSERT_EQ(b.allowed_ips.size(), 1u);
  EXPECT_EQ(b.allowed_ips[0].to_string(), "192.168.1.0/24");
}

TEST(Diff, InSyncDeviceNeedsNothing) {
  Fixture f(50);
  auto u = compute_update(f.actual, f.desired);
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->empty());
}

TEST(Diff, AllowedIpsAreComparedAsCanonicalSets) {
  Fixture f(3);
  f.actual.peers[1].allowed_ips = {f.actual.peers[1].allowed_ips[1],
                                   f.actual.peers[1].allowed_ips[0]};           // reordered
  f.desired.peers[2].allowed_ips[1] = prefix("10.2.3.4/16");                    // host bits set
  f.desired.peers[2].allowed_ips.push_back(f.desired.peers[2].allowed_ips[0]);  // duplicate
  auto u = compute_update(f.actual, f.desired);
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->empty()) << u->peers.size();
}

TEST(Diff, ChangingOnePeerAmongAThousandSendsOnePeer) {
  Fixture f(1000);
  f.desired.peers[617].endpoint = endpoint("[2001:db8::617]:4242");
  auto u = compute_update(f.actual, f.desired);
  ASSERT_TRUE(u);
  ASSERT_EQ(u->peers.size(), 1u);
  const PeerConfig& p = u->peers[0];
  EXPECT_EQ(p.public_key, test_key(617));
  EXPECT_EQ(p.endpoint->to_string(), "[2001:db8::617]:4242");
  EXPECT_TRUE(p.update_only);  // never re-creates a peer that vanished meanwhile
  EXPECT_FALSE(p.preshared_key);
  EXPECT_FALSE(p.persistent_keepalive);
  EXPECT_FALSE(p.replace_allowed_ips);
  EXPECT_TRUE(p.allowed_ips.empty());
  EXPECT_FALSE(u->private_key || u->listen_port || u->fwmark || u->replace_peers);
}

TEST(Diff, ChangedAllowedIpsReplaceTheWholeList) {
  Fixture f(2);
  f.desired.peers[0].allowed_ips.push_back(prefix("fd00:1::/64"));
  auto u = compute_update(f.actual, f.desired);
  ASSERT_TRUE(u);
  ASSERT_EQ(u->peers.size(), 1u);
  EXPECT_TRUE(u->peers[0].replace_allowed_ips);
  EXPECT_EQ(u->peers[0].allowed_ips, canonical_set(f.desired.peers[0].allowed_ips));
}

TEST(Diff, RemovesUndesiredPeersFirst) {
  Fixture f(4);
  f.desired.peers.erase(f.desired.peers.begin() + 2);
  f.desired.peers.push_back(desired_peer(9));
  auto u = compute_update(f.actual, f.desired);
  ASSERT_TRUE(u);
  ASSERT_EQ(u->peers.size(), 2u);
  EXPECT_EQ(u->peers[0].public_key, test_key(2));
  EXPECT_TRUE(u->peers[0].remove);
  EXPECT_EQ(u->peers[1].public_key, test_key(9));
  EXPECT_FALSE(u->peers[1].remove);
}

TEST(Diff, PresharedKeyRemovalSendsZeroKey) {
  Fixture f(1);
  f.desired.peers[0].preshared_key.reset();
  auto u = compute_update(f.actual, f.desired);
  ASSERT_TRUE(u);
  ASSERT_EQ(u->peers.size(), 1u);
  ASSERT_TRUE(u->peers[0].preshared_key);
  EXPECT_TRUE(u->peers[0].preshared_key->is_zero());
  // An all-zero desired PSK means "none" too, so an in-sync device stays in sync.
  Fixture g(1);
  g.desired.peers[0].preshared_key = Key{};
  g.actual.peers[0].preshared_key.reset();
  EXPECT_TRUE(compute_update(g.actual, g.desired)->empty());
}

TEST(Diff, UnknownEndpointKeepsTheRoamedOne) {
  Fixture f(1);
  f.desired.peers[0].endpoint.reset();
  f.actual.peers[0].endpoint = endpoint("203.0.113.77:40000");
  EXPECT_TRUE(compute_update(f.actual, f.desired)->empty());
}

TEST(Diff, KeepaliveChange) {
  Fixture f(1);
  f.desired.peers[0].persistent_keepalive = 0;
  auto u = compute_update(f.actual, f.desired);
  ASSERT_TRUE(u);
  ASSERT_EQ(u->peers.size(), 1u);
  EXPECT_EQ(u->peers[0].persistent_keepalive, std::optional<uint16_t>(0));
}

TEST(Diff, DeviceFields) {
  DeviceState actual;
  const Key priv = Key::generate_private();
  actual.private_key = priv;
  actual.public_key = priv.public_key();
  actual.listen_port = 51820;
  DesiredDevice desired;
  Key unclamped = priv;
  unclamped.data()[0] |= 7;  // WireGuard clamps on set: the same key
  desired.private_key = unclamped;
  desired.listen_port = 51820;
  desired.fwmark = 0;
  EXPECT_TRUE(compute_update(actual, desired)->empty());

  desired.listen_port = 0;  // any port will do
  EXPECT_TRUE(compute_update(actual, desired)->empty());

  desired.listen_port = 51821;
  desired.fwmark = 0x57;
  desired.private_key = Key::generate_private();
  auto u = compute_update(actual, desired);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->listen_port, std::optional<uint16_t>(51821));
  EXPECT_EQ(u->fwmark, std::optional<uint32_t>(0x57));
  EXPECT_EQ(u->private_key, desired.private_key);
}

TEST(Diff, RejectsDuplicateAndOwnKeys) {
  DesiredDevice desired;
  desired.peers = {desired_peer(1), desired_peer(1)};
  auto dup = compute_update(DeviceState{}, desired);
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.message().find("twice"), std::string::npos);

  const Key priv = Key::generate_private();
  desired.peers = {desired_peer(1)};
  desired.peers[0].public_key = priv.public_key();
  desired.private_key = priv;
  auto own = compute_update(DeviceState{}, desired);
  ASSERT_FALSE(own);
  EXPECT_NE(own.message().find("own key"), std::string::npos);
}

}  // namespace
}  // namespace wgmesh::wg

namespace wgmesh::wg {
namespace {

using testing::endpoint;
using testing::prefix;
using testing::test_key;

// The cached state after an apply must diff to nothing against what was wanted: that is what
// lets the reconciler's event path skip re-reading the device.
TEST(ApplyUpdateToState, StateAfterAnUpdateMatchesWhatWasWanted) {
  Fixture f(200);
  DesiredDevice want = f.desired;
  want.peers.erase(want.peers.begin() + 7);               // one removed
  want.peers[3].endpoint = endpoint("203.0.113.9:4000");  // one moved
  want.peers[4].allowed_ips.push_back(prefix("172.16.0.0/12"));
  want.peers[5].preshared_key.reset();
  want.peers[6].persistent_keepalive = 0;
  want.peers.push_back(desired_peer(230));  // one added (prefixes of its own)
  auto u = compute_update(f.actual, want);
  ASSERT_TRUE(u) << u.message();
  DeviceState cached = f.actual;
  apply_update_to_state(cached, *u);
  auto again = compute_update(cached, want);
  ASSERT_TRUE(again) << again.message();
  EXPECT_TRUE(again->empty()) << again->peers.size() << " peers still differ";
  EXPECT_EQ(cached.peers.size(), want.peers.size());
  // Counters and handshakes of untouched peers survive; a new peer has none.
  EXPECT_EQ(cached.find_peer(test_key(1))->rx_bytes, 1234u);
  EXPECT_TRUE(cached.find_peer(test_key(230))->last_handshake.is_zero());
}

TEST(ApplyUpdateToState, AnAddedPrefixIsTakenFromItsPreviousOwner) {
  Fixture f(3);
  DeviceUpdate u;
  PeerConfig pc;
  pc.public_key = test_key(2);
  pc.allowed_ips = {prefix("100.64.0.0/32")};  // peer 0's address
  pc.update_only = true;
  u.peers.push_back(pc);
  apply_update_to_state(f.actual, u);
  const PeerState* p0 = f.actual.find_peer(test_key(0));
  const PeerState* p2 = f.actual.find_peer(test_key(2));
  ASSERT_TRUE(p0 && p2);
  EXPECT_EQ(std::count(p0->allowed_ips.begin(), p0->allowed_ips.end(), prefix("100.64.0.0/32")), 0);
  EXPECT_EQ(std::count(p2->allowed_ips.begin(), p2->allowed_ips.end(), prefix("100.64.0.0/32")), 1);
  EXPECT_EQ(p2->allowed_ips.size(), 3u);  // added to its own, not replacing them
}

TEST(ApplyUpdateToState, UpdateOnlyNeverCreatesAndReplacePeersDropsTheRest) {
  Fixture f(4);
  DeviceUpdate u;
  PeerConfig ghost;
  ghost.public_key = test_key(77);
  ghost.update_only = true;
  ghost.persistent_keepalive = 5;
  u.peers.push_back(ghost);
  PeerConfig keep;
  keep.public_key = test_key(1);
  keep.update_only = true;
  keep.persistent_keepalive = 7;
  u.peers.push_back(keep);
  u.replace_peers = true;
  apply_update_to_state(f.actual, u);
  ASSERT_EQ(f.actual.peers.size(), 1u);
  EXPECT_EQ(f.actual.peers[0].public_key, test_key(1));
  EXPECT_EQ(f.actual.peers[0].persistent_keepalive, 7);
}

TEST(ApplyUpdateToState, DeviceFields) {
  DeviceState s;
  DeviceUpdate u;
  u.private_key = test_key(5);
  u.listen_port = 51820;
  u.fwmark = 9;
  apply_update_to_state(s, u);
  ASSERT_TRUE(s.private_key && s.public_key);
  EXPECT_EQ(*s.private_key, test_key(5).clamped());
  EXPECT_EQ(*s.public_key, test_key(5).clamped().public_key());
  EXPECT_EQ(s.listen_port, 51820);
  EXPECT_EQ(s.fwmark, 9u);
  DeviceUpdate clear;
  clear.private_key = Key{};
  clear.listen_port = 0;  // "any port": the bound port stays what it was
  apply_update_to_state(s, clear);
  EXPECT_FALSE(s.private_key);
  EXPECT_EQ(s.listen_port, 51820);
}

}  // namespace
}  // namespace wgmesh::wg
