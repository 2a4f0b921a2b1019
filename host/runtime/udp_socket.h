// Non-blocking UDP sockets on the host loop, with the multicast and buffer controls that the
// discovery plugins need. Oversized and failed datagrams are dropped and counted, never fatal.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "runtime/event_loop.h"

namespace wgmesh {

struct UdpOptions {
  int family = AF_INET;
  std::string bind_addr;  // empty = wildcard
  uint16_t port = 0;
  bool reuse_addr = false;
  bool v6only = false;
  bool receive = true;
  int recv_buffer = 0;
  size_t max_datagram = 65536;
};

struct UdpCounters {
  uint64_t received = 0;
  uint64_t sent = 0;
  uint64_t send_errors = 0;
  uint64_t oversized_dropped = 0;
};

using UdpReceiveFn =
    std::function<void(const uint8_t* data, size_t len, const sockaddr* from, socklen_t from_len)>;

// Names of up, multicast-capable, non-loopback interfaces (with their index).
struct InterfaceInfo {
  std::string name;
  unsigned index = 0;
};
// family AF_INET: only interfaces with an IPv4 address (a datagram sent out of one without
// would carry another interface's source address); AF_INET6: with any IPv6 address.
std::vector<InterfaceInfo> multicast_interfaces(int family = AF_INET);

class UdpSocket {
 public:
  static Result<std::unique_ptr<UdpSocket>> open(EventLoop& loop, const UdpOptions& options,
                                                 UdpReceiveFn on_receive);
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  Status send_to(const sockaddr* to, socklen_t to_len, const uint8_t* data, size_t len);
  // ifname empty = every multicast interface (the original joined only the default one).
  Status join(const std::string& group, const std::string& ifname);
  Status leave(const std::string& group, const std::string& ifname);
  Status set_multicast_ttl(int ttl);
  Status set_multicast_loop(bool on);
  Status set_ttl(int ttl);
  // Sends to group:port out of one interface, or out of every multicast interface.
  Status send_multicast(const std::string& group, uint16_t port, const std::string& ifname,
                        const uint8_t* data, size_t len);
  uint16_t local_port() const;
  // Stops receiving at once; safe to call from inside the receive callback (the owner frees
  // the object later, outside the callback).
  void shutdown();
  bool is_shut_down() const { return shut_down_; }
  int fd() const { return fd_; }
  int family() const { return family_; }
  const UdpCounters& counters() const { return counters_; }

 private:
  UdpSocket(EventLoop& loop, int fd, int family, size_t max_datagram, UdpReceiveFn fn);
  void on_readable();
  Status membership(const std::string& group, const std::string& ifname, bool join);

  int fd_;
  int family_;
  size_t max_datagram_;
  UdpReceiveFn on_receive_;
  // Not zero-filled (make_unique_for_overwrite): the kernel writes only each datagram's
  // bytes, so the pages of a 64 KiB buffer that small datagrams never reach stay out of the
  // resident set (a zeroed vector made three sockets cost 192 KiB of RSS).
  size_t buffer_size_;
  std::unique_ptr<uint8_t[]> buffer_;
  std::unique_ptr<FdWatch> watch_;
  UdpCounters counters_;
  bool shut_down_ = false;
};

// Parses "ip:port" / "[v6]:port" / numeric host + port into a sockaddr_storage.
bool parse_socket_address(const std::string& text, sockaddr_storage& out, socklen_t& len);
bool make_socket_address(const std::string& ip, uint16_t port, sockaddr_storage& out,
                         socklen_t& len);
// Formats a sockaddr Go-style: "a.b.c.d:p" or "[v6]:p"; IPv4-mapped IPv6 printed as IPv4.
std::string format_socket_address(const sockaddr* addr);
std::string format_ip(const sockaddr* addr);

}  // namespace wgmesh
