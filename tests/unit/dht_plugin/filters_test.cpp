// Self-contact check, value filtering, host JSON and the nodes-file path.
#include <gtest/gtest.h>

#include "logic/host_info.h"
#include "logic/self_addresses.h"
#include "logic/value_filter.h"
#include "test_random.h"

namespace wgmesh::dht::plugin {
namespace {

using test::ep4;

TEST(SelfAddresses, AnySourceMakesAnIpOursRegardlessOfPort) {
  SelfAddresses s;
  EXPECT_FALSE(s.contains(ep4(203, 0, 113, 5, 52527)));
  s.set(SelfSource::Endpoint, {ep4(203, 0, 113, 5, 51820)});  // the WireGuard port
  EXPECT_TRUE(s.contains(ep4(203, 0, 113, 5, 52527)));        // the gossip port: still us
  s.set(SelfSource::Reported, {ep4(198, 51, 100, 7, 0)});
  EXPECT_TRUE(s.contains(ep4(198, 51, 100, 7, 1)));
  EXPECT_EQ(s.size(), 2u);
  s.set(SelfSource::Endpoint, {});  // replaced, not accumulated
  EXPECT_FALSE(s.contains(ep4(203, 0, 113, 5, 52527)));
  s.set(SelfSource::Bind, {ep4(0, 0, 0, 0, 0)});  // wildcard is nobody
  EXPECT_FALSE(s.contains(ep4(0, 0, 0, 0, 52527)));
}

TEST(SelfAddresses, LocalInterfacesIncludeLoopback) {
  auto ips = local_interface_ips();
  bool loop = false;
  for (const auto& ip : ips) loop = loop || ip == ep4(127, 0, 0, 1, 0);
  EXPECT_TRUE(loop);
}

TEST(SelfAddresses, EndpointHost) {
  EXPECT_EQ(endpoint_host_ip("203.0.113.5:51820"), std::vector<Endpoint>{ep4(203, 0, 113, 5, 0)});
  EXPECT_EQ(endpoint_host_ip("[2001:db8::1]:51820").size(), 1u);
  EXPECT_TRUE(endpoint_host_ip("0.0.0.0:51820").empty());
  EXPECT_TRUE(endpoint_host_ip("").empty());
  EXPECT_TRUE(endpoint_host_ip("host.example:1").empty());
}

TEST(ValueFilter, Verdicts) {
  SelfAddresses self;
  self.set(SelfSource::Interface, {ep4(198, 51, 100, 1, 0)});
  const uint16_t gp = 52527;
  EXPECT_EQ(classify_value(ep4(198, 51, 100, 2, gp), gp, true, self), ValueVerdict::Ok);
  EXPECT_EQ(classify_value(ep4(198, 51, 100, 2, 6881), gp, true, self), ValueVerdict::WrongPort);
  EXPECT_EQ(classify_value(ep4(198, 51, 100, 1, gp), gp, true, self), ValueVerdict::Self);
  EXPECT_EQ(classify_value(ep4(0, 0, 0, 0, gp), gp, true, self), ValueVerdict::Invalid);
  EXPECT_EQ(classify_value(ep4(239, 1, 2, 3, gp), gp, true, self), ValueVerdict::Invalid);
  EXPECT_EQ(classify_value(ep4(255, 255, 255, 255, gp), gp, true, self), ValueVerdict::Invalid);
  auto v6 = Endpoint::parse("[2001:db8::2]:52527");
  EXPECT_EQ(classify_value(*v6, gp, true, self), ValueVerdict::Ok);
  EXPECT_EQ(classify_value(*v6, gp, false, self), ValueVerdict::FamilyOff);
  EXPECT_EQ(classify_value(*Endpoint::parse("[ff02::1]:52527"), gp, true, self),
            ValueVerdict::Invalid);
}

TEST(HostInfo, NodeSettingsAndLocalNode) {
  auto s = parse_node_settings(
      R"({"interface":"wgx","listen_port":51820,"no_ipv6":true,"no_punching":true})");
  EXPECT_EQ(s.interface, "wgx");
  EXPECT_TRUE(s.no_ipv6);
  EXPECT_TRUE(s.no_punching);
  auto d = parse_node_settings("garbage");
  EXPECT_EQ(d.interface, "wg0");
  EXPECT_FALSE(d.no_punching);
  EXPECT_EQ(local_endpoint(R"({"wg_pubkey":"k","endpoint":"203.0.113.5:51820"})"),
            "203.0.113.5:51820");
  EXPECT_EQ(local_endpoint("[]"), "");
  EXPECT_EQ(peer_pubkey(R"({"wg_pubkey":"abc"})"), "abc");
  EXPECT_EQ(peer_pubkey(R"({"pubkey":"def"})"), "def");
  EXPECT_EQ(peer_pubkey(""), "");
}

// discovery.md §14 (dht_test 1, 2): <iface>-<hex(network_id[0:8])>-dht.nodes.
TEST(HostInfo, NodesFileNamingAsTheOriginal) {
  std::string e;
  auto p = nodes_file_path("/var/lib/wgmesh", "wg0", "a11c420b66cd7877", e);
  ASSERT_TRUE(p) << e;
  EXPECT_EQ(*p, "/var/lib/wgmesh/wg0-a11c420b66cd7877-dht.nodes");
  auto q = nodes_file_path("/var/lib/wgmesh/", "wg1", "0123456789abcdef", e);
  ASSERT_TRUE(q);
  EXPECT_EQ(*q, "/var/lib/wgmesh/wg1-0123456789abcdef-dht.nodes");
  EXPECT_NE(*p, *nodes_file_path("/var/lib/wgmesh", "wg0", "b11c420b66cd7877", e));
}

TEST(HostInfo, NodesFilePathRefusesEscapes) {
  std::string e;
  for (const char* iface : {"", ".", "..", "a/b", "../x", "has space", "sixteen-chars-xx"})
    EXPECT_FALSE(nodes_file_path("/s", iface, "a11c420b66cd7877", e)) << iface;
  for (const char* tag : {"", "a11c", "A11C420B66CD7877", "a11c420b66cd787g", "a11c420b66cd78770"})
    EXPECT_FALSE(nodes_file_path("/s", "wg0", tag, e)) << tag;
  EXPECT_FALSE(nodes_file_path("", "wg0", "a11c420b66cd7877", e));
}

}  // namespace
}  // namespace wgmesh::dht::plugin
