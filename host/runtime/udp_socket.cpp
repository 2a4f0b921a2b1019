#include "runtime/udp_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

namespace wgmesh {
namespace {

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

bool is_ipv6_text(const std::string& s) { return s.find(':') != std::string::npos; }

}  // namespace

std::vector<InterfaceInfo> multicast_interfaces(int family) {
  std::vector<InterfaceInfo> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  std::set<std::string> seen;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_name || !a->ifa_addr || a->ifa_addr->sa_family != family) continue;
    unsigned flags = a->ifa_flags;
    // Point-to-point links (WireGuard itself, PPP, tunnels) are not LAN segments: multicast
    // sent into a WireGuard interface only bounces off its allowed-IPs.
    if (!(flags & IFF_UP) || !(flags & IFF_MULTICAST) || (flags & IFF_LOOPBACK) ||
        (flags & IFF_POINTOPOINT))
      continue;
    if (!seen.insert(a->ifa_name).second) continue;
    out.push_back({a->ifa_name, if_nametoindex(a->ifa_name)});
  }
  freeifaddrs(list);
  return out;
}

bool make_socket_address(const std::string& ip, uint16_t port, sockaddr_storage& out,
                         socklen_t& len) {
  std::memset(&out, 0, sizeof out);
  std::string host = ip;
  std::string zone;
  if (auto pct = host.find('%'); pct != std::string::npos) {
    zone = host.substr(pct + 1);
    host.resize(pct);
  }
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    len = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    if (!zone.empty()) v6->sin6_scope_id = if_nametoindex(zone.c_str());
    len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

bool parse_socket_address(const std::string& text, sockaddr_storage& out, socklen_t& len) {
  std::string host, port;
  if (!text.empty() && text[0] == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return false;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) return false;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5) return false;
  unsigned long p = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    p = p * 10 + static_cast<unsigned long>(c - '0');
  }
  if (p == 0 || p > 65535) return false;
  return make_socket_address(host, static_cast<uint16_t>(p), out, len);
}

std::string format_ip(const sockaddr* addr) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, buf, sizeof buf);
    return buf;
  }
  if (addr->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(addr);
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], buf, sizeof buf);
      return buf;
    }
    inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
    std::string s = buf;
    if (v6->sin6_scope_id != 0) {
      char ifname[IF_NAMESIZE] = {0};
      if (if_indextoname(v6->sin6_scope_id, ifname))
        s += std::string("%") + ifname;
      else
        s += "%" + std::to_string(v6->sin6_scope_id);
    }
    return s;
  }
  return "";
}

std::string format_socket_address(const sockaddr* addr) {
  std::string ip = format_ip(addr);
  if (ip.empty()) return "";
  uint16_t port = 0;
  bool v6 = false;
  if (addr->sa_family == AF_INET) {
    port = ntohs(reinterpret_cast<const sockaddr_in*>(addr)->sin_port);
  } else {
    const auto* a6 = reinterpret_cast<const sockaddr_in6*>(addr);
    port = ntohs(a6->sin6_port);
    v6 = !IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr);
  }
  return v6 ? "[" + ip + "]:" + std::to_string(port) : ip + ":" + std::to_string(port);
}

