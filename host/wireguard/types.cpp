#include "wireguard/types.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace wgmesh::wg {
namespace {

void ensure_sodium() {
  // sodium_init() is idempotent and thread-safe; it must run before randombytes_buf.
  static const int rc = sodium_init();
  (void)rc;
}

// Parses a decimal number made only of digits (no sign, no spaces) up to `max`.
template <typename T>
std::optional<T> parse_decimal(std::string_view s, T max) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) return std::nullopt;
  return static_cast<T>(v);
}

}  // namespace

// ---- Key ----

Key::~Key() { sodium_memzero(bytes_.data(), bytes_.size()); }

Result<Key> Key::from_base64(std::string_view text) {
  if (text.size() != 44 || text[43] != '=')
    return Error{"invalid key: expected 44 base64 characters"};
  Key k;
  size_t bin_len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(k.bytes_.data(), k.bytes_.size(), text.data(), text.size(), nullptr,
                        &bin_len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      bin_len != kKeyLen || end != text.data() + text.size())
    return Error{"invalid key: not valid base64 of 32 bytes"};
  return k;
}

Result<Key> Key::from_hex(std::string_view text) {
  if (text.size() != 2 * kKeyLen) return Error{"invalid key: expected 64 hex digits"};
  Key k;
  size_t bin_len = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(k.bytes_.data(), k.bytes_.size(), text.data(), text.size(), nullptr, &bin_len,
                     &end) != 0 ||
      bin_len != kKeyLen || end != text.data() + text.size())
    return Error{"invalid key: not 64 hex digits"};
  return k;
}

Key Key::from_bytes(const uint8_t* data) {
  Key k;
  std::memcpy(k.bytes_.data(), data, kKeyLen);
  return k;
}

Key Key::generate_private() {
  ensure_sodium();
  Key k;
  randombytes_buf(k.bytes_.data(), k.bytes_.size());
  return k.clamped();
}

Key Key::clamped() const {
  Key k = *this;
  k.bytes_[0] &= 248;
  k.bytes_[31] = static_cast<uint8_t>((k.bytes_[31] & 127) | 64);
  return k;
}

Key Key::public_key() const {
  Key pub;
  // Clamps internally; only fails for low-order results, impossible for a clamped scalar.
  if (crypto_scalarmult_curve25519_base(pub.bytes_.data(), bytes_.data()) != 0) return Key{};
  return pub;
}

std::string Key::to_base64() const {
  char buf[sodium_base64_ENCODED_LEN(kKeyLen, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(buf, sizeof buf, bytes_.data(), bytes_.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(buf);
  sodium_memzero(buf, sizeof buf);
  return out;
}

std::string Key::to_hex() const {
  char buf[2 * kKeyLen + 1];
  sodium_bin2hex(buf, sizeof buf, bytes_.data(), bytes_.size());
  std::string out(buf, 2 * kKeyLen);
  sodium_memzero(buf, sizeof buf);
  return out;
}

bool Key::is_zero() const { return sodium_is_zero(bytes_.data(), bytes_.size()) == 1; }

std::size_t KeyHash::operator()(const Key& k) const noexcept {
  // Keys are uniformly random, so any 8 bytes are already a good hash.
  std::size_t h = 0;
  std::memcpy(&h, k.data(), sizeof h);
  return h;
}

// ---- IpAddress ----

IpAddress IpAddress::v4(const in_addr& a) {
  IpAddress ip;
  ip.family_ = AF_INET;
  std::memcpy(ip.bytes_.data(), &a, 4);
  return ip;
}

IpAddress IpAddress::v6(const in6_addr& a) {
  IpAddress ip;
  ip.family_ = AF_INET6;
  std::memcpy(ip.bytes_.data(), &a, 16);
  return ip;
}

Result<IpAddress> IpAddress::from_bytes(int family, const void* data, std::size_t len) {
  if (!((family == AF_INET && len == 4) || (family == AF_INET6 && len == 16)))
    return Error{"invalid address: family " + std::to_string(family) + " with " +
                 std::to_string(len) + " bytes"};
  IpAddress ip;
  ip.family_ = family;
  std::memcpy(ip.bytes_.data(), data, len);
  return ip;
}

Result<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN)
    return Error{"invalid IP address '" + std::string(text.substr(0, 64)) + "'"};
  const std::string s(text);  // inet_pton needs a terminated string
  IpAddress ip;
  if (s.find(':') == std::string::npos) {
    ip.family_ = AF_INET;
    if (inet_pton(AF_INET, s.c_str(), ip.bytes_.data()) == 1) return ip;
  } else {
    ip.family_ = AF_INET6;
    if (inet_pton(AF_INET6, s.c_str(), ip.bytes_.data()) == 1) return ip;
  }
  return Error{"invalid IP address '" + s + "'"};
}

bool IpAddress::is_zero() const {
  return std::all_of(bytes_.begin(), bytes_.begin() + static_cast<long>(size()),
                     [](uint8_t b) { return b == 0; });
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(family_, bytes_.data(), buf, sizeof buf) == nullptr) return "?";
  return buf;
}

