// The size guard for what we multicast (Go reads at most 4,096 bytes).
#include "core/outgoing.h"

#include <gtest/gtest.h>

using namespace wgmesh::lan;

TEST(Outgoing, LimitIsBelow4096) {
  EXPECT_TRUE(fits_lan_datagram(330));
  EXPECT_TRUE(fits_lan_datagram(4095));
  EXPECT_FALSE(fits_lan_datagram(4096));
}

TEST(Outgoing, WithoutRoutableNetworksKeepsOrderAndEverythingElse) {
  auto out = without_routable_networks(
      R"({"protocol":"wgmesh-v1","wg_pubkey":"k","mesh_ip":"10.0.0.1","wg_endpoint":"0.0.0.0:51820",)"
      R"("routable_networks":["192.168.0.0/24"],"timestamp":1800000000,"nat_type":"cone"})");
  ASSERT_TRUE(out);
  EXPECT_EQ(
      *out,
      R"({"protocol":"wgmesh-v1","wg_pubkey":"k","mesh_ip":"10.0.0.1","wg_endpoint":"0.0.0.0:51820",)"
      R"("timestamp":1800000000,"nat_type":"cone"})");
}

TEST(Outgoing, WithoutRoutableNetworksNeedsSomethingToRemove) {
  EXPECT_FALSE(without_routable_networks(R"({"wg_pubkey":"k"})"));
  EXPECT_FALSE(without_routable_networks("not json"));
  EXPECT_FALSE(without_routable_networks("[]"));
}

TEST(Outgoing, WithoutRoutableNetworksRemovesEveryCaseVariant) {
  auto out =
      without_routable_networks(R"({"a":1,"Routable_Networks":[],"routable_networks":null})");
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, R"({"a":1})");
}
