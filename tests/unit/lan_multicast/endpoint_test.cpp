// Endpoint-string rules for LAN discovery (discovery.md §2.4, §14 "LAN (lan_test)").
#include "core/endpoint.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

using namespace wgmesh::lan;

// ---- resolve_lan: the cases of the original's lan_test ----

TEST(ResolveLan, PublicAdvertisedHostIsReplacedBySender) {
  EXPECT_EQ(resolve_lan("203.0.113.9:51820", "192.168.1.42"), "192.168.1.42:51820");
}

TEST(ResolveLan, WildcardEndpointTakesTheSender) {
  EXPECT_EQ(resolve_lan("0.0.0.0:51820", "192.168.1.42"), "192.168.1.42:51820");
  EXPECT_EQ(resolve_lan("[::]:51820", "192.168.1.42"), "192.168.1.42:51820");
  EXPECT_EQ(resolve_lan(":51820", "192.168.1.42"), "192.168.1.42:51820");
}

TEST(ResolveLan, InvalidEndpointFallsBackToSenderWithDefaultPort) {
  EXPECT_EQ(resolve_lan("not-an-endpoint", "192.168.1.42"), "192.168.1.42:51820");
  EXPECT_EQ(resolve_lan("", "192.168.1.42"), "192.168.1.42:51820");
  EXPECT_EQ(resolve_lan(":::51820", "192.168.1.42"), "192.168.1.42:51820");
}

TEST(ResolveLan, NoSenderKeepsAnExplicitEndpoint) {
  EXPECT_EQ(resolve_lan("203.0.113.9:51820", ""), "203.0.113.9:51820");
  EXPECT_EQ(resolve_lan("[2001:db8::1]:51820", ""), "[2001:db8::1]:51820");
}

TEST(ResolveLan, NoSenderAndInvalidEndpointGivesEmpty) {
  EXPECT_EQ(resolve_lan("not-an-endpoint", ""), "");
  EXPECT_EQ(resolve_lan("", ""), "");
}

// ---- resolve_lan: beyond the original's tests ----

TEST(ResolveLan, TheAdvertisedPortIsKept) {
  EXPECT_EQ(resolve_lan("203.0.113.9:51999", "198.51.100.7"), "198.51.100.7:51999");
  EXPECT_EQ(resolve_lan("[2001:db8::1]:40000", "198.51.100.7"), "198.51.100.7:40000");
  EXPECT_EQ(resolve_lan("wg.example.net:1", "198.51.100.7"), "198.51.100.7:1");
  EXPECT_EQ(resolve_lan("0.0.0.0:65535", "198.51.100.7"), "198.51.100.7:65535");
}

TEST(ResolveLan, AnIpv6SenderIsBracketed) {
  EXPECT_EQ(resolve_lan("0.0.0.0:51821", "fe80::1%eth0"), "[fe80::1%eth0]:51821");
  EXPECT_EQ(resolve_lan("junk", "2001:db8::5"), "[2001:db8::5]:51820");
}

TEST(ResolveLan, PortsStrictValidationRejectsCountAsNotSplitting) {
  // Go would copy these ports verbatim; strict validation drops such announcements before
  // resolve_lan ever sees them, so falling back to 51820 is the safe, equivalent choice.
  EXPECT_EQ(resolve_lan("203.0.113.9:", "198.51.100.7"), "198.51.100.7:51820");
  EXPECT_EQ(resolve_lan("203.0.113.9:0", "198.51.100.7"), "198.51.100.7:51820");
  EXPECT_EQ(resolve_lan("203.0.113.9:65536", "198.51.100.7"), "198.51.100.7:51820");
  EXPECT_EQ(resolve_lan("203.0.113.9:http", "198.51.100.7"), "198.51.100.7:51820");
  EXPECT_EQ(resolve_lan("203.0.113.9:", ""), "");
}

// ---- split_host_port: Go's net.SplitHostPort ----

TEST(SplitHostPort, AcceptsWhatGoAccepts) {
  auto check = [](const char* in, const char* host, const char* port) {
    auto hp = split_host_port(in);
    ASSERT_TRUE(hp.has_value()) << in;
    EXPECT_EQ(hp->host, host) << in;
    EXPECT_EQ(hp->port, port) << in;
  };
  check("1.2.3.4:51820", "1.2.3.4", "51820");
  check(":51820", "", "51820");
  check("[::1]:80", "::1", "80");
  check("[fe80::1%eth0]:80", "fe80::1%eth0", "80");
  check("host.example:443", "host.example", "443");
  check("1.2.3.4:", "1.2.3.4", "");  // Go does not check the port text
  check("[]:1", "", "1");
}

