// Go's net package text rules for addresses, as they apply on the wire (crypto.md §5, §6.6):
// net.ParseIP (no leading zeros in IPv4, no zones, IPv4-mapped forms allowed), IP.String
// (RFC 5952 text, IPv4-mapped printed as dotted quad), net.ParseCIDR / IPNet.String and
// net.SplitHostPort with Go's error texts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"
#include "keys/bytes.h"

namespace wgmesh::keys {

// net.ParseIP: 16 bytes (IPv4 as ::ffff:a.b.c.d), or nullopt if `text` is not a literal.
std::optional<Bytes> go_parse_ip(std::string_view text);

// IP.String() for a 4- or 16-byte address.
std::string go_ip_string(ByteView ip);

// A network as returned by net.ParseCIDR: the masked address (4 bytes for IPv4, 16 for
// IPv6) and the mask of the same family.
struct GoIpNet {
  Bytes ip;
  Bytes mask;

  // IPMask.Size(): {ones, bits}, or {0, 0} for a non-canonical mask.
  std::pair<int, int> mask_size() const;
  // IPNet.String(), e.g. "192.168.1.0/24" or "2001:db8::/64".
  std::string to_string() const;
};

// net.ParseCIDR; error text `invalid CIDR address: <text>`.
Result<GoIpNet> go_parse_cidr(std::string_view text);

struct HostPort {
  std::string host;
  std::string port;
};

// net.SplitHostPort; error texts like `address 1.2.3.4: missing port in address`.
Result<HostPort> go_split_host_port(std::string_view hostport);

}  // namespace wgmesh::keys