// ---- IpPrefix ----

Result<IpPrefix> IpPrefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return Error{"invalid prefix '" + std::string(text.substr(0, 64)) + "'"};
  IpPrefix p;
  p.address = *addr;
  if (slash == std::string_view::npos) {
    p.length = p.max_length();
    return p;
  }
  auto len = parse_decimal<unsigned>(text.substr(slash + 1), p.max_length());
  if (!len) return Error{"invalid prefix length in '" + std::string(text.substr(0, 64)) + "'"};
  p.length = static_cast<uint8_t>(*len);
  return p;
}

IpPrefix IpPrefix::canonical() const {
  IpPrefix p = *this;
  uint8_t* b = p.address.data();
  const std::size_t n = p.address.size();
  for (std::size_t i = 0; i < n; ++i) {
    const int bits_here = std::clamp(static_cast<int>(length) - static_cast<int>(i * 8), 0, 8);
    b[i] &= static_cast<uint8_t>(0xff00 >> bits_here);
  }
  return p;
}

std::string IpPrefix::to_string() const {
  return address.to_string() + "/" + std::to_string(length);
}

// ---- Endpoint ----

Result<Endpoint> Endpoint::parse(std::string_view text) {
  const auto bad = [&](const char* why) {
    return Error{"invalid endpoint '" + std::string(text.substr(0, 80)) + "': " + why};
  };
  std::string_view host, port;
  std::string_view zone;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return bad("missing ']'");
    if (close + 1 >= text.size() || text[close + 1] != ':') return bad("missing port");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (const auto pct = host.find('%'); pct != std::string_view::npos) {
      zone = host.substr(pct + 1);
      host = host.substr(0, pct);
      if (zone.empty()) return bad("empty zone");
    }
    if (host.find(':') == std::string_view::npos) return bad("brackets around a non-IPv6 host");
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("missing port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return bad("IPv6 address needs brackets");
  }
  auto addr = IpAddress::parse(host);
  if (!addr) return bad("bad address");
  auto p = parse_decimal<uint16_t>(port, 65535);
  if (!p || *p == 0) return bad("bad port");
  Endpoint ep;
  ep.address = *addr;
  ep.port = *p;
  if (!zone.empty()) {
    if (auto num = parse_decimal<uint32_t>(zone, UINT32_MAX)) {
      ep.scope_id = *num;
    } else {
      if (zone.size() >= IF_NAMESIZE) return bad("zone name too long");
      ep.scope_id = if_nametoindex(std::string(zone).c_str());
      if (ep.scope_id == 0) return bad("unknown zone interface");
    }
  }
  return ep;
}

Result<Endpoint> Endpoint::from_sockaddr(const sockaddr* sa, socklen_t len) {
  if (sa == nullptr || len < static_cast<socklen_t>(sizeof(sa_family_t)))
    return Error{"endpoint: empty sockaddr"};
  Endpoint ep;
  if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in in{};
    std::memcpy(&in, sa, sizeof in);
    ep.address = IpAddress::v4(in.sin_addr);
    ep.port = ntohs(in.sin_port);
    return ep;
  }
  if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, sa, sizeof in6);
    ep.address = IpAddress::v6(in6.sin6_addr);
    ep.port = ntohs(in6.sin6_port);
    ep.scope_id = in6.sin6_scope_id;
    return ep;
  }
  return Error{"endpoint: unsupported address family " + std::to_string(sa->sa_family)};
}

socklen_t Endpoint::to_sockaddr(sockaddr_storage& out) const {
  out = sockaddr_storage{};
  if (address.is_v4()) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(port);
    std::memcpy(&in.sin_addr, address.data(), 4);
    std::memcpy(&out, &in, sizeof in);
    return sizeof in;
  }
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  in6.sin6_port = htons(port);
  in6.sin6_scope_id = scope_id;
  std::memcpy(&in6.sin6_addr, address.data(), 16);
  std::memcpy(&out, &in6, sizeof in6);
  return sizeof in6;
}

std::string Endpoint::to_string() const {
  if (address.is_v4()) return address.to_string() + ":" + std::to_string(port);
  std::string host = address.to_string();
  if (scope_id != 0) {
    char name[IF_NAMESIZE];
    host += '%';
    host +=
        if_indextoname(scope_id, name) != nullptr ? std::string(name) : std::to_string(scope_id);
  }
  return "[" + host + "]:" + std::to_string(port);
}

bool is_valid_ifname(std::string_view name) {
  if (name.empty() || name.size() >= IF_NAMESIZE || name == "." || name == "..") return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    return c == '/' || c == ':' || c == ' ' || (c >= '\t' && c <= '\r') || c == '\0';
  });
}

// ---- DeviceState ----

const PeerState* DeviceState::find_peer(const Key& key) const {
  for (const auto& p : peers)
    if (p.public_key == key) return &p;
  return nullptr;
}

}  // namespace wgmesh::wg