TEST(SplitHostPort, RejectsWhatGoRejects) {
  for (const char* in : {"", "1.2.3.4", "::1", ":::51820", "2001:db8::1:51820", "[::1]", "[::1]80",
                         "[::1", "::1]:80", "a[b:80", "[a]b]:80", "[a]:b:80"}) {
    EXPECT_FALSE(split_host_port(in).has_value()) << in;
  }
}

TEST(JoinHostPort, BracketsIpv6Only) {
  EXPECT_EQ(join_host_port("1.2.3.4", "5"), "1.2.3.4:5");
  EXPECT_EQ(join_host_port("::1", "5"), "[::1]:5");
  EXPECT_EQ(join_host_port("", "5"), ":5");
}

TEST(IsValidPort, DecimalOneTo65535) {
  EXPECT_TRUE(is_valid_port("1"));
  EXPECT_TRUE(is_valid_port("65535"));
  EXPECT_TRUE(is_valid_port("051820"));
  EXPECT_FALSE(is_valid_port(""));
  EXPECT_FALSE(is_valid_port("0"));
  EXPECT_FALSE(is_valid_port("65536"));
  EXPECT_FALSE(is_valid_port("-1"));
  EXPECT_FALSE(is_valid_port("99999999"));
  EXPECT_FALSE(is_valid_port("000000000000000065536"));
  EXPECT_TRUE(is_valid_port("00000000000000000001"));
  EXPECT_FALSE(is_valid_port("5 1"));
}

// ---- source formatting ----

TEST(FormatSourceIp, Ipv4AndMappedAndIpv6) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  inet_pton(AF_INET, "198.51.100.2", &v4.sin_addr);
  EXPECT_EQ(format_source_ip(reinterpret_cast<sockaddr*>(&v4), sizeof v4), "198.51.100.2");

  sockaddr_in6 mapped{};
  mapped.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::ffff:198.51.100.3", &mapped.sin6_addr);
  EXPECT_EQ(format_source_ip(reinterpret_cast<sockaddr*>(&mapped), sizeof mapped), "198.51.100.3");

  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "2001:DB8:0:0:1:0:0:1", &v6.sin6_addr);
  EXPECT_EQ(format_source_ip(reinterpret_cast<sockaddr*>(&v6), sizeof v6), "2001:db8::1:0:0:1");
  inet_pton(AF_INET6, "2001:db8:0:1:1:1:1:1", &v6.sin6_addr);
  EXPECT_EQ(format_source_ip(reinterpret_cast<sockaddr*>(&v6), sizeof v6), "2001:db8:0:1:1:1:1:1")
      << "RFC 5952: a single zero group is not compressed";
}

TEST(FormatSourceIp, RejectsShortOrForeignAddresses) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  EXPECT_EQ(format_source_ip(reinterpret_cast<sockaddr*>(&v4), 4), "");
  EXPECT_EQ(format_source_ip(nullptr, 0), "");
  sockaddr unix_like{};
  unix_like.sa_family = AF_UNIX;
  EXPECT_EQ(format_source_ip(&unix_like, sizeof unix_like), "");
}

// ---- mesh prefix ----

TEST(Ipv4Prefix, ContainsAndParse) {
  auto p = Ipv4Prefix::parse("10.42.0.0/16");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->contains("10.42.0.1"));
  EXPECT_TRUE(p->contains("10.42.255.255"));
  EXPECT_FALSE(p->contains("10.43.0.1"));
  EXPECT_FALSE(p->contains("fd00::1"));
  EXPECT_FALSE(p->contains(""));
  auto host_bits = Ipv4Prefix::parse("100.64.3.7/10");  // host bits are masked off
  ASSERT_TRUE(host_bits);
  EXPECT_TRUE(host_bits->contains("100.127.0.1"));
  EXPECT_TRUE(Ipv4Prefix::parse("0.0.0.0/0")->contains("203.0.113.1"));
  EXPECT_TRUE(Ipv4Prefix::parse("198.51.100.7/32")->contains("198.51.100.7"));
  for (const char* bad : {"10.0.0.0", "10.0.0.0/33", "10.0.0.0/", "fd00::/8", "x/8", "10.0.0.0/1a"})
    EXPECT_FALSE(Ipv4Prefix::parse(bad)) << bad;
}
