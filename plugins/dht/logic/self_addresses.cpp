#include "self_addresses.h"

#include <ifaddrs.h>
#include <netinet/in.h>

namespace wgmesh::dht::plugin {

namespace {
Endpoint ip_only(Endpoint e) {
  e.port = 0;
  return e;
}
}  // namespace

void SelfAddresses::set(SelfSource source, const std::vector<Endpoint>& ips) {
  auto& s = by_source_[static_cast<size_t>(source)];
  s.clear();
  for (const auto& ip : ips)
    if (!ip.is_unspecified()) s.insert(ip_only(ip));
}

bool SelfAddresses::contains(const Endpoint& ep) const {
  const Endpoint ip = ip_only(ep);
  for (const auto& s : by_source_)
    if (s.count(ip)) return true;
  return false;
}

size_t SelfAddresses::size() const {
  std::set<Endpoint> all;
  for (const auto& s : by_source_) all.insert(s.begin(), s.end());
  return all.size();
}

std::vector<Endpoint> local_interface_ips() {
  std::vector<Endpoint> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr) continue;
    const int fam = a->ifa_addr->sa_family;
    if (fam != AF_INET && fam != AF_INET6) continue;
    const socklen_t len = fam == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    if (auto ep = from_sockaddr(a->ifa_addr, len)) out.push_back(ip_only(*ep));
  }
  ::freeifaddrs(list);
  return out;
}

std::vector<Endpoint> endpoint_host_ip(std::string_view endpoint) {
  auto ep = Endpoint::parse(endpoint);
  if (!ep || ep->is_unspecified()) return {};
  return {ip_only(*ep)};
}

}  // namespace wgmesh::dht::plugin
