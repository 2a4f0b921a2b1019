#include "keys/go_net.h"

#include <algorithm>
#include <array>

namespace wgmesh::keys {

namespace {

constexpr size_t kIPv4Len = 4;
constexpr size_t kIPv6Len = 16;
constexpr int kBig = 0xFFFFFF;  // Go's dtoi/xtoi overflow guard
constexpr uint8_t kV4InV6Prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

struct Number {
  int value;
  size_t digits;
  bool ok;
};

// Go's dtoi: decimal digits at the start of s.
Number dtoi(std::string_view s) {
  int n = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    n = n * 10 + (s[i] - '0');
    if (n >= kBig) return {kBig, i, false};
  }
  if (i == 0) return {0, 0, false};
  return {n, i, true};
}

// Go's xtoi: hexadecimal digits at the start of s.
Number xtoi(std::string_view s) {
  int n = 0;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      n = n * 16 + (c - '0');
    } else if (c >= 'a' && c <= 'f') {
      n = n * 16 + (c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      n = n * 16 + (c - 'A' + 10);
    } else {
      break;
    }
    if (n >= kBig) return {0, i, false};
  }
  if (i == 0) return {0, i, false};
  return {n, i, true};
}

Bytes v4_in_v6(const std::array<uint8_t, 4>& v4) {
  Bytes ip(std::begin(kV4InV6Prefix), std::end(kV4InV6Prefix));
  ip.insert(ip.end(), v4.begin(), v4.end());
  return ip;
}

// Go 1.19 parseIPv4: four decimal components, each <= 255, no leading zeros.
std::optional<Bytes> parse_ipv4(std::string_view s) {
  std::array<uint8_t, 4> p{};
  for (size_t i = 0; i < kIPv4Len; ++i) {
    if (s.empty()) return std::nullopt;
    if (i > 0) {
      if (s[0] != '.') return std::nullopt;
      s.remove_prefix(1);
    }
    const Number n = dtoi(s);
    if (!n.ok || n.value > 0xFF) return std::nullopt;
    if (n.digits > 1 && s[0] == '0') return std::nullopt;
    s.remove_prefix(n.digits);
    p[i] = static_cast<uint8_t>(n.value);
  }
  if (!s.empty()) return std::nullopt;
  return v4_in_v6(p);
}

// Go 1.19 parseIPv6 (RFC 4291 text with at most one "::" and an optional trailing IPv4).
std::optional<Bytes> parse_ipv6(std::string_view s) {
  Bytes ip(kIPv6Len, 0);
  int ellipsis = -1;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    ellipsis = 0;
    s.remove_prefix(2);
    if (s.empty()) return ip;
  }
  size_t i = 0;
  while (i < kIPv6Len) {
    const Number n = xtoi(s);
    if (!n.ok || n.value > 0xFFFF) return std::nullopt;
    if (n.digits < s.size() && s[n.digits] == '.') {
      // Trailing IPv4: only in the last 32 bits, or anywhere after an ellipsis.
      if (ellipsis < 0 && i != kIPv6Len - kIPv4Len) return std::nullopt;
      if (i + kIPv4Len > kIPv6Len) return std::nullopt;
      const auto ip4 = parse_ipv4(s);
      if (!ip4) return std::nullopt;
      std::copy(ip4->begin() + 12, ip4->end(), ip.begin() + static_cast<std::ptrdiff_t>(i));
      s = {};
      i += kIPv4Len;
      break;
    }
    ip[i] = static_cast<uint8_t>(n.value >> 8);
    ip[i + 1] = static_cast<uint8_t>(n.value);
    i += 2;
    s.remove_prefix(n.digits);
    if (s.empty()) break;
    if (s[0] != ':' || s.size() == 1) return std::nullopt;
    s.remove_prefix(1);
    if (s[0] == ':') {
      if (ellipsis >= 0) return std::nullopt;
      ellipsis = static_cast<int>(i);
      s.remove_prefix(1);
      if (s.empty()) break;
    }
  }
  if (!s.empty()) return std::nullopt;
  if (i < kIPv6Len) {
    if (ellipsis < 0) return std::nullopt;
    const size_t n = kIPv6Len - i;
    for (int j = static_cast<int>(i) - 1; j >= ellipsis; --j)
      ip[static_cast<size_t>(j) + n] = ip[static_cast<size_t>(j)];
    for (int j = ellipsis + static_cast<int>(n) - 1; j >= ellipsis; --j)
      ip[static_cast<size_t>(j)] = 0;
  } else if (ellipsis >= 0) {
    return std::nullopt;  // "::" must stand for at least one zero group
  }
  return ip;
}

