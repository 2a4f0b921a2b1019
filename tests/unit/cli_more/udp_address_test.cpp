// Addresses of `wgmesh test-peer`: Go's ResolveUDPAddr and UDPAddr.String() behaviour, and
// IPv4 equal to its IPv4-mapped form.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>

#include "udp_probe_socket.h"

using namespace wgmesh::cli;

TEST(UdpAddress, ResolveAndFormat) {
  auto v4 = resolve_udp_address("127.0.0.1:51821");
  ASSERT_TRUE(v4.ok()) << v4.message();
  EXPECT_EQ(v4->to_string(), "127.0.0.1:51821");
  auto v6 = resolve_udp_address("[::1]:53000");
  ASSERT_TRUE(v6.ok()) << v6.message();
  EXPECT_EQ(v6->to_string(), "[::1]:53000");
  auto mapped = resolve_udp_address("[::ffff:192.0.2.7]:9");
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->to_string(), "192.0.2.7:9");
  EXPECT_EQ(*mapped, *resolve_udp_address("192.0.2.7:9"));
  EXPECT_FALSE(*mapped == *resolve_udp_address("192.0.2.7:10"));
  EXPECT_EQ(resolve_udp_address("localhost:7")->to_string(), "127.0.0.1:7");  // IPv4 preferred

  auto missing = resolve_udp_address("127.0.0.1");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.message(), "address 127.0.0.1: missing port in address");
  EXPECT_FALSE(resolve_udp_address("1:2:3").ok());
}

TEST(UdpAddress, FromMappedSockaddrIsPlainIpv4) {
  sockaddr_in6 s{};
  s.sin6_family = AF_INET6;
  s.sin6_port = htons(4242);
  ASSERT_EQ(inet_pton(AF_INET6, "::ffff:10.1.2.3", &s.sin6_addr), 1);
  UdpAddress a = UdpAddress::from(reinterpret_cast<sockaddr*>(&s), sizeof s);
  EXPECT_EQ(a.storage.ss_family, AF_INET);
  EXPECT_EQ(a.to_string(), "10.1.2.3:4242");
}

TEST(UdpAddress, ProbeSocketBindsDualStackAndTalksToIpv4) {
  auto a = UdpProbeSocket::bind(0);
  auto b = UdpProbeSocket::bind(0);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->local_port(), 0);
  auto to_b = resolve_udp_address("127.0.0.1:" + std::to_string(b->local_port()));
  ASSERT_TRUE(a->send_to(*to_b, "ping").ok());
  auto got = b->receive(2000);
  ASSERT_TRUE(got.ok() && *got);
  EXPECT_EQ((*got)->data, "ping");
  EXPECT_EQ((*got)->from.to_string(), "127.0.0.1:" + std::to_string(a->local_port()));
  auto none = b->receive(10);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  EXPECT_EQ(a->local_address(), "[::]:" + std::to_string(a->local_port()));
}
