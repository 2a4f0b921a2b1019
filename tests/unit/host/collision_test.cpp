// Mesh IP collision decisions (daemon.md §8) and the address rules they use (§3.3).
#include "mesh/collision.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "keys/mesh_address.h"
#include "mesh/address_space.h"

using namespace wgmesh;

namespace {

const std::string kSecret = "collision-unit-test-secret-0123456789";
const std::string kLow = "35VcJ4vOc15vdCi2WaUniV8r4nq6kuzgoj2vEbyWxFY=";  // '3' < 'b'
const std::string kHigh = "bQ7JLSjGSaCjNjSMNAkLvwXwSGwYofdcw7qwOqFIn3o=";
const std::string kOther =
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";  // between: '3' < 'A' < 'b'

keys::DerivedKeys derived_keys() {
  auto r = keys::derive_keys(kSecret);
  return std::move(*r);
}

struct Space : ::testing::Test {
  keys::DerivedKeys derived = derived_keys();
  std::optional<keys::GoIpNet> no_custom;
  AddressSpace space{derived, kSecret, no_custom};

  std::string nonce_ip(const std::string& key, int n) { return *space.derive(key, n); }
};

bool bad_octet(const std::string& ip) {
  auto last = ip.substr(ip.rfind('.') + 1);
  return last == "0" || last == "255";
}

}  // namespace

TEST(FindCollisions, LowerKeyWinsWhateverTheOrder) {
  std::vector<MeshIpClaim> a = {{kHigh, "10.1.2.3"}, {kLow, "10.1.2.3"}, {kOther, "10.1.9.9"}};
  std::vector<MeshIpClaim> b = {{kLow, "10.1.2.3"}, {kOther, "10.1.9.9"}, {kHigh, "10.1.2.3"}};
  auto ca = find_collisions(a);
  ASSERT_EQ(ca.size(), 1u);
  EXPECT_EQ(ca[0], (Collision{"10.1.2.3", kLow, kHigh}));
  EXPECT_EQ(find_collisions(b), ca);
  EXPECT_EQ(keys::collision_loser(kLow, kHigh), kHigh) << "same rule as the Go helper";
}

TEST(FindCollisions, EveryExtraClaimantLosesAgainstTheLowest) {
  auto c = find_collisions({{kHigh, "10.1.2.3"}, {kLow, "10.1.2.3"}, {kOther, "10.1.2.3"}});
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].winner, kLow);
  EXPECT_EQ(c[1].winner, kLow);
  std::vector<std::string> losers = {c[0].loser, c[1].loser};
  std::sort(losers.begin(), losers.end());
  EXPECT_EQ(losers, (std::vector<std::string>{kOther, kHigh}));
}

TEST(FindCollisions, IgnoresEmptyAddressesAndRepeatedKeys) {
  EXPECT_TRUE(find_collisions({{kLow, ""}, {kHigh, ""}}).empty());
  EXPECT_TRUE(find_collisions({{kLow, "10.1.2.3"}, {kLow, "10.1.2.3"}}).empty());
  EXPECT_TRUE(find_collisions({}).empty());
}

TEST_F(Space, FreeCollisionAddressSkipsTakenAndEdgeOctets) {
  auto first = free_collision_address(space, kHigh, {});
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(space.plausible(kHigh, *first)) << "peers must accept where we move to";
  EXPECT_FALSE(bad_octet(*first));
  // Take it: the next free variant is chosen instead, still a nonce 1..10 derivation.
  auto second = free_collision_address(space, kHigh, {*first});
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(*second, *first);
  EXPECT_TRUE(space.plausible(kHigh, *second));
  // Everything taken: no address.
  std::set<std::string, std::less<>> all;
  for (int n = 1; n <= keys::kMaxCollisionNonce; ++n) all.insert(nonce_ip(kHigh, n));
  EXPECT_FALSE(free_collision_address(space, kHigh, all).has_value());
}

TEST_F(Space, EdgeOctetVariantsAreNeverChosen) {
  // Search keys until one has a nonce variant ending in .0 or .255 among the first few
  // (about 1 in 128 per variant), then check that variant is skipped.
  for (int i = 0; i < 20000; ++i) {
    std::string key = "key-" + std::to_string(i);
    for (int n = 1; n <= keys::kMaxCollisionNonce; ++n) {
      if (!bad_octet(nonce_ip(key, n))) continue;
      std::set<std::string, std::less<>> taken;
      for (int m = 1; m < n; ++m) taken.insert(nonce_ip(key, m));
      auto got = free_collision_address(space, key, taken);
      if (got) {
        EXPECT_FALSE(bad_octet(*got));
        EXPECT_NE(*got, nonce_ip(key, n));
      }
      return;
    }
  }
  FAIL() << "no key with an edge-octet variant found";
}

TEST_F(Space, StartupKeepsAPlausiblePersistedAddressOnly) {
  std::string plain = *space.derive(kHigh, 0);
  std::string n3 = nonce_ip(kHigh, 3);
  EXPECT_EQ(*space.startup_address(kHigh, ""), plain);
  EXPECT_EQ(*space.startup_address(kHigh, n3), n3)
      << "a persisted re-derivation survives a restart";
  EXPECT_EQ(*space.startup_address(kHigh, nonce_ip(kLow, 1)), plain) << "someone else's address";
  EXPECT_EQ(*space.startup_address(kHigh, "192.168.7.7"), plain) << "outside the mesh subnet";
  EXPECT_EQ(*space.startup_address(kHigh, "garbage"), plain);
}

