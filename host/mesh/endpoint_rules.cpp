#include "mesh/endpoint_rules.h"

#include <arpa/inet.h>

#include <cstring>

#include "mesh/peer_store.h"

namespace wgmesh {

bool is_wildcard_host(const std::string& host) {
  return host.empty() || host == "0.0.0.0" || host == "::";
}

static std::string join(const std::string& host, uint16_t port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string resolve_from_sender(const std::string& advertised, const std::string& sender_ip) {
  std::string host;
  uint16_t port = 0;
  if (split_host_port(advertised, host, port)) {
    if (is_wildcard_host(host) && !sender_ip.empty()) host = sender_ip;
    if (!host.empty() && !is_wildcard_host(host)) return join(host, port);
    return is_wildcard_host(host) && !host.empty() ? advertised : "";
  }
  if (!sender_ip.empty()) return join(sender_ip, 51820);
  return "";
}

std::string normalize_known(const std::string& endpoint) {
  std::string host;
  uint16_t port = 0;
  if (endpoint.empty() || !split_host_port(endpoint, host, port) || is_wildcard_host(host)) return "";
  return endpoint;
}

bool endpoint_is_ipv6(const std::string& endpoint) { return is_ipv6_endpoint(endpoint); }

std::string control_endpoint(const std::string& wg_endpoint, uint16_t control_port) {
  std::string host;
  uint16_t port = 0;
  if (!split_host_port(wg_endpoint, host, port) || is_wildcard_host(host)) return "";
  return join(host, control_port);
}

bool is_private_or_local(const std::string& ip) {
  unsigned char b[16];
  if (inet_pton(AF_INET, ip.c_str(), b) == 1) {
    return b[0] == 127 || b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
           (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) ||
           (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0);
  }
  if (inet_pton(AF_INET6, ip.c_str(), b) == 1) {
    static const unsigned char zero[16] = {};
    static const unsigned char loop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (!std::memcmp(b, zero, 16) || !std::memcmp(b, loop, 16)) return true;
    if ((b[0] & 0xfe) == 0xfc) return true;                 // fc00::/7
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;  // fe80::/10
    return false;
  }
  return true;  // not an IP literal: treat as unusable
}

bool is_cgnat(const std::string& ip) {
  unsigned char b[4];
  return inet_pton(AF_INET, ip.c_str(), b) == 1 && b[0] == 100 && (b[1] & 0xc0) == 64;
}

}  // namespace wgmesh
