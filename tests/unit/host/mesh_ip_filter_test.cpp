// Plausibility of announced IPv4 mesh addresses (daemon.md §3.3/§8, crypto.md §5.6), alone
// and at the peer store's boundary.
#include "mesh/mesh_ip_filter.h"

#include <gtest/gtest.h>

#include "keys/mesh_address.h"
#include "mesh/address_space.h"
#include "mesh/peer_store.h"

using namespace wgmesh;

namespace {

const std::string kSecret = "plausibility-unit-test-secret-0123456789";
const std::string kA = "35VcJ4vOc15vdCi2WaUniV8r4nq6kuzgoj2vEbyWxFY=";
const std::string kB = "bQ7JLSjGSaCjNjSMNAkLvwXwSGwYofdcw7qwOqFIn3o=";

keys::DerivedKeys derived_keys() {
  auto r = keys::derive_keys(kSecret);
  return std::move(*r);
}

struct Filter : ::testing::Test {
  keys::DerivedKeys derived = derived_keys();
  std::optional<keys::GoIpNet> no_custom;
  AddressSpace space{derived, kSecret, no_custom};
  std::vector<std::string> logs;
  int counted = 0;
  MeshIpFilter filter{space,
                      {[this](const std::string& m) { logs.push_back(m); }, [this] { ++counted; }}};

  int64_t now = 1'800'000'000'000;
  SourceRegistry sources;
  PeerStore store{sources, [this] { return now; }};

  void SetUp() override {
    store.set_mesh_ip_filter(
        [this](const std::string& k, const std::string& ip) { return filter.accept(k, ip); });
  }
  PeerReport report(const std::string& key, const std::string& ip,
                    const std::string& ep = "192.0.2.1:51820") {
    PeerReport r;
    r.pubkey = key;
    r.mesh_ip = ip;
    r.endpoint = ep;
    return r;
  }
};

}  // namespace

TEST_F(Filter, AcceptsPlainAndNonceDerivationsOnly) {
  EXPECT_TRUE(filter.accept(kA, keys::mesh_ipv4(derived.mesh_subnet, kA, kSecret)));
  for (int n = 1; n <= keys::kMaxCollisionNonce; ++n)
    EXPECT_TRUE(filter.accept(kA, keys::mesh_ipv4_with_nonce(derived.mesh_subnet, kA, kSecret, n)))
        << n;
  EXPECT_FALSE(filter.accept(kA, keys::mesh_ipv4_with_nonce(derived.mesh_subnet, kA, kSecret, 11)));
  EXPECT_FALSE(filter.accept(kA, keys::mesh_ipv4(derived.mesh_subnet, kB, kSecret)))
      << "B's address";
  EXPECT_FALSE(filter.accept(kA, "192.168.1.1"));
  EXPECT_EQ(counted, 3);
  ASSERT_EQ(logs.size(), 1u) << "logged once per key";
  EXPECT_NE(logs[0].find("35VcJ4vOc15vdCi2"), std::string::npos);
}

TEST_F(Filter, CustomSubnetVariantsAreAccepted) {
  std::optional<keys::GoIpNet> custom = *keys::parse_mesh_subnet("100.64.0.0/20");
  AddressSpace custom_space(derived, kSecret, custom);
  MeshIpFilter f(custom_space, {});
  EXPECT_TRUE(f.accept(kA, *keys::mesh_ipv4_in_subnet(*custom, kA, kSecret)));
  EXPECT_TRUE(f.accept(kA, *keys::mesh_ipv4_in_subnet_with_nonce(*custom, kA, kSecret, 4)));
  EXPECT_FALSE(f.accept(kA, keys::mesh_ipv4(derived.mesh_subnet, kA, kSecret)));
}

TEST_F(Filter, StoreDropsTheAddressButKeepsTheRestOfTheReport) {
  std::string good = keys::mesh_ipv4(derived.mesh_subnet, kA, kSecret);
  std::string stolen = keys::mesh_ipv4(derived.mesh_subnet, kB, kSecret);
  // New peer with a stolen address: stored without it (never configured by reconcile).
  ASSERT_TRUE(store.update(report(kA, stolen), "lan").ok());
  ASSERT_NE(store.get(kA), nullptr);
  EXPECT_EQ(store.get(kA)->mesh_ip, "");
  EXPECT_EQ(store.endpoint_of(*store.get(kA)), "192.0.2.1:51820");
  // Its real address is taken; a later implausible one does not replace it.
  ASSERT_TRUE(store.update(report(kA, good), "lan").ok());
  EXPECT_EQ(store.get(kA)->mesh_ip, good);
  ASSERT_TRUE(store.update(report(kA, stolen, "192.0.2.9:51820"), "lan").ok());
  EXPECT_EQ(store.get(kA)->mesh_ip, good);
  EXPECT_EQ(store.endpoint_of(*store.get(kA)), "192.0.2.9:51820");
  EXPECT_EQ(counted, 2);
  EXPECT_EQ(logs.size(), 1u);
  // Every source goes through the same boundary (cache, transitive reports).
  ASSERT_TRUE(store.update(report(kB, good), "cache").ok());
  EXPECT_EQ(store.get(kB)->mesh_ip, "");
  EXPECT_EQ(counted, 3);
}
