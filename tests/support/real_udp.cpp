#include "real_udp.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

namespace wgmesh::test {
namespace {

struct Interface {
  std::string name;
  unsigned index;
};

// Up and multicast-capable (loopback only if multicast was switched on for it).
std::vector<Interface> multicast_interfaces() {
  std::vector<Interface> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  std::set<std::string> seen;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_name || !(a->ifa_flags & IFF_UP) || !(a->ifa_flags & IFF_MULTICAST)) continue;
    if (seen.insert(a->ifa_name).second) out.push_back({a->ifa_name, if_nametoindex(a->ifa_name)});
  }
  freeifaddrs(list);
  return out;
}

std::vector<Interface> pick(const std::string& ifname) {
  if (ifname.empty()) return multicast_interfaces();
  unsigned idx = if_nametoindex(ifname.c_str());
  if (idx == 0) return {};
  return {{ifname, idx}};
}

class RealEndpoint : public UdpEndpoint {
 public:
  RealEndpoint(int fd, int family, size_t max_datagram)
      : fd_(fd), family_(family), max_datagram_(max_datagram), buffer_(max_datagram + 1) {}
  ~RealEndpoint() override { ::close(fd_); }

  int send(const sockaddr* to, socklen_t to_len, const uint8_t* data, size_t len) override {
    return ::sendto(fd_, data, len, MSG_NOSIGNAL, to, to_len) < 0 ? WGM_ERR_IO : WGM_OK;
  }
  int join(const std::string& group, const std::string& ifname) override {
    return membership(group, ifname, true);
  }
  int leave(const std::string& group, const std::string& ifname) override {
    return membership(group, ifname, false);
  }
  int set_option(wgm_udp_option option, int value) override {
    bool v4 = family_ == AF_INET;
    int rc = -1;
    switch (option) {
      case WGM_UDP_OPT_MCAST_TTL:
        rc = v4 ? setsockopt(fd_, IPPROTO_IP, IP_MULTICAST_TTL, &value, sizeof value)
                : setsockopt(fd_, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &value, sizeof value);
        break;
      case WGM_UDP_OPT_MCAST_LOOP:
        value = value ? 1 : 0;
        rc = v4 ? setsockopt(fd_, IPPROTO_IP, IP_MULTICAST_LOOP, &value, sizeof value)
                : setsockopt(fd_, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &value, sizeof value);
        break;
      case WGM_UDP_OPT_TTL:
        rc = v4 ? setsockopt(fd_, IPPROTO_IP, IP_TTL, &value, sizeof value)
                : setsockopt(fd_, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &value, sizeof value);
        break;
      default:
        return WGM_ERR_UNSUPPORTED;
    }
    return rc == 0 ? WGM_OK : WGM_ERR_IO;
  }
  int send_multicast(const std::string& group, uint16_t port, const std::string& ifname,
                     const uint8_t* data, size_t len) override {
    int sent = 0;
    for (const auto& iface : pick(ifname)) {
      if (family_ == AF_INET) {
        sockaddr_in dst{};
        dst.sin_family = AF_INET;
        dst.sin_port = htons(port);
        if (inet_pton(AF_INET, group.c_str(), &dst.sin_addr) != 1) return WGM_ERR_INVALID;
        ip_mreqn m{};
        m.imr_ifindex = static_cast<int>(iface.index);
        if (setsockopt(fd_, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof m) != 0) continue;
        if (::sendto(fd_, data, len, MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&dst), sizeof dst) >=
            0)
          ++sent;
      } else {
        sockaddr_in6 dst{};
        dst.sin6_family = AF_INET6;
        dst.sin6_port = htons(port);
        dst.sin6_scope_id = iface.index;
        if (inet_pton(AF_INET6, group.c_str(), &dst.sin6_addr) != 1) return WGM_ERR_INVALID;
        unsigned idx = iface.index;
        if (setsockopt(fd_, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof idx) != 0) continue;
        if (::sendto(fd_, data, len, MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&dst), sizeof dst) >=
            0)
          ++sent;
      }
    }
    return sent > 0 ? WGM_OK : WGM_ERR_IO;
  }
  int local_port() const override {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return WGM_ERR_IO;
    return ss.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port)
                                   : ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  }
  size_t drain(const Receive& receive) override {
    size_t n = 0;
    while (n < 64) {
      sockaddr_storage from{};
      socklen_t from_len = sizeof from;
      ssize_t got = ::recvfrom(fd_, buffer_.data(), buffer_.size(), MSG_DONTWAIT | MSG_TRUNC,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
      if (got < 0) break;
      ++n;
      if (static_cast<size_t>(got) > max_datagram_) continue;  // dropped, as the host does
      receive(buffer_.data(), static_cast<size_t>(got), reinterpret_cast<sockaddr*>(&from),
              from_len);
    }
    return n;
  }
  int fd() const override { return fd_; }

 private:
  int membership(const std::string& group, const std::string& ifname, bool join) {
    int ok = 0;
    for (const auto& iface : pick(ifname)) {
      int rc;
      if (family_ == AF_INET) {
        ip_mreqn m{};
        if (inet_pton(AF_INET, group.c_str(), &m.imr_multiaddr) != 1) return WGM_ERR_INVALID;
        m.imr_ifindex = static_cast<int>(iface.index);
        rc = setsockopt(fd_, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &m,
                        sizeof m);
      } else {
        ipv6_mreq m{};
        if (inet_pton(AF_INET6, group.c_str(), &m.ipv6mr_multiaddr) != 1) return WGM_ERR_INVALID;
        m.ipv6mr_interface = iface.index;
        rc = setsockopt(fd_, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &m, sizeof m);
      }
      if (rc == 0 || errno == EADDRINUSE) ++ok;  // already a member counts as joined
    }
    return ok > 0 ? WGM_OK : WGM_ERR_IO;
  }

  int fd_;
  int family_;
  size_t max_datagram_;
  std::vector<uint8_t> buffer_;
};

