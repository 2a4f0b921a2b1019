// "host:port" entries of the bootstrap list: a numeric IPv4/IPv6 address ("[v6]:port") or a
// DNS name. Names are only validated here; they are resolved off the loop (resolve.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wgmesh/dht/endpoint.h"

namespace wgmesh::dht::plugin {

struct HostPort {
  std::string host;                 // without brackets
  uint16_t port = 0;                // 1..65535
  std::optional<Endpoint> numeric;  // set when host is an IP literal (no DNS needed)

  std::string to_string() const;
  bool operator==(const HostPort&) const = default;
};

// Strict: a port of 1..65535, an IP literal or a hostname of letters, digits, '-' and '.'
// (at most 253 characters, labels of 1..63). Anything else (spaces, a scheme, a path, an
// empty host) is refused with a one-line reason in `error`.
std::optional<HostPort> parse_host_port(std::string_view text, std::string& error);

}  // namespace wgmesh::dht::plugin
