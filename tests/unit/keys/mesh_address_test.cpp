// Mesh addresses (crypto.md §5; §11 "Mesh IPv4/IPv6", custom subnets, collisions).
#include "keys/mesh_address.h"

#include <gtest/gtest.h>

#include <set>

namespace wgmesh::keys {
namespace {

constexpr std::string_view kSecret = "test-secret-that-is-long-enough";
constexpr std::array<uint8_t, 2> kSubnet42{42, 0};
constexpr std::string_view kKeyA = "35VcJ4vOc15vdCi2WaUniV8r4nq6kuzgoj2vEbyWxFY=";
constexpr std::string_view kKeyB = "bQ7JLSjGSaCjNjSMNAkLvwXwSGwYofdcw7qwOqFIn3o=";

std::array<int, 4> octets(const std::string& ip) {
  std::array<int, 4> o{};
  EXPECT_EQ(std::sscanf(ip.c_str(), "%d.%d.%d.%d", &o[0], &o[1], &o[2], &o[3]), 4) << ip;
  return o;
}

GoIpNet subnet(std::string_view cidr) { return **parse_mesh_subnet(cidr); }

TEST(MeshIpv4, DeterministicDistinctAndInTheMeshSlash16) {
  const std::string a = mesh_ipv4(kSubnet42, kKeyA, kSecret);
  EXPECT_EQ(a, mesh_ipv4(kSubnet42, kKeyA, kSecret));
  EXPECT_NE(a, mesh_ipv4(kSubnet42, kKeyB, kSecret));
  EXPECT_EQ(a.rfind("10.42.", 0), 0u);
  const auto o = octets(a);
  EXPECT_GE(o[3], 1);
  EXPECT_LE(o[3], 254);
}

TEST(MeshIpv4, SubnetByteOneChangesTheAddressButNotItsPrefix) {
  const std::array<uint8_t, 2> other{42, 7};
  const std::string a = mesh_ipv4(kSubnet42, kKeyA, kSecret);
  const std::string b = mesh_ipv4(other, kKeyA, kSecret);
  EXPECT_NE(a, b);
  EXPECT_EQ(b.rfind("10.42.", 0), 0u);
}

TEST(MeshIpv4, ThousandKeysNeverEndInZeroOr255) {
  for (int i = 0; i < 1000; ++i) {
    const auto o = octets(mesh_ipv4(kSubnet42, "pubkey-" + std::to_string(i), kSecret));
    ASSERT_NE(o[3], 0) << i;
    ASSERT_NE(o[3], 255) << i;
  }
}

TEST(MeshIpv6, DeterministicDistinctUla) {
  const auto keys = *derive_keys(kSecret);
  const std::string a = mesh_ipv6(keys.mesh_prefix_v6, kKeyA, kSecret);
  EXPECT_EQ(a, mesh_ipv6(keys.mesh_prefix_v6, kKeyA, kSecret));
  EXPECT_NE(a, mesh_ipv6(keys.mesh_prefix_v6, kKeyB, kSecret));
  EXPECT_EQ(a.rfind("fd", 0), 0u);
}

TEST(CollisionNonce, DiffersFromPlainAndIsDeterministic) {
  EXPECT_NE(mesh_ipv4_with_nonce(kSubnet42, kKeyA, kSecret, 0),
            mesh_ipv4_with_nonce(kSubnet42, kKeyA, kSecret, 1));
  EXPECT_EQ(mesh_ipv4_with_nonce(kSubnet42, kKeyA, kSecret, 1),
            mesh_ipv4_with_nonce(kSubnet42, kKeyA, kSecret, 1));
  EXPECT_EQ(mesh_ipv4_with_nonce(kSubnet42, kKeyA, kSecret, 3).rfind("10.42.", 0), 0u);
}

TEST(Collision, LowerKeyWinsRegardlessOfOrder) {
  EXPECT_EQ(collision_loser(kKeyA, kKeyB), kKeyB);  // '3' < 'b'
  EXPECT_EQ(collision_loser(kKeyB, kKeyA), kKeyB);
}

TEST(Collision, AvoidingHelperSkipsAddressesTakenByOthers) {
  std::map<std::string, std::string, std::less<>> taken;
  const std::string plain = mesh_ipv4(kSubnet42, kKeyA, kSecret);
  EXPECT_EQ(mesh_ipv4_avoiding(kSubnet42, kKeyA, kSecret, taken), plain);
  taken[plain] = std::string(kKeyA);  // our own address is not a collision
  EXPECT_EQ(mesh_ipv4_avoiding(kSubnet42, kKeyA, kSecret, taken), plain);
  taken[plain] = std::string(kKeyB);
  const std::string moved = mesh_ipv4_avoiding(kSubnet42, kKeyA, kSecret, taken);
  EXPECT_NE(moved, plain);
  EXPECT_EQ(moved, mesh_ipv4_with_nonce(kSubnet42, kKeyA, kSecret, 1));
}

TEST(CustomSubnet, ParseEmptyValidAndGarbage) {
  auto none = parse_mesh_subnet("");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto valid = parse_mesh_subnet("192.168.100.77/24");
  ASSERT_TRUE(valid.ok());
  EXPECT_EQ((*valid)->to_string(), "192.168.100.0/24");
  auto garbage = parse_mesh_subnet("garbage");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.message(), "invalid subnet CIDR \"garbage\": invalid CIDR address: garbage");
  EXPECT_EQ(mesh_ipv4_prefix_length(std::nullopt), 16);
  EXPECT_EQ(mesh_ipv4_prefix_length(subnet("10.1.0.0/20")), 20);
}

TEST(CustomSubnet, Slash24AddressesAreHostsAndDifferPerKey) {
  const GoIpNet net = subnet("192.168.100.0/24");
  std::set<std::string> distinct;
  for (int i = 0; i < 1000; ++i) {
    const std::string ip = *mesh_ipv4_in_subnet(net, "pubkey-" + std::to_string(i), kSecret);
    ASSERT_EQ(ip.rfind("192.168.100.", 0), 0u) << ip;
    const auto o = octets(ip);
    ASSERT_GE(o[3], 1);
    ASSERT_LE(o[3], 254);
    distinct.insert(ip);
  }
  EXPECT_GT(distinct.size(), 200u);
  EXPECT_NE(*mesh_ipv4_in_subnet(net, kKeyA, kSecret), *mesh_ipv4_in_subnet(net, kKeyB, kSecret));
}

TEST(CustomSubnet, Slash16KeepsTheFirstTwoOctetsAndSlash28StaysInHostRange) {
  EXPECT_EQ(mesh_ipv4_in_subnet(subnet("172.20.0.0/16"), kKeyA, kSecret)->rfind("172.20.", 0), 0u);
  const GoIpNet net28 = subnet("10.9.8.16/28");
  for (int i = 0; i < 100; ++i) {
    const auto o = octets(*mesh_ipv4_in_subnet(net28, "pubkey-" + std::to_string(i), kSecret));
    ASSERT_GE(o[3], 17);
    ASSERT_LE(o[3], 30);
  }
}

TEST(CustomSubnet, TooSmallAndIpv6AreRejectedByBothVariants) {
  for (std::string_view cidr : {"10.0.0.0/31", "10.0.0.0/32"}) {
    auto plain = mesh_ipv4_in_subnet(subnet(cidr), kKeyA, kSecret);
    ASSERT_FALSE(plain.ok());
    EXPECT_NE(plain.message().find("too small"), std::string::npos);
  }
  const GoIpNet v6 = subnet("2001:db8::/64");
  auto plain = mesh_ipv4_in_subnet(v6, kKeyA, kSecret);
  auto nonce = mesh_ipv4_in_subnet_with_nonce(v6, kKeyA, kSecret, 1);
  ASSERT_FALSE(plain.ok());
  ASSERT_FALSE(nonce.ok());
  EXPECT_EQ(plain.message(),
            "only IPv4 subnets are supported for mesh IP derivation (got 128-bit)");
  EXPECT_TRUE(mesh_ipv4_in_subnet(subnet("10.0.0.0/30"), kKeyA, kSecret).ok());
}

TEST(CustomSubnet, NonceVariantDiffersStaysInsideAndIsDeterministic) {
  const GoIpNet net = subnet("192.168.100.0/24");
  const std::string plain = *mesh_ipv4_in_subnet(net, kKeyA, kSecret);
  const std::string one = *mesh_ipv4_in_subnet_with_nonce(net, kKeyA, kSecret, 1);
  EXPECT_NE(plain, one);
  EXPECT_TRUE(mesh_ip_in_subnet(one, kSubnet42, net));
  EXPECT_EQ(one, *mesh_ipv4_in_subnet_with_nonce(net, kKeyA, kSecret, 1));
}

TEST(MeshIpInSubnet, DefaultSlash16OrCustom) {
  EXPECT_TRUE(mesh_ip_in_subnet("10.42.200.1", kSubnet42, std::nullopt));
  EXPECT_FALSE(mesh_ip_in_subnet("10.43.0.1", kSubnet42, std::nullopt));
  EXPECT_FALSE(mesh_ip_in_subnet("not-an-ip", kSubnet42, std::nullopt));
  EXPECT_TRUE(mesh_ip_in_subnet("::ffff:10.42.0.1", kSubnet42, std::nullopt));
  EXPECT_FALSE(mesh_ip_in_subnet("10.42.0.1", kSubnet42, subnet("192.168.0.0/16")));
}

TEST(Plausibility, AcceptsOnlyDerivableAddresses) {
  const auto keys = *derive_keys(kSecret);
  EXPECT_TRUE(
      is_plausible_mesh_ipv4(keys, kSecret, kKeyA, mesh_ipv4(keys.mesh_subnet, kKeyA, kSecret)));
  for (int n = 1; n <= 10; ++n) {
    EXPECT_TRUE(is_plausible_mesh_ipv4(keys, kSecret, kKeyA,
                                       mesh_ipv4_with_nonce(keys.mesh_subnet, kKeyA, kSecret, n)));
  }
  EXPECT_FALSE(is_plausible_mesh_ipv4(keys, kSecret, kKeyA,
                                      mesh_ipv4_with_nonce(keys.mesh_subnet, kKeyA, kSecret, 11)));
  EXPECT_FALSE(
      is_plausible_mesh_ipv4(keys, kSecret, kKeyA, mesh_ipv4(keys.mesh_subnet, kKeyB, kSecret)));
  const GoIpNet net = subnet("192.168.100.0/24");
  EXPECT_TRUE(
      is_plausible_mesh_ipv4(keys, kSecret, kKeyA, *mesh_ipv4_in_subnet(net, kKeyA, kSecret), net));
  EXPECT_TRUE(is_plausible_mesh_ipv4(keys, kSecret, kKeyA,
                                     *mesh_ipv4_in_subnet_with_nonce(net, kKeyA, kSecret, 4), net));
  EXPECT_FALSE(is_plausible_mesh_ipv4(keys, kSecret, kKeyA,
                                      mesh_ipv4(keys.mesh_subnet, kKeyA, kSecret), net));
}

}  // namespace
}  // namespace wgmesh::keys
