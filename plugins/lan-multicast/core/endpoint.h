// Endpoint-string rules used by LAN discovery (discovery.md §2.4): Go-compatible host:port
// splitting, resolve_lan, and formatting of a datagram's source address.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wgmesh::lan {

// The WireGuard port assumed when an advertised endpoint does not split (Go's default).
inline constexpr std::string_view kDefaultWireGuardPort = "51820";

struct HostPort {
  std::string host;
  std::string port;
};

// Go's net.SplitHostPort: "host:port" or "[v6]:port"; an empty host is allowed (":51820");
// a missing port, an unbracketed IPv6 host ("::1:51820") or stray brackets fail. Like Go,
// the port text itself is not checked here.
std::optional<HostPort> split_host_port(std::string_view s);

// Go's net.JoinHostPort: brackets a host containing ':' (IPv6, with or without a zone).
std::string join_host_port(std::string_view host, std::string_view port);

// True for a decimal port 1..65535 (what strict validation demands of a non-empty endpoint).
// Leading zeros are accepted, as Go's strconv.Atoi accepts them.
bool is_valid_port(std::string_view port);

// resolve_lan(advertised, sender) (§2.4). With a sender IP the host is ALWAYS the sender
// (even over a public advertised host: what counts on a LAN is where the packet came from)
// and the port is the advertised one, or 51820 if `advertised` does not split. Without a
// sender: `advertised` if it splits, otherwise "".
//
// One deliberate tightening over Go: an advertised port that is not 1..65535 counts as
// "does not split" (Go would copy e.g. an empty port verbatim). Strict validation rejects
// such announcements before they get here, so the two agree on every accepted message.
std::string resolve_lan(std::string_view advertised, std::string_view sender_ip);

// The IP of a datagram source as Go prints it: dotted quad for IPv4 and IPv4-mapped IPv6,
// RFC 5952 text (plus "%zone" for a scoped address) otherwise. "" for other families.
std::string format_source_ip(const sockaddr* addr, socklen_t len);

// An IPv4 prefix such as the mesh subnet, to recognise sources inside the tunnel.
class Ipv4Prefix {
 public:
  static std::optional<Ipv4Prefix> parse(std::string_view cidr);
  bool contains(std::string_view ip) const;  // false for anything that is not IPv4 text

 private:
  Ipv4Prefix(uint32_t network, uint32_t mask) : network_(network), mask_(mask) {}
  uint32_t network_;
  uint32_t mask_;
};

}  // namespace wgmesh::lan