class RealBackend : public UdpBackend {
 public:
  int open(const wgm_udp_options& o, std::unique_ptr<UdpEndpoint>& out,
           std::string& error) override {
    if (o.family != AF_INET && o.family != AF_INET6) return WGM_ERR_INVALID;
    int fd = ::socket(o.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      error = std::string("socket: ") + std::strerror(errno);
      return WGM_ERR_IO;
    }
    int one = 1;
    if (o.flags & WGM_UDP_REUSEADDR) {
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    }
    if (o.recv_buffer > 0)
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &o.recv_buffer, sizeof o.recv_buffer);
    sockaddr_storage ss{};
    socklen_t len = 0;
    const char* ip = o.bind_addr ? o.bind_addr : (o.family == AF_INET ? "0.0.0.0" : "::");
    if (o.family == AF_INET) {
      auto* sa = reinterpret_cast<sockaddr_in*>(&ss);
      sa->sin_family = AF_INET;
      sa->sin_port = htons(o.port);
      if (inet_pton(AF_INET, ip, &sa->sin_addr) != 1)
        len = 0;
      else
        len = sizeof *sa;
    } else {
      int v6only = (o.flags & WGM_UDP_V6ONLY) ? 1 : 0;
      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
      auto* sa = reinterpret_cast<sockaddr_in6*>(&ss);
      sa->sin6_family = AF_INET6;
      sa->sin6_port = htons(o.port);
      if (inet_pton(AF_INET6, ip, &sa->sin6_addr) != 1)
        len = 0;
      else
        len = sizeof *sa;
    }
    if (len == 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
      error = std::string("bind ") + ip + ":" + std::to_string(o.port) + ": " +
              (len == 0 ? "bad address" : std::strerror(errno));
      ::close(fd);
      return WGM_ERR_IO;
    }
    out = std::make_unique<RealEndpoint>(fd, o.family, o.max_datagram ? o.max_datagram : 65536);
    return WGM_OK;
  }
};

}  // namespace

std::unique_ptr<UdpBackend> make_real_udp_backend() { return std::make_unique<RealBackend>(); }

}  // namespace wgmesh::test