// IP.To4(): the 4-byte form of an IPv4 or IPv4-mapped address, or nullopt.
std::optional<Bytes> to4(ByteView ip) {
  if (ip.size() == kIPv4Len) return Bytes(ip.begin(), ip.end());
  if (ip.size() == kIPv6Len &&
      std::equal(std::begin(kV4InV6Prefix), std::end(kV4InV6Prefix), ip.begin())) {
    return Bytes(ip.begin() + 12, ip.end());
  }
  return std::nullopt;
}

int simple_mask_length(ByteView mask) {
  int n = 0;
  for (size_t i = 0; i < mask.size(); ++i) {
    uint8_t v = mask[i];
    if (v == 0xFF) {
      n += 8;
      continue;
    }
    while (v & 0x80) {
      ++n;
      v = static_cast<uint8_t>(v << 1);
    }
    if (v != 0) return -1;
    for (++i; i < mask.size(); ++i) {
      if (mask[i] != 0) return -1;
    }
    break;
  }
  return n;
}

Bytes cidr_mask(int ones, int bits) {
  Bytes m(static_cast<size_t>(bits / 8), 0);
  for (auto& b : m) {
    if (ones >= 8) {
      b = 0xFF;
      ones -= 8;
    } else {
      b = static_cast<uint8_t>(~(0xFF >> ones));
      ones = 0;
    }
  }
  return m;
}

// IP.Mask(mask), including Go's conversions between the 4- and 16-byte forms.
Bytes apply_mask(ByteView ip, ByteView mask) {
  if (mask.size() == kIPv6Len && ip.size() == kIPv4Len &&
      std::all_of(mask.begin(), mask.begin() + 12, [](uint8_t b) { return b == 0xFF; })) {
    mask = mask.subspan(12);
  }
  if (mask.size() == kIPv4Len && ip.size() == kIPv6Len &&
      std::equal(std::begin(kV4InV6Prefix), std::end(kV4InV6Prefix), ip.begin())) {
    ip = ip.subspan(12);
  }
  if (ip.size() != mask.size()) return {};
  Bytes out(ip.size());
  for (size_t i = 0; i < ip.size(); ++i) out[i] = ip[i] & mask[i];
  return out;
}

void append_hex16(std::string& out, unsigned v) {
  static constexpr char kHex[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const unsigned digit = (v >> shift) & 0xF;
    if (digit != 0 || started || shift == 0) {
      out += kHex[digit];
      started = true;
    }
  }
}

// net.AddrError.Error(): the address is only named when it is non-empty.
Error addr_error(std::string_view addr, std::string_view why) {
  if (addr.empty()) return Error{std::string(why)};
  return Error{"address " + std::string(addr) + ": " + std::string(why)};
}

}  // namespace

std::optional<Bytes> go_parse_ip(std::string_view text) {
  for (char c : text) {
    if (c == '.') return parse_ipv4(text);
    if (c == ':') return parse_ipv6(text);
  }
  return std::nullopt;
}