TEST(AddressSpaceCustom, UsesTheSubnetRules) {
  keys::DerivedKeys derived = derived_keys();
  std::optional<keys::GoIpNet> custom = *keys::parse_mesh_subnet("100.64.0.0/16");
  AddressSpace space(derived, kSecret, custom);
  std::string plain = *space.derive(kHigh, 0);
  EXPECT_EQ(plain, *keys::mesh_ipv4_in_subnet(*custom, kHigh, kSecret));
  EXPECT_TRUE(space.contains(plain));
  EXPECT_EQ(plain.rfind("100.64.", 0), 0u);
  std::string n2 = *space.derive(kHigh, 2);
  EXPECT_TRUE(space.plausible(kHigh, n2));
  EXPECT_EQ(*space.startup_address(kHigh, n2), n2);
  std::string default_space_ip = keys::mesh_ipv4(derived.mesh_subnet, kHigh, kSecret);
  EXPECT_EQ(*space.startup_address(kHigh, default_space_ip), plain) << "not in the custom subnet";
}

TEST_F(Space, ResolverMovesTheLocalLoserOnce) {
  CollisionResolver r(space, kHigh);
  const std::string shared = "10.1.2.3";
  auto out = r.scan(shared, {{kLow, shared}});
  ASSERT_TRUE(out.new_local_ip.has_value());
  EXPECT_EQ(*out.new_local_ip, *free_collision_address(space, kHigh, {shared}));
  EXPECT_FALSE(out.unresolved);
  ASSERT_EQ(out.warnings.size(), 2u);
  EXPECT_EQ(
      out.warnings[0],
      "[Collision] Mesh IP collision detected: 10.1.2.3 claimed by 35VcJ4vO... and bQ7JLSjG...");
  EXPECT_EQ(out.warnings[1],
            "[Collision] We lost collision, re-deriving mesh IP: 10.1.2.3 -> " + *out.new_local_ip);
  // After the move: no collision, nothing to say.
  auto after = r.scan(*out.new_local_ip, {{kLow, shared}});
  EXPECT_FALSE(after.new_local_ip.has_value());
  EXPECT_TRUE(after.warnings.empty());
}

TEST_F(Space, ResolverSkipsAddressesOtherPeersHold) {
  CollisionResolver r(space, kHigh);
  const std::string shared = "10.1.2.3";
  std::string n1 = nonce_ip(kHigh, 1);
  auto out = r.scan(shared, {{kLow, shared}, {kOther, n1}});
  ASSERT_TRUE(out.new_local_ip.has_value());
  EXPECT_NE(*out.new_local_ip, n1);
  EXPECT_NE(*out.new_local_ip, shared);
  EXPECT_TRUE(space.plausible(kHigh, *out.new_local_ip));
}

TEST_F(Space, ResolverWinnerStaysAndReportsTheRemoteLoserOnce) {
  CollisionResolver r(space, kLow);
  const std::string shared = "10.1.2.3";
  auto out = r.scan(shared, {{kHigh, shared}});
  EXPECT_FALSE(out.new_local_ip.has_value());
  ASSERT_EQ(out.warnings.size(), 2u);
  EXPECT_EQ(out.warnings[1], "[Collision] Remote peer bQ7JLSjG... should re-derive to " +
                                 *free_collision_address(space, kHigh, {shared}));
  EXPECT_TRUE(r.scan(shared, {{kHigh, shared}}).warnings.empty()) << "logged once";
  // Gone and back: reported again.
  EXPECT_TRUE(r.scan(shared, {}).warnings.empty());
  EXPECT_EQ(r.scan(shared, {{kHigh, shared}}).warnings.size(), 2u);
}

TEST_F(Space, ResolverReportsCollisionsBetweenTwoRemotes) {
  CollisionResolver r(space, kOther);
  auto out = r.scan("10.1.50.50", {{kHigh, "10.1.2.3"}, {kLow, "10.1.2.3"}});
  EXPECT_FALSE(out.new_local_ip.has_value());
  ASSERT_EQ(out.warnings.size(), 2u);
  EXPECT_NE(out.warnings[1].find("Remote peer bQ7JLSjG..."), std::string::npos);
}

TEST_F(Space, ResolverKeepsTheAddressWhenEveryVariantIsTaken) {
  CollisionResolver r(space, kHigh);
  const std::string shared = "10.1.2.3";
  std::vector<MeshIpClaim> peers = {{kLow, shared}};
  for (int n = 1; n <= keys::kMaxCollisionNonce; ++n)
    peers.push_back({"peer-" + std::to_string(n), nonce_ip(kHigh, n)});
  auto out = r.scan(shared, peers);
  EXPECT_FALSE(out.new_local_ip.has_value());
  EXPECT_TRUE(out.unresolved);
  auto again = r.scan(shared, peers);
  EXPECT_TRUE(again.unresolved);
  EXPECT_TRUE(again.warnings.empty()) << "the warning is not repeated on every scan";
}

TEST_F(Space, ResolverIgnoresClaimsAboutOurOwnKey) {
  CollisionResolver r(space, kHigh);
  auto out = r.scan("10.1.2.3", {{kHigh, "10.1.2.3"}});
  EXPECT_FALSE(out.new_local_ip.has_value());
  EXPECT_TRUE(out.warnings.empty());
}
