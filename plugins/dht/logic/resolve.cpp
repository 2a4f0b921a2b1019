#include "resolve.h"

#include <netdb.h>
#include <sys/socket.h>

namespace wgmesh::dht::plugin {

std::vector<Endpoint> numeric_endpoints(std::span<const HostPort> entries) {
  std::vector<Endpoint> out;
  for (const auto& e : entries)
    if (e.numeric) out.push_back(*e.numeric);
  return out;
}

bool has_names(std::span<const HostPort> entries) {
  for (const auto& e : entries)
    if (!e.numeric) return true;
  return false;
}

Resolved resolve_names(std::span<const HostPort> entries) {
  Resolved r;
  for (const auto& e : entries) {
    if (e.numeric) continue;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_ADDRCONFIG;  // no AAAA lookups on an IPv4-only host, and vice versa
    addrinfo* list = nullptr;
    const std::string port = std::to_string(e.port);
    const int rc = ::getaddrinfo(e.host.c_str(), port.c_str(), &hints, &list);
    if (rc != 0) {
      r.failures.push_back(e.host + ": " + ::gai_strerror(rc));
      continue;
    }
    bool v4 = false, v6 = false;
    for (addrinfo* a = list; a; a = a->ai_next) {
      auto ep = from_sockaddr(a->ai_addr, a->ai_addrlen);
      if (!ep || ep->is_unspecified()) continue;
      bool& seen = ep->is_v4() ? v4 : v6;
      if (seen) continue;
      seen = true;
      r.endpoints.push_back(*ep);
    }
    ::freeaddrinfo(list);
    if (!v4 && !v6) r.failures.push_back(e.host + ": no usable address");
  }
  return r;
}

}  // namespace wgmesh::dht::plugin