Result<std::unique_ptr<UdpSocket>> UdpSocket::open(EventLoop& loop, const UdpOptions& options,
                                                   UdpReceiveFn on_receive) {
  if (options.family != AF_INET && options.family != AF_INET6)
    return Error{"udp: family must be AF_INET or AF_INET6"};
  int fd = ::socket(options.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{errno_text("udp socket")};
  auto fail = [&](const std::string& msg) -> Error {
    ::close(fd);
    return Error{msg};
  };
  int one = 1;
  if (options.reuse_addr) {
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  }
  if (options.family == AF_INET6) {
    int v6only = options.v6only ? 1 : 0;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
  }
  if (options.recv_buffer > 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.recv_buffer, sizeof options.recv_buffer);

  sockaddr_storage ss{};
  socklen_t len = 0;
  std::string bind_ip = options.bind_addr;
  if (bind_ip.empty()) bind_ip = options.family == AF_INET ? "0.0.0.0" : "::";
  if (!make_socket_address(bind_ip, options.port, ss, len) ||
      ss.ss_family != static_cast<sa_family_t>(options.family))
    return fail("udp: bad bind address '" + bind_ip + "'");
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0)
    return fail(errno_text(("udp bind " + bind_ip + ":" + std::to_string(options.port)).c_str()));

  std::unique_ptr<UdpSocket> sock(new UdpSocket(loop, fd, options.family,  // private ctor
                                                options.max_datagram ? options.max_datagram : 65536,
                                                std::move(on_receive)));
  if (options.receive) {
    UdpSocket* self = sock.get();
    int rc = sock->watch_->start(UV_READABLE, [self](int status, int) {
      if (status >= 0) self->on_readable();
    });
    if (rc != 0) return Error{std::string("udp: poll start: ") + uv_strerror(rc)};
  }
  return sock;
}

UdpSocket::UdpSocket(EventLoop& loop, int fd, int family, size_t max_datagram, UdpReceiveFn fn)
    : fd_(fd),
      family_(family),
      max_datagram_(max_datagram),
      on_receive_(std::move(fn)),
      buffer_size_(max_datagram + 1),
      buffer_(std::make_unique_for_overwrite<uint8_t[]>(buffer_size_)),
      watch_(std::make_unique<FdWatch>(loop, fd)) {}

UdpSocket::~UdpSocket() {
  watch_.reset();  // stop polling before the fd goes away
  ::close(fd_);
}

void UdpSocket::on_readable() {
  // Drain a bounded batch per wake-up so one busy socket cannot starve the loop.
  for (int i = 0; i < 64; ++i) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    ssize_t n = ::recvfrom(fd_, buffer_.get(), buffer_size_, MSG_TRUNC,
                           reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) return;  // EAGAIN or a transient error (ICMP unreachable etc.)
    if (static_cast<size_t>(n) > max_datagram_) {
      ++counters_.oversized_dropped;
      continue;
    }
    ++counters_.received;
    if (on_receive_)
      on_receive_(buffer_.get(), static_cast<size_t>(n), reinterpret_cast<sockaddr*>(&from),
                  from_len);
    if (shut_down_) return;  // closed by the callback: touch nothing more
  }
}

void UdpSocket::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (watch_) watch_->stop();
}

Status UdpSocket::send_to(const sockaddr* to, socklen_t to_len, const uint8_t* data, size_t len) {
  sockaddr_in6 mapped{};
  // An IPv4 destination on a dual-stack IPv6 socket must be written as ::ffff:a.b.c.d.
  if (family_ == AF_INET6 && to->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(to);
    mapped.sin6_family = AF_INET6;
    mapped.sin6_port = v4->sin_port;
    mapped.sin6_addr.s6_addr[10] = 0xff;
    mapped.sin6_addr.s6_addr[11] = 0xff;
    std::memcpy(&mapped.sin6_addr.s6_addr[12], &v4->sin_addr, 4);
    to = reinterpret_cast<const sockaddr*>(&mapped);
    to_len = sizeof mapped;
  }
  ssize_t n = ::sendto(fd_, data, len, MSG_NOSIGNAL, to, to_len);
  if (n < 0) {
    ++counters_.send_errors;
    return Error{errno_text(("udp send to " + format_socket_address(to)).c_str())};
  }
  ++counters_.sent;
  return {};
}

