// Our own IP addresses, so that the plugin never starts an exchange with itself.
//
// The original compared DHT values with its WireGuard endpoint ("ip:wg_port"), which never
// matches a value ("ip:gossip_port"), so nodes routinely HELLOed themselves (discovery.md
// §3.4). Here a value is ours when its IP is one of:
//   - an address of a local interface (what our DHT socket answers on),
//   - the address our DHT socket is bound to,
//   - the host of our advertised endpoint (our public address, from the host),
//   - an external address enough DHT nodes agree on (BEP 42 "ip", see DhtNode).
// Peers behind the same NAT share our public IP but announce the same "ip:gossip_port" we
// do, so skipping it loses nothing: they are found on the LAN.
#pragma once

#include <set>
#include <string_view>
#include <vector>

#include "wgmesh/dht/endpoint.h"

namespace wgmesh::dht::plugin {

enum class SelfSource { Interface, Bind, Endpoint, Reported };

class SelfAddresses {
 public:
  // Replaces the addresses of one source (ports are ignored).
  void set(SelfSource source, const std::vector<Endpoint>& ips);
  bool contains(const Endpoint& ep) const;
  size_t size() const;

 private:
  std::set<Endpoint> by_source_[4];
};

// Every address of every local interface (getifaddrs); empty on error.
std::vector<Endpoint> local_interface_ips();

// The host part of an "ip:port" / "[ip]:port" endpoint, if it is a usable IP literal.
std::vector<Endpoint> endpoint_host_ip(std::string_view endpoint);

}  // namespace wgmesh::dht::plugin
