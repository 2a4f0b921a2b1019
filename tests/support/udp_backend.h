// The socket side of the fake host: one interface, two implementations. MemoryNetwork
// (fake_network.h) is an in-memory L2 segment with deterministic delivery and injectable
// traffic; RealUdpBackend (real_udp.h) uses kernel sockets (loopback, or inside a network
// namespace the test created). The fake host maps wgm_udp handles onto UdpEndpoints.
#pragma once

#include <wgmesh/plugin.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace wgmesh::test {

class UdpEndpoint {
 public:
  using Receive = std::function<void(const uint8_t* data, size_t len, const sockaddr* from,
                                     socklen_t from_len)>;
  virtual ~UdpEndpoint() = default;

  // All return a wgm_status, like the host table entries they back.
  virtual int send(const sockaddr* to, socklen_t to_len, const uint8_t* data, size_t len) = 0;
  virtual int join(const std::string& group, const std::string& ifname) = 0;   // "" = all
  virtual int leave(const std::string& group, const std::string& ifname) = 0;  // "" = all
  virtual int set_option(wgm_udp_option option, int value) = 0;
  virtual int send_multicast(const std::string& group, uint16_t port, const std::string& ifname,
                             const uint8_t* data, size_t len) = 0;
  virtual int local_port() const = 0;
  // Hands every datagram that has arrived to `receive` without blocking; returns how many.
  virtual size_t drain(const Receive& receive) = 0;
  // A kernel fd to wait on, or -1 (memory sockets never need waiting: see drain()).
  virtual int fd() const { return -1; }
};

class UdpBackend {
 public:
  virtual ~UdpBackend() = default;
  // Opens a socket as udp_open would; on failure returns a wgm_status and a reason.
  virtual int open(const wgm_udp_options& options, std::unique_ptr<UdpEndpoint>& out,
                   std::string& error) = 0;
};

}  // namespace wgmesh::test