Status UdpSocket::membership(const std::string& group, const std::string& ifname, bool join) {
  std::vector<InterfaceInfo> ifaces;
  if (ifname.empty()) {
    ifaces = multicast_interfaces(family_);
  } else {
    unsigned idx = if_nametoindex(ifname.c_str());
    if (idx == 0) return Error{"multicast: no interface '" + ifname + "'"};
    ifaces.push_back({ifname, idx});
  }
  if (ifaces.empty()) return Error{"multicast: no up, multicast-capable interface"};
  int joined = 0;
  std::string last_error;
  for (const auto& iface : ifaces) {
    int rc;
    if (!is_ipv6_text(group)) {
      ip_mreqn mreq{};
      if (inet_pton(AF_INET, group.c_str(), &mreq.imr_multiaddr) != 1)
        return Error{"multicast: bad group '" + group + "'"};
      mreq.imr_ifindex = static_cast<int>(iface.index);
      rc = setsockopt(fd_, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &mreq,
                      sizeof mreq);
    } else {
      ipv6_mreq mreq{};
      if (inet_pton(AF_INET6, group.c_str(), &mreq.ipv6mr_multiaddr) != 1)
        return Error{"multicast: bad group '" + group + "'"};
      mreq.ipv6mr_interface = iface.index;
      rc = setsockopt(fd_, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &mreq,
                      sizeof mreq);
    }
    if (rc == 0 || errno == EADDRINUSE)
      ++joined;
    else
      last_error = errno_text(("multicast on " + iface.name).c_str());
  }
  if (joined == 0) return Error{last_error};
  return {};
}

Status UdpSocket::join(const std::string& group, const std::string& ifname) {
  return membership(group, ifname, true);
}
Status UdpSocket::leave(const std::string& group, const std::string& ifname) {
  return membership(group, ifname, false);
}

Status UdpSocket::set_multicast_ttl(int ttl) {
  int rc = family_ == AF_INET
               ? setsockopt(fd_, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl)
               : setsockopt(fd_, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof ttl);
  if (rc != 0) return Error{errno_text("multicast ttl")};
  return {};
}

Status UdpSocket::set_multicast_loop(bool on) {
  int v = on ? 1 : 0;
  int rc = family_ == AF_INET ? setsockopt(fd_, IPPROTO_IP, IP_MULTICAST_LOOP, &v, sizeof v)
                              : setsockopt(fd_, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &v, sizeof v);
  if (rc != 0) return Error{errno_text("multicast loop")};
  return {};
}

Status UdpSocket::set_ttl(int ttl) {
  int rc = family_ == AF_INET ? setsockopt(fd_, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl)
                              : setsockopt(fd_, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl);
  if (rc != 0) return Error{errno_text("ttl")};
  return {};
}

Status UdpSocket::send_multicast(const std::string& group, uint16_t port, const std::string& ifname,
                                 const uint8_t* data, size_t len) {
  sockaddr_storage dst{};
  socklen_t dst_len = 0;
  if (!make_socket_address(group, port, dst, dst_len))
    return Error{"multicast: bad group '" + group + "'"};
  std::vector<InterfaceInfo> ifaces;
  if (ifname.empty()) {
    ifaces = multicast_interfaces(family_);
  } else {
    ifaces.push_back({ifname, if_nametoindex(ifname.c_str())});
  }
  if (ifaces.empty()) return Error{"multicast: no up, multicast-capable interface"};
  int sent = 0;
  std::string last_error;
  for (const auto& iface : ifaces) {
    int rc;
    if (family_ == AF_INET) {
      ip_mreqn m{};
      m.imr_ifindex = static_cast<int>(iface.index);
      rc = setsockopt(fd_, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof m);
    } else {
      unsigned idx = iface.index;
      rc = setsockopt(fd_, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof idx);
      reinterpret_cast<sockaddr_in6*>(&dst)->sin6_scope_id = idx;
    }
    if (rc != 0) {
      last_error = errno_text(("multicast interface " + iface.name).c_str());
      continue;
    }
    Status st = send_to(reinterpret_cast<sockaddr*>(&dst), dst_len, data, len);
    if (st.ok())
      ++sent;
    else
      last_error = st.message();
  }
  if (sent == 0) return Error{last_error};
  return {};
}

uint16_t UdpSocket::local_port() const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
}

}  // namespace wgmesh
