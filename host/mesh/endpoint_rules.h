// Endpoint-string rules of discovery.md §2.4, shared by the control channel and plugins'
// reports: resolving an advertised endpoint against the address a message came from.
#pragma once

#include <sys/socket.h>

#include <string>

namespace wgmesh {

bool is_wildcard_host(const std::string& host);  // "", 0.0.0.0, ::
// Wildcard host replaced by the sender's IP; unsplittable → "<sender>:51820"; "" if unknown.
std::string resolve_from_sender(const std::string& advertised, const std::string& sender_ip);
// "" for empty, unsplittable or wildcard endpoints; otherwise unchanged.
std::string normalize_known(const std::string& endpoint);
// IPv6 literal host (IPv4-mapped counts as IPv4).
bool endpoint_is_ipv6(const std::string& endpoint);
// "ip:port" of the peer's WireGuard endpoint host with the control port, or "".
std::string control_endpoint(const std::string& wg_endpoint, uint16_t control_port);
// Loopback, private (RFC 1918, fc00::/7), link-local or unspecified.
bool is_private_or_local(const std::string& ip);
bool is_cgnat(const std::string& ip);  // 100.64.0.0/10

}  // namespace wgmesh
