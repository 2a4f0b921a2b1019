// The UDP socket of `wgmesh test-peer`: bound like Go's net.ListenUDP("udp", :port) (one
// dual-stack socket, IPv4-only where the host has no IPv6), with peer resolution and address
// comparison that treat IPv4 and IPv4-mapped IPv6 forms as the same address.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

namespace wgmesh::cli {

// A socket address in its plain form (IPv4-mapped IPv6 turned back into IPv4).
struct UdpAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  static UdpAddress from(const sockaddr* addr, socklen_t length);
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  // Go's UDPAddr.String(): "192.0.2.1:51821", "[2001:db8::1]:51821".
  std::string to_string() const;
  friend bool operator==(const UdpAddress& a, const UdpAddress& b);
};

// Go's net.ResolveUDPAddr("udp", text): host:port with Go's splitting rules, the host a
// literal or a name (IPv4 preferred), the port a number or service name.
Result<UdpAddress> resolve_udp_address(const std::string& host_port);

struct Datagram {
  std::string data;
  UdpAddress from;
};

class UdpProbeSocket {
 public:
  // Binds the wildcard address on `port` (0: the kernel picks one).
  static Result<UdpProbeSocket> bind(uint16_t port);

  uint16_t local_port() const { return port_; }
  // Go's LocalAddr().String(), e.g. "[::]:40000" or "0.0.0.0:40000".
  std::string local_address() const;
  Status send_to(const UdpAddress& to, std::string_view data) const;
  // The next datagram, or nullopt when none arrives within `timeout_ms`.
  Result<std::optional<Datagram>> receive(int timeout_ms) const;

 private:
  UdpProbeSocket(UniqueFd fd, int family, uint16_t port)
      : fd_(std::move(fd)), family_(family), port_(port) {}
  UniqueFd fd_;
  int family_ = 0;
  uint16_t port_ = 0;
};

}  // namespace wgmesh::cli
