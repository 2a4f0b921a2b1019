// rtnetlink (links, addresses, routes) through libnl-route: everything the daemon used to do
// by running `ip` several times per reconcile, done in-process instead.
// Routes are owned through a routing protocol number: routes are created with it, and
// list/delete only ever see routes carrying it, so routes made by the operator or by other
// software on the same interface are never touched.
// Operates in the network namespace the socket is opened in (the caller's, at open()).
// Not thread-safe: use one instance per thread (in practice, the loop thread).
#pragma once

#include <linux/rtnetlink.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "wireguard/types.h"

struct nl_sock;

namespace wgmesh::wg {

struct Route {
  IpPrefix destination;              // canonicalised before use
  std::optional<IpAddress> gateway;  // nullopt: directly on the device (any family)
  uint32_t metric = 0;               // 0: the kernel default (IPv6 reports 1024)
  uint32_t table = RT_TABLE_MAIN;
  uint8_t protocol = 0;  // reported by list_routes(); writes always use the instance's own

  friend bool operator==(const Route&, const Route&) = default;
};

class RouteNetlink {
 public:
  // 0x57 ('W'): an unassigned value in /etc/iproute2/rt_protos (`ip route show proto 87`).
  static constexpr uint8_t kDefaultProtocol = 0x57;

  explicit RouteNetlink(uint8_t protocol = kDefaultProtocol);
  ~RouteNetlink();
  RouteNetlink(const RouteNetlink&) = delete;
  RouteNetlink& operator=(const RouteNetlink&) = delete;

  // Opens the NETLINK_ROUTE socket. Every other method opens it on first use; calling this
  // first only surfaces the error early.
  Status open();
  uint8_t protocol() const { return protocol_; }

  // ---- links ----
  Result<int> link_index(const std::string& ifname);
  bool link_exists(const std::string& ifname);
  Status set_link_up(const std::string& ifname, bool up);
  Status set_mtu(const std::string& ifname, uint32_t mtu);
  // Creates a link of the given kind ("wireguard"); fails cleanly where the kernel lacks it.
  Status create_link(const std::string& ifname, const std::string& kind);
  Status delete_link(const std::string& ifname);  // succeeds if the link does not exist

  // ---- addresses ----
  // `address` keeps its host bits (100.64.1.2/16). Already present counts as success.
  Status add_address(const std::string& ifname, const IpPrefix& address);
  Status delete_address(const std::string& ifname, const IpPrefix& address);
  // family: AF_INET, AF_INET6 or AF_UNSPEC (both).
  Status flush_addresses(const std::string& ifname, int family);
  Result<std::vector<IpPrefix>> list_addresses(const std::string& ifname, int family);

  // ---- routes (via `ifname`, tagged with protocol()) ----
  // Creates or replaces the route for route.destination (like `ip route replace`).
  // A gateway must have the destination's family.
  Status replace_route(const std::string& ifname, const Route& route);
  // Deletes our route; succeeds if it does not exist. Never deletes another protocol's route.
  Status delete_route(const std::string& ifname, const Route& route);
  // Unicast routes through `ifname` in `table`; with only_ours, just those with protocol().
  Result<std::vector<Route>> list_routes(const std::string& ifname, int family,
                                         bool only_ours = true, uint32_t table = RT_TABLE_MAIN);

 private:
  struct SockDeleter {
    void operator()(nl_sock* s) const;
  };
  Status ensure_open();
  Result<int> index_or_error(const std::string& ifname);

  uint8_t protocol_;
  std::unique_ptr<nl_sock, SockDeleter> sock_;
};

}  // namespace wgmesh::wg
