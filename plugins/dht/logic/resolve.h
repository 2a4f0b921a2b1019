// Turning the bootstrap list into addresses. Numeric entries need nothing; names go
// through getaddrinfo, which blocks, so resolve_names() runs on the host's work queue and
// never on the loop thread.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "host_port.h"
#include "wgmesh/dht/endpoint.h"

namespace wgmesh::dht::plugin {

struct Resolved {
  std::vector<Endpoint> endpoints;
  std::vector<std::string> failures;  // "name: reason", one per name that gave nothing
};

// Numeric entries only, in order (no I/O).
std::vector<Endpoint> numeric_endpoints(std::span<const HostPort> entries);
bool has_names(std::span<const HostPort> entries);

// Blocking. For each name: its first IPv4 and its first IPv6 address (the original keeps
// one address per router, IPv4 preferred; we run an IPv6 table too, so both are useful).
Resolved resolve_names(std::span<const HostPort> entries);

}  // namespace wgmesh::dht::plugin
