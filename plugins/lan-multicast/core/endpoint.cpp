#include "core/endpoint.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <cstring>

namespace wgmesh::lan {

std::optional<HostPort> split_host_port(std::string_view s) {
  // A line-by-line port of Go's net.SplitHostPort, so that "splits" means exactly what it
  // means on a Go node.
  size_t i = s.rfind(':');
  if (i == std::string_view::npos) return std::nullopt;  // missing port
  size_t j = 0;
  size_t k = 0;
  std::string_view host;
  if (s[0] == '[') {
    size_t end = s.find(']');
    if (end == std::string_view::npos) return std::nullopt;  // missing ']'
    if (end + 1 != i) return std::nullopt;  // nothing, or not the last ':', after the ']'
    host = s.substr(1, end - 1);
    j = 1;
    k = end + 1;
  } else {
    host = s.substr(0, i);
    if (host.find(':') != std::string_view::npos) return std::nullopt;  // too many colons
  }
  if (s.substr(j).find('[') != std::string_view::npos) return std::nullopt;
  if (s.substr(k).find(']') != std::string_view::npos) return std::nullopt;
  return HostPort{std::string(host), std::string(s.substr(i + 1))};
}

std::string join_host_port(std::string_view host, std::string_view port) {
  std::string out;
  if (host.find(':') != std::string_view::npos) {
    out.append("[").append(host).append("]");
  } else {
    out.append(host);
  }
  out.append(":").append(port);
  return out;
}

bool is_valid_port(std::string_view port) {
  // Decimal digits only (leading zeros allowed, as Go's strconv.Atoi allows them).
  if (port.empty()) return false;
  unsigned value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > 65535) return false;
  }
  return value >= 1;
}

std::string resolve_lan(std::string_view advertised, std::string_view sender_ip) {
  auto split = split_host_port(advertised);
  bool usable = split && is_valid_port(split->port);
  if (!sender_ip.empty())
    return join_host_port(sender_ip,
                          usable ? std::string_view(split->port) : kDefaultWireGuardPort);
  return usable ? std::string(advertised) : std::string();
}

std::string format_source_ip(const sockaddr* addr, socklen_t len) {
  if (!addr) return {};
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(addr);
    if (!inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf)) return {};
    return buf;
  }
  if (addr->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(addr);
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      if (!inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], buf, sizeof buf)) return {};
      return buf;
    }
    // glibc's inet_ntop already follows RFC 5952 (lowercase, longest zero run, no "::" for
    // a single zero group), which is what Go prints.
    if (!inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf)) return {};
    std::string out = buf;
    if (v6->sin6_scope_id != 0) {
      char ifname[IF_NAMESIZE] = {0};
      out += "%";
      out += if_indextoname(v6->sin6_scope_id, ifname) ? std::string(ifname)
                                                       : std::to_string(v6->sin6_scope_id);
    }
    return out;
  }
  return {};
}

namespace {
std::optional<uint32_t> parse_ipv4(std::string_view text) {
  if (text.size() >= INET_ADDRSTRLEN) return std::nullopt;
  char buf[INET_ADDRSTRLEN] = {0};
  std::memcpy(buf, text.data(), text.size());
  in_addr addr{};
  if (inet_pton(AF_INET, buf, &addr) != 1) return std::nullopt;
  return ntohl(addr.s_addr);
}
}  // namespace

std::optional<Ipv4Prefix> Ipv4Prefix::parse(std::string_view cidr) {
  size_t slash = cidr.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto ip = parse_ipv4(cidr.substr(0, slash));
  std::string_view bits_text = cidr.substr(slash + 1);
  if (!ip || bits_text.empty() || bits_text.size() > 2) return std::nullopt;
  unsigned bits = 0;
  for (char c : bits_text) {
    if (c < '0' || c > '9') return std::nullopt;
    bits = bits * 10 + static_cast<unsigned>(c - '0');
  }
  if (bits > 32) return std::nullopt;
  uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return Ipv4Prefix(*ip & mask, mask);
}

bool Ipv4Prefix::contains(std::string_view ip) const {
  auto value = parse_ipv4(ip);
  return value && (*value & mask_) == network_;
}

}  // namespace wgmesh::lan