std::string go_ip_string(ByteView ip) {
  if (ip.empty()) return "<nil>";
  if (const auto v4 = to4(ip)) {
    return std::to_string((*v4)[0]) + "." + std::to_string((*v4)[1]) + "." +
           std::to_string((*v4)[2]) + "." + std::to_string((*v4)[3]);
  }
  if (ip.size() != kIPv6Len) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "?";
    for (uint8_t b : ip) {
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
    return out;
  }
  // Longest run of zero groups (first one wins on ties); a single group is not compressed.
  int e0 = -1, e1 = -1;
  for (int i = 0; i < static_cast<int>(kIPv6Len); i += 2) {
    int j = i;
    while (j < static_cast<int>(kIPv6Len) && ip[static_cast<size_t>(j)] == 0 &&
           ip[static_cast<size_t>(j) + 1] == 0) {
      j += 2;
    }
    if (j > i && j - i > e1 - e0) {
      e0 = i;
      e1 = j;
      i = j;
    }
  }
  if (e1 - e0 <= 2) e0 = e1 = -1;
  std::string out;
  for (int i = 0; i < static_cast<int>(kIPv6Len); i += 2) {
    if (i == e0) {
      out += "::";
      i = e1;
      if (i >= static_cast<int>(kIPv6Len)) break;
    } else if (i > 0) {
      out += ':';
    }
    append_hex16(out, (unsigned{ip[static_cast<size_t>(i)]} << 8) | ip[static_cast<size_t>(i) + 1]);
  }
  return out;
}

std::pair<int, int> GoIpNet::mask_size() const {
  const int ones = simple_mask_length(mask);
  if (ones == -1) return {0, 0};
  return {ones, static_cast<int>(mask.size() * 8)};
}

std::string GoIpNet::to_string() const {
  Bytes nn;
  if (auto v4 = to4(ip)) {
    nn = std::move(*v4);
  } else if (ip.size() == kIPv6Len) {
    nn = ip;
  } else {
    return "<nil>";
  }
  ByteView m = mask;
  if (m.size() == kIPv4Len && nn.size() != kIPv4Len) return "<nil>";
  if (m.size() == kIPv6Len && nn.size() == kIPv4Len) m = m.subspan(12);
  const int len = simple_mask_length(m);
  if (len == -1) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (uint8_t b : m) {
      hex += kHex[b >> 4];
      hex += kHex[b & 0xF];
    }
    return go_ip_string(nn) + "/" + hex;
  }
  return go_ip_string(nn) + "/" + std::to_string(len);
}

Result<GoIpNet> go_parse_cidr(std::string_view text) {
  const Error invalid{"invalid CIDR address: " + std::string(text)};
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return invalid;
  const std::string_view addr = text.substr(0, slash);
  const std::string_view mask_text = text.substr(slash + 1);
  int bits = 32;
  auto ip = parse_ipv4(addr);
  if (!ip) {
    bits = 128;
    ip = parse_ipv6(addr);
  }
  const Number n = dtoi(mask_text);
  if (!ip || !n.ok || n.digits != mask_text.size() || n.value < 0 || n.value > bits) {
    return invalid;
  }
  GoIpNet net;
  net.mask = cidr_mask(n.value, bits);
  net.ip = apply_mask(*ip, net.mask);
  return net;
}

Result<HostPort> go_split_host_port(std::string_view hostport) {
  constexpr std::string_view kMissingPort = "missing port in address";
  constexpr std::string_view kTooManyColons = "too many colons in address";
  const size_t i = hostport.rfind(':');
  if (i == std::string_view::npos) return addr_error(hostport, kMissingPort);
  size_t j = 0, k = 0;
  std::string_view host;
  if (hostport[0] == '[') {
    const size_t end = hostport.find(']');
    if (end == std::string_view::npos) return addr_error(hostport, "missing ']' in address");
    if (end + 1 == hostport.size()) return addr_error(hostport, kMissingPort);
    if (end + 1 != i) {
      if (hostport[end + 1] == ':') return addr_error(hostport, kTooManyColons);
      return addr_error(hostport, kMissingPort);
    }
    host = hostport.substr(1, end - 1);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.substr(0, i);
    if (host.find(':') != std::string_view::npos) return addr_error(hostport, kTooManyColons);
  }
  if (hostport.substr(j).find('[') != std::string_view::npos) {
    return addr_error(hostport, "unexpected '[' in address");
  }
  if (hostport.substr(k).find(']') != std::string_view::npos) {
    return addr_error(hostport, "unexpected ']' in address");
  }
  return HostPort{std::string(host), std::string(hostport.substr(i + 1))};
}

}  // namespace wgmesh::keys
