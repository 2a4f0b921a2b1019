#include "udp_probe_socket.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "keys/go_net.h"

namespace wgmesh::cli {
namespace {

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

struct AddrInfoFree {
  void operator()(addrinfo* ai) const { ::freeaddrinfo(ai); }
};

// The address as the socket needs it: IPv4 destinations become IPv4-mapped on a
// dual-stack IPv6 socket.
UdpAddress for_family(const UdpAddress& a, int family) {
  if (family != AF_INET6 || a.storage.ss_family != AF_INET) return a;
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a.storage);
  UdpAddress out;
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  v6->sin6_family = AF_INET6;
  v6->sin6_port = v4->sin_port;
  v6->sin6_addr.s6_addr[10] = 0xff;
  v6->sin6_addr.s6_addr[11] = 0xff;
  std::memcpy(&v6->sin6_addr.s6_addr[12], &v4->sin_addr, 4);
  out.length = sizeof(sockaddr_in6);
  return out;
}

}  // namespace

UdpAddress UdpAddress::from(const sockaddr* addr, socklen_t length) {
  UdpAddress out;
  if (addr->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(addr);
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
      v4->sin_family = AF_INET;
      v4->sin_port = v6->sin6_port;
      std::memcpy(&v4->sin_addr, &v6->sin6_addr.s6_addr[12], 4);
      out.length = sizeof(sockaddr_in);
      return out;
    }
  }
  std::memcpy(&out.storage, addr, std::min<size_t>(length, sizeof out.storage));
  out.length = length;
  return out;
}

std::string UdpAddress::to_string() const {
  char ip[INET6_ADDRSTRLEN] = "";
  if (storage.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&storage);
    ::inet_ntop(AF_INET, &v4->sin_addr, ip, sizeof ip);
    return std::string(ip) + ":" + std::to_string(ntohs(v4->sin_port));
  }
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&storage);
  ::inet_ntop(AF_INET6, &v6->sin6_addr, ip, sizeof ip);
  std::string host = ip;
  char ifname[IF_NAMESIZE] = "";
  if (v6->sin6_scope_id != 0 && ::if_indextoname(v6->sin6_scope_id, ifname))
    host += std::string("%") + ifname;
  return "[" + host + "]:" + std::to_string(ntohs(v6->sin6_port));
}

bool operator==(const UdpAddress& a, const UdpAddress& b) {
  if (a.storage.ss_family != b.storage.ss_family) return false;
  if (a.storage.ss_family == AF_INET) {
    const auto* x = reinterpret_cast<const sockaddr_in*>(&a.storage);
    const auto* y = reinterpret_cast<const sockaddr_in*>(&b.storage);
    return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
  const auto* x = reinterpret_cast<const sockaddr_in6*>(&a.storage);
  const auto* y = reinterpret_cast<const sockaddr_in6*>(&b.storage);
  return x->sin6_port == y->sin6_port &&
         std::memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0 &&
         (x->sin6_scope_id == y->sin6_scope_id || !x->sin6_scope_id || !y->sin6_scope_id);
}

Result<UdpAddress> resolve_udp_address(const std::string& host_port) {
  auto split = keys::go_split_host_port(host_port);
  if (!split.ok()) return split.error();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* raw = nullptr;
  int rc = ::getaddrinfo(split->host.empty() ? nullptr : split->host.c_str(), split->port.c_str(),
                         &hints, &raw);
  std::unique_ptr<addrinfo, AddrInfoFree> list(raw);
  if (rc != 0) return Error{"lookup " + host_port + ": " + ::gai_strerror(rc)};
  const addrinfo* chosen = nullptr;
  for (const addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {  // Go prefers IPv4 for a name with both
      chosen = ai;
      break;
    }
    if (!chosen && ai->ai_family == AF_INET6) chosen = ai;
  }
  if (!chosen) return Error{"lookup " + host_port + ": no suitable address"};
  return UdpAddress::from(chosen->ai_addr, chosen->ai_addrlen);
}

Result<UdpProbeSocket> UdpProbeSocket::bind(uint16_t port) {
  UniqueFd fd(::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd) {
    int off = 0;
    (void)::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    a.sin6_addr = in6addr_any;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      return Error{errno_text(("listen udp :" + std::to_string(port)).c_str())};
    socklen_t len = sizeof a;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len);
    return UdpProbeSocket(std::move(fd), AF_INET6, ntohs(a.sin6_port));
  }
  // No IPv6 in this kernel: IPv4 only.
  fd.reset(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) return Error{errno_text("socket")};
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    return Error{errno_text(("listen udp :" + std::to_string(port)).c_str())};
  socklen_t len = sizeof a;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len);
  return UdpProbeSocket(std::move(fd), AF_INET, ntohs(a.sin_port));
}

std::string UdpProbeSocket::local_address() const {
  return (family_ == AF_INET6 ? "[::]:" : "0.0.0.0:") + std::to_string(port_);
}

Status UdpProbeSocket::send_to(const UdpAddress& to, std::string_view data) const {
  if (family_ == AF_INET && to.storage.ss_family != AF_INET)
    return Error{"cannot reach an IPv6 address: this host has no IPv6"};
  UdpAddress dest = for_family(to, family_);
  ssize_t n = ::sendto(fd_.get(), data.data(), data.size(), 0, dest.get(), dest.length);
  if (n < 0)
    return Error{errno_text(("write udp " + local_address() + "->" + to.to_string()).c_str())};
  return {};
}

Result<std::optional<Datagram>> UdpProbeSocket::receive(int timeout_ms) const {
  pollfd p{fd_.get(), POLLIN, 0};
  int rc = ::poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms);
  if (rc < 0 && errno != EINTR) return Error{errno_text("poll")};
  if (rc <= 0) return std::optional<Datagram>();
  std::string buf(65536, '\0');  // the exchange's receive buffer size (crypto.md §6.1)
  sockaddr_storage from{};
  socklen_t len = sizeof from;
  ssize_t n =
      ::recvfrom(fd_.get(), buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
  if (n < 0) {
    // ICMP port unreachable from an earlier send shows up here on Linux: not a datagram.
    if (errno == ECONNREFUSED || errno == EINTR || errno == EAGAIN)
      return std::optional<Datagram>();
    return Error{errno_text(("read udp " + local_address()).c_str())};
  }
  buf.resize(static_cast<size_t>(n));
  return std::optional<Datagram>(
      Datagram{std::move(buf), UdpAddress::from(reinterpret_cast<sockaddr*>(&from), len)});
}

}  // namespace wgmesh::cli
