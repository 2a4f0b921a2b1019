#include "wgmesh/dht/endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace wgmesh::dht {

Endpoint Endpoint::v4(std::array<uint8_t, 4> ip, uint16_t port) {
  Endpoint e;
  e.family = Family::V4;
  std::memcpy(e.addr.data(), ip.data(), 4);
  e.port = port;
  return e;
}

Endpoint Endpoint::v6(std::array<uint8_t, 16> ip, uint16_t port) {
  Endpoint e;
  e.family = Family::V6;
  e.addr = ip;
  e.port = port;
  return e;
}

namespace {

std::optional<uint16_t> parse_port(std::string_view s) {
  unsigned v = 0;
  if (s.empty() || s.size() > 5) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > 65535) return std::nullopt;
  return static_cast<uint16_t>(v);
}

bool is_v4_mapped(const uint8_t* a) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(a, kPrefix, 12) == 0;
}

}  // namespace

std::optional<Endpoint> Endpoint::parse(std::string_view text) {
  std::string host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
    if (host.find(':') != std::string::npos) return std::nullopt;  // bare IPv6 needs []
  }
  auto p = parse_port(port);
  if (!p) return std::nullopt;
  std::array<uint8_t, 16> buf{};
  if (inet_pton(AF_INET, host.c_str(), buf.data()) == 1)
    return v4({buf[0], buf[1], buf[2], buf[3]}, *p);
  if (inet_pton(AF_INET6, host.c_str(), buf.data()) == 1) {
    if (is_v4_mapped(buf.data())) return v4({buf[12], buf[13], buf[14], buf[15]}, *p);
    return v6(buf, *p);
  }
  return std::nullopt;
}

bool Endpoint::is_local() const {
  const uint8_t* a = addr.data();
  if (is_v4()) {
    return a[0] == 10 || a[0] == 127 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
           (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254) || a[0] == 0;
  }
  static constexpr uint8_t kLoop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return std::memcmp(a, kLoop, 16) == 0 || (a[0] & 0xfe) == 0xfc ||  // ULA fc00::/7
         (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||                  // link-local fe80::/10
         is_unspecified();
}

bool Endpoint::is_unspecified() const {
  for (size_t i = 0; i < (is_v4() ? 4u : 16u); ++i)
    if (addr[i] != 0) return false;
  return true;
}

std::string Endpoint::ip_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v4() ? AF_INET : AF_INET6, addr.data(), buf, sizeof buf);
  return buf;
}

std::string Endpoint::to_string() const {
  std::string ip = ip_string();
  if (is_v6()) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(port);
}

size_t EndpointHash::operator()(const Endpoint& e) const noexcept {
  // FNV-1a over the significant bytes; good enough for hash-map bucketing.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](uint8_t b) { h = (h ^ b) * 1099511628211ull; };
  mix(static_cast<uint8_t>(e.family));
  for (uint8_t b : e.ip_bytes()) mix(b);
  mix(static_cast<uint8_t>(e.port >> 8));
  mix(static_cast<uint8_t>(e.port));
  return static_cast<size_t>(h);
}

std::string encode_compact(const Endpoint& e) {
  auto ip = e.ip_bytes();
  std::string out(reinterpret_cast<const char*>(ip.data()), ip.size());
  out.push_back(static_cast<char>(e.port >> 8));
  out.push_back(static_cast<char>(e.port & 0xff));
  return out;
}

std::optional<Endpoint> decode_compact(std::span<const uint8_t> b) {
  if (b.size() == kCompactV4)
    return Endpoint::v4({b[0], b[1], b[2], b[3]}, static_cast<uint16_t>((b[4] << 8) | b[5]));
  if (b.size() == kCompactV6) {
    std::array<uint8_t, 16> ip{};
    std::memcpy(ip.data(), b.data(), 16);
    return Endpoint::v6(ip, static_cast<uint16_t>((b[16] << 8) | b[17]));
  }
  return std::nullopt;
}

socklen_t to_sockaddr(const Endpoint& e, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (e.is_v4()) {
    auto* s = reinterpret_cast<sockaddr_in*>(&out);
    s->sin_family = AF_INET;
    s->sin_port = htons(e.port);
    std::memcpy(&s->sin_addr, e.addr.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* s = reinterpret_cast<sockaddr_in6*>(&out);
  s->sin6_family = AF_INET6;
  s->sin6_port = htons(e.port);
  std::memcpy(&s->sin6_addr, e.addr.data(), 16);
  return sizeof(sockaddr_in6);
}

std::optional<Endpoint> from_sockaddr(const sockaddr* sa, socklen_t len) {
  if (sa == nullptr) return std::nullopt;
  if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in s;
    std::memcpy(&s, sa, sizeof s);
    std::array<uint8_t, 4> ip{};
    std::memcpy(ip.data(), &s.sin_addr, 4);
    return Endpoint::v4(ip, ntohs(s.sin_port));
  }
  if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 s;
    std::memcpy(&s, sa, sizeof s);
    std::array<uint8_t, 16> ip{};
    std::memcpy(ip.data(), &s.sin6_addr, 16);
    if (is_v4_mapped(ip.data()))
      return Endpoint::v4({ip[12], ip[13], ip[14], ip[15]}, ntohs(s.sin6_port));
    return Endpoint::v6(ip, ntohs(s.sin6_port));
  }
  return std::nullopt;
}

}  // namespace wgmesh::dht
