// The key schedule and hourly identifiers (crypto.md §3, §4; §11 "Key derivation").
#include "keys/derived_keys.h"

#include <gtest/gtest.h>

#include "keys/encoding.h"
#include "keys/go_time.h"

namespace wgmesh::keys {
namespace {

constexpr std::string_view kSecret = "test-secret-that-is-long-enough";

std::string fingerprint(const DerivedKeys& k) {
  return hex_encode(k.network_id) + hex_encode(k.gossip_key.view()) + hex_encode(k.mesh_subnet) +
         hex_encode(k.mesh_prefix_v6) + hex_encode(k.multicast_id) + hex_encode(k.psk.view()) +
         std::to_string(k.gossip_port) + hex_encode(k.rendezvous_id) +
         hex_encode(k.membership_key.view()) + hex_encode(k.epoch_seed.view());
}

TEST(DeriveKeys, DeterministicForAllTenFields) {
  EXPECT_EQ(fingerprint(*derive_keys(kSecret)), fingerprint(*derive_keys(kSecret)));
}

TEST(DeriveKeys, RejectsShortSecrets) {
  auto keys = derive_keys("short");
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.message(), "secret must be at least 16 characters");
}

TEST(DeriveKeys, DifferentSecretsGiveDifferentKeys) {
  const auto a = *derive_keys(kSecret);
  const auto b = *derive_keys("another-secret-that-is-long-enough");
  EXPECT_NE(a.network_id, b.network_id);
  EXPECT_FALSE(a.gossip_key.equals(b.gossip_key.view()));
  EXPECT_NE(a.rendezvous_id, b.rendezvous_id);
  EXPECT_FALSE(a.membership_key.equals(b.membership_key.view()));
  EXPECT_NE(mesh_id(a), mesh_id(b));
}

TEST(DeriveKeys, RangesAndShapes) {
  const auto k = *derive_keys(kSecret);
  EXPECT_GE(k.gossip_port, 51821);
  EXPECT_LT(k.gossip_port, 52821);
  EXPECT_EQ(health_probe_port(k), k.gossip_port + 2000);
  EXPECT_NE(k.rendezvous_id, (std::array<uint8_t, 8>{}));
  EXPECT_EQ(k.mesh_prefix_v6[0], 0xFD);
  EXPECT_EQ(mesh_id(k).size(), 12u);
  EXPECT_EQ(mesh_id(k), mesh_id(*derive_keys(kSecret)));
  EXPECT_EQ(network_id_short_hex(k).size(), 16u);
  EXPECT_EQ(registry_search_term(k), "wgmesh-" + rendezvous_id_hex(k));
  EXPECT_EQ(lan_multicast_group(k), lan_multicast_address(k) + ":51830");
  EXPECT_EQ(psk_base64(k).size(), 44u);
  EXPECT_EQ(mesh_prefix_v6_status(k).size(), std::string("fd0a:0b0c:0d0e:0f10::/64").size());
}

TEST(HourlyInfohash, StableWithinAnHourAndRotating) {
  const int64_t hour_start = 1800000000 / 3600 * 3600;
  EXPECT_EQ(hourly_infohash(kSecret, hour_start), hourly_infohash(kSecret, hour_start + 1800));
  EXPECT_NE(hourly_infohash(kSecret, hour_start), hourly_infohash(kSecret, hour_start - 1));
  const HourlyInfohashes now = hourly_infohashes(kSecret, system_clock_now().seconds);
  EXPECT_NE(now.current, now.previous);
  EXPECT_NE(now.current, (std::array<uint8_t, 20>{}));
  EXPECT_NE(now.previous, (std::array<uint8_t, 20>{}));
  // Truncation toward zero: hour 0 spans (-3600, 3600), so "previous" of 3599 is hour 0 too.
  EXPECT_EQ(hour_epoch(-1), 0);
  EXPECT_EQ(hour_epoch(-3600), -1);
  const HourlyInfohashes early = hourly_infohashes(kSecret, 3599);
  EXPECT_EQ(early.current, early.previous);
  hourly_infohashes(kSecret, INT64_MIN);  // no overflow at the bottom of the range
}

}  // namespace
}  // namespace wgmesh::keys
