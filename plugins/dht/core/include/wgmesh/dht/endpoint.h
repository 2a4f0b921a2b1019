// A UDP endpoint (IPv4 or IPv6 address + port) as a plain value type, plus the compact
// BitTorrent encodings (6 bytes for IPv4, 18 for IPv6) and sockaddr conversions.
// The core stores and compares endpoints by value; sockaddr is only for the embedder.
#pragma once

#include <sys/socket.h>

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wgmesh::dht {

enum class Family : uint8_t { V4 = 4, V6 = 6 };

struct Endpoint {
  Family family = Family::V4;
  // IPv4 uses the first 4 bytes; the rest stay zero so comparisons are exact.
  std::array<uint8_t, 16> addr{};
  uint16_t port = 0;

  static Endpoint v4(std::array<uint8_t, 4> ip, uint16_t port);
  static Endpoint v6(std::array<uint8_t, 16> ip, uint16_t port);
  // "1.2.3.4:5", "[::1]:5". No DNS: name resolution belongs to the host.
  static std::optional<Endpoint> parse(std::string_view text);

  bool is_v4() const { return family == Family::V4; }
  bool is_v6() const { return family == Family::V6; }
  std::span<const uint8_t> ip_bytes() const { return {addr.data(), is_v4() ? 4u : 16u}; }
  bool same_ip(const Endpoint& o) const { return family == o.family && addr == o.addr; }
  // Loopback, RFC 1918, link-local, ULA, unspecified: the addresses BEP 42
  // exempts from the node-ID check (and that never carry a public identity).
  bool is_local() const;
  bool is_unspecified() const;
  std::string ip_string() const;
  std::string to_string() const;

  auto operator<=>(const Endpoint&) const = default;
  bool operator==(const Endpoint&) const = default;
};

struct EndpointHash {
  size_t operator()(const Endpoint& e) const noexcept;
};

inline constexpr size_t kCompactV4 = 6;
inline constexpr size_t kCompactV6 = 18;

// Compact peer info: IP bytes followed by the big-endian port.
std::string encode_compact(const Endpoint& e);
std::optional<Endpoint> decode_compact(std::span<const uint8_t> bytes);

// sockaddr conversions for the embedder. IPv4-mapped IPv6 (::ffff:a.b.c.d, what a
// dual-stack socket reports) is unmapped to plain IPv4 so one peer has one identity.
socklen_t to_sockaddr(const Endpoint& e, sockaddr_storage& out);
std::optional<Endpoint> from_sockaddr(const sockaddr* sa, socklen_t len);

}  // namespace wgmesh::dht
