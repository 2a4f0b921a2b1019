#include "wireguard/netlink_route.h"

#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include <cstring>

namespace wgmesh::wg {
namespace {

// RAII for libnl's reference-counted objects.
struct LinkPut {
  void operator()(rtnl_link* p) const { rtnl_link_put(p); }
};
struct AddrPut {
  void operator()(rtnl_addr* p) const { rtnl_addr_put(p); }
};
struct RoutePut {
  void operator()(rtnl_route* p) const { rtnl_route_put(p); }
};
struct NlAddrPut {
  void operator()(nl_addr* p) const { nl_addr_put(p); }
};
struct CacheFree {
  void operator()(nl_cache* p) const { nl_cache_free(p); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkPut>;
using AddrPtr = std::unique_ptr<rtnl_addr, AddrPut>;
using RoutePtr = std::unique_ptr<rtnl_route, RoutePut>;
using NlAddrPtr = std::unique_ptr<nl_addr, NlAddrPut>;
using CachePtr = std::unique_ptr<nl_cache, CacheFree>;

std::string nl_error(int err) { return nl_geterror(err); }

bool is_not_found(int err) {
  return err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV || err == -NLE_NOADDR;
}

NlAddrPtr to_nl_addr(const IpAddress& a, int prefix_len) {
  NlAddrPtr p(nl_addr_build(a.family(), a.data(), a.size()));
  if (p) nl_addr_set_prefixlen(p.get(), prefix_len);
  return p;
}

// Converts a libnl address; a zero-length one (the default route's dst) becomes ::/0 or 0/0.
std::optional<IpAddress> from_nl_addr(nl_addr* a, int family) {
  if (a == nullptr) return std::nullopt;
  const unsigned len = nl_addr_get_len(a);
  if (len == 0) {
    const uint8_t zero[16] = {};
    auto ip = IpAddress::from_bytes(family, zero, family == AF_INET ? 4 : 16);
    return ip ? std::optional<IpAddress>(*ip) : std::nullopt;
  }
  auto ip = IpAddress::from_bytes(nl_addr_get_family(a), nl_addr_get_binary_addr(a), len);
  return ip ? std::optional<IpAddress>(*ip) : std::nullopt;
}

template <typename T>
T* first(nl_cache* c) {
  return reinterpret_cast<T*>(nl_cache_get_first(c));
}
template <typename T>
T* next(T* o) {
  return reinterpret_cast<T*>(nl_cache_get_next(reinterpret_cast<nl_object*>(o)));
}

// The kernel's current state of a link.
Result<LinkPtr> get_link(nl_sock* sock, const std::string& ifname) {
  rtnl_link* raw = nullptr;
  const int err = rtnl_link_get_kernel(sock, 0, ifname.c_str(), &raw);
  LinkPtr link(raw);
  if (err < 0) return Error{"link " + ifname + ": " + nl_error(err)};
  return link;
}

// rtnl_link_change() sends only what differs between the current link and the change, so
// every attribute change needs both. `edit` fills the (empty) change. Looking the link up
// fails as an Error; otherwise the value is rtnl_link_change()'s status, for the caller to
// word its own message.
template <typename Edit>
Result<int> change_link(nl_sock* sock, const std::string& ifname, Edit&& edit) {
  auto orig = get_link(sock, ifname);
  if (!orig) return orig.error();
  LinkPtr change(rtnl_link_alloc());
  edit(change.get());
  return rtnl_link_change(sock, orig->get(), change.get(), 0);
}

// Builds the address object shared by add and delete: `address` with its host bits as the
// local address, on `ifindex`.
Result<AddrPtr> build_address(int ifindex, const IpPrefix& address) {
  AddrPtr a(rtnl_addr_alloc());
  NlAddrPtr local = to_nl_addr(address.address, address.length);
  if (!a || !local) return Error{"rtnetlink: out of memory"};
  rtnl_addr_set_ifindex(a.get(), ifindex);
  rtnl_addr_set_family(a.get(), address.family());
  if (int err = rtnl_addr_set_local(a.get(), local.get()); err < 0)
    return Error{"address " + address.to_string() + ": " + nl_error(err)};
  rtnl_addr_set_prefixlen(a.get(), address.length);
  return a;
}

// Calls `visit` for each address of `ifindex` in `family` (AF_UNSPEC: any) until it fails.
template <typename Visit>
Status for_each_address(nl_sock* sock, int ifindex, int family, Visit&& visit) {
  nl_cache* raw = nullptr;
  if (int err = rtnl_addr_alloc_cache(sock, &raw); err < 0)
    return Error{"listing addresses: " + nl_error(err)};
  CachePtr cache(raw);
  for (auto* a = first<rtnl_addr>(cache.get()); a != nullptr; a = next(a)) {
    if (rtnl_addr_get_ifindex(a) != ifindex) continue;
    if (family != AF_UNSPEC && rtnl_addr_get_family(a) != family) continue;
    if (Status st = visit(a); !st) return st;
  }
  return {};
}

}  // namespace

void RouteNetlink::SockDeleter::operator()(nl_sock* s) const { nl_socket_free(s); }

RouteNetlink::RouteNetlink(uint8_t protocol) : protocol_(protocol) {}
RouteNetlink::~RouteNetlink() = default;

Status RouteNetlink::open() { return ensure_open(); }

Status RouteNetlink::ensure_open() {
  if (sock_) return {};
  std::unique_ptr<nl_sock, SockDeleter> s(nl_socket_alloc());
  if (!s) return Error{"rtnetlink: out of memory"};
  if (int err = nl_connect(s.get(), NETLINK_ROUTE); err < 0)
    return Error{"rtnetlink: cannot open socket: " + nl_error(err)};
  sock_ = std::move(s);
  return {};
}

Result<int> RouteNetlink::link_index(const std::string& ifname) {
  if (auto st = ensure_open(); !st) return st.error();
  if (!is_valid_ifname(ifname)) return Error{"invalid interface name '" + ifname + "'"};
  auto link = get_link(sock_.get(), ifname);
  if (!link) return link.error();
  return rtnl_link_get_ifindex(link->get());
}

Result<int> RouteNetlink::index_or_error(const std::string& ifname) { return link_index(ifname); }

bool RouteNetlink::link_exists(const std::string& ifname) { return link_index(ifname).ok(); }

Status RouteNetlink::set_link_up(const std::string& ifname, bool up) {
  if (auto st = ensure_open(); !st) return st;
  auto err = change_link(sock_.get(), ifname, [up](rtnl_link* change) {
    if (up) {
      rtnl_link_set_flags(change, IFF_UP);
    } else {
      rtnl_link_unset_flags(change, IFF_UP);
    }
  });
  if (!err) return err.error();
  if (*err < 0)
    return Error{"setting link " + ifname + (up ? " up" : " down") + ": " + nl_error(*err)};
  return {};
}

Status RouteNetlink::set_mtu(const std::string& ifname, uint32_t mtu) {
  if (auto st = ensure_open(); !st) return st;
  auto err = change_link(sock_.get(), ifname,
                         [mtu](rtnl_link* change) { rtnl_link_set_mtu(change, mtu); });
  if (!err) return err.error();
  if (*err < 0)
    return Error{"setting MTU " + std::to_string(mtu) + " on " + ifname + ": " + nl_error(*err)};
  return {};
}

Status RouteNetlink::create_link(const std::string& ifname, const std::string& kind) {
  if (auto st = ensure_open(); !st) return st;
  if (!is_valid_ifname(ifname)) return Error{"invalid interface name '" + ifname + "'"};
  LinkPtr link(rtnl_link_alloc());
  if (!link) return Error{"rtnetlink: out of memory"};
  rtnl_link_set_name(link.get(), ifname.c_str());
  if (int err = rtnl_link_set_type(link.get(), kind.c_str()); err < 0)
    return Error{"link type " + kind + ": " + nl_error(err)};
  const int err = rtnl_link_add(sock_.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL);
  if (err == -NLE_EXIST) return Error{"link " + ifname + " already exists"};
  if (err < 0) {
    std::string msg = "cannot create link " + ifname + " of type " + kind + ": " + nl_error(err);
    if (err == -NLE_OPNOTSUPP || err == -NLE_INVAL)
      msg += " (the kernel does not support '" + kind + "' links; module not loaded?)";
    return Error{msg};
  }
  return {};
}

Status RouteNetlink::delete_link(const std::string& ifname) {
  if (auto st = ensure_open(); !st) return st;
  LinkPtr link(rtnl_link_alloc());
  if (!link) return Error{"rtnetlink: out of memory"};
  rtnl_link_set_name(link.get(), ifname.c_str());
  const int err = rtnl_link_delete(sock_.get(), link.get());
  if (err < 0 && !is_not_found(err)) return Error{"deleting link " + ifname + ": " + nl_error(err)};
  return {};
}

Status RouteNetlink::add_address(const std::string& ifname, const IpPrefix& address) {
  auto idx = index_or_error(ifname);
  if (!idx) return idx.error();
  auto a = build_address(*idx, address);
  if (!a) return a.error();
  const int err = rtnl_addr_add(sock_.get(), a->get(), 0);
  if (err < 0 && err != -NLE_EXIST)
    return Error{"adding address " + address.to_string() + " to " + ifname + ": " + nl_error(err)};
  return {};
}

Status RouteNetlink::delete_address(const std::string& ifname, const IpPrefix& address) {
  auto idx = index_or_error(ifname);
  if (!idx) return idx.error();
  auto a = build_address(*idx, address);
  if (!a) return a.error();
  const int err = rtnl_addr_delete(sock_.get(), a->get(), 0);
  if (err < 0 && !is_not_found(err))
    return Error{"deleting address " + address.to_string() + " from " + ifname + ": " +
                 nl_error(err)};
  return {};
}

Result<std::vector<IpPrefix>> RouteNetlink::list_addresses(const std::string& ifname, int family) {
  auto idx = index_or_error(ifname);
  if (!idx) return idx.error();
  std::vector<IpPrefix> out;
  Status st = for_each_address(sock_.get(), *idx, family, [&out](rtnl_addr* a) -> Status {
    if (auto ip = from_nl_addr(rtnl_addr_get_local(a), rtnl_addr_get_family(a)))
      out.push_back(IpPrefix{*ip, static_cast<uint8_t>(rtnl_addr_get_prefixlen(a))});
    return {};
  });
  if (!st) return st.error();
  return out;
}

Status RouteNetlink::flush_addresses(const std::string& ifname, int family) {
  auto idx = index_or_error(ifname);
  if (!idx) return idx.error();
  return for_each_address(sock_.get(), *idx, family, [&](rtnl_addr* a) -> Status {
    const int err = rtnl_addr_delete(sock_.get(), a, 0);
    // Deleting an IPv4 primary address also drops its secondaries: tolerate them vanishing.
    if (err < 0 && !is_not_found(err))
      return Error{"flushing addresses of " + ifname + ": " + nl_error(err)};
    return {};
  });
}

namespace {

// Builds the route object shared by replace and delete.
Result<RoutePtr> build_route(int ifindex, const Route& r, uint8_t protocol, bool for_delete) {
  const IpPrefix dst = r.destination.canonical();
  if (r.gateway && r.gateway->family() != dst.family())
    return Error{"route " + dst.to_string() + ": gateway " + r.gateway->to_string() +
                 " is of another address family"};
  RoutePtr route(rtnl_route_alloc());
  NlAddrPtr dst_addr = to_nl_addr(dst.address, dst.length);
  if (!route || !dst_addr) return Error{"rtnetlink: out of memory"};
  rtnl_route_set_family(route.get(), static_cast<uint8_t>(dst.family()));
  rtnl_route_set_table(route.get(), r.table);
  rtnl_route_set_protocol(route.get(), protocol);
  rtnl_route_set_type(route.get(), RTN_UNICAST);
  if (int err = rtnl_route_set_dst(route.get(), dst_addr.get()); err < 0)
    return Error{"route " + dst.to_string() + ": " + nl_error(err)};
  if (r.metric != 0) rtnl_route_set_priority(route.get(), r.metric);
  // For deletion, "nowhere" matches any scope (what `ip route del` sends).
  rtnl_route_set_scope(route.get(), for_delete  ? RT_SCOPE_NOWHERE
                                    : r.gateway ? RT_SCOPE_UNIVERSE
                                                : RT_SCOPE_LINK);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  if (nh == nullptr) return Error{"rtnetlink: out of memory"};
  rtnl_route_nh_set_ifindex(nh, ifindex);
  if (r.gateway) {
    NlAddrPtr gw = to_nl_addr(*r.gateway, r.gateway->is_v4() ? 32 : 128);
    if (!gw) {
      rtnl_route_nh_free(nh);
      return Error{"rtnetlink: out of memory"};
    }
    rtnl_route_nh_set_gateway(nh, gw.get());
  }
  rtnl_route_add_nexthop(route.get(), nh);  // the route owns nh from here
  return route;
}

std::string describe(const Route& r) {
  std::string s = r.destination.canonical().to_string();
  if (r.gateway) s += " via " + r.gateway->to_string();
  return s;
}

}  // namespace

Status RouteNetlink::replace_route(const std::string& ifname, const Route& r) {
  auto idx = index_or_error(ifname);
  if (!idx) return idx.error();
  auto route = build_route(*idx, r, protocol_, false);
  if (!route) return route.error();
  const int err = rtnl_route_add(sock_.get(), route->get(), NLM_F_REPLACE);
  if (err < 0)
    return Error{"replacing route " + describe(r) + " dev " + ifname + ": " + nl_error(err)};
  return {};
}

Status RouteNetlink::delete_route(const std::string& ifname, const Route& r) {
  auto idx = index_or_error(ifname);
  if (!idx) return idx.error();
  auto route = build_route(*idx, r, protocol_, true);
  if (!route) return route.error();
  const int err = rtnl_route_delete(sock_.get(), route->get(), 0);
  if (err < 0 && !is_not_found(err))
    return Error{"deleting route " + describe(r) + " dev " + ifname + ": " + nl_error(err)};
  return {};
}

Result<std::vector<Route>> RouteNetlink::list_routes(const std::string& ifname, int family,
                                                     bool only_ours, uint32_t table) {
  auto idx = index_or_error(ifname);
  if (!idx) return idx.error();
  nl_cache* raw = nullptr;
  if (int err = rtnl_route_alloc_cache(sock_.get(), family, 0, &raw); err < 0)
    return Error{"listing routes: " + nl_error(err)};
  CachePtr cache(raw);
  std::vector<Route> out;
  for (auto* r = first<rtnl_route>(cache.get()); r != nullptr; r = next(r)) {
    if (rtnl_route_get_table(r) != table || rtnl_route_get_type(r) != RTN_UNICAST) continue;
    if (only_ours && rtnl_route_get_protocol(r) != protocol_) continue;
    const int fam = rtnl_route_get_family(r);
    if (family != AF_UNSPEC && fam != family) continue;
    if (rtnl_route_get_nnexthops(r) != 1) continue;  // we never create multipath routes
    rtnl_nexthop* nh = rtnl_route_nexthop_n(r, 0);
    if (nh == nullptr || rtnl_route_nh_get_ifindex(nh) != *idx) continue;
    auto dst = from_nl_addr(rtnl_route_get_dst(r), fam);
    if (!dst) continue;
    Route route;
    nl_addr* d = rtnl_route_get_dst(r);
    route.destination = IpPrefix{*dst, static_cast<uint8_t>(d ? nl_addr_get_prefixlen(d) : 0)};
    route.gateway = from_nl_addr(rtnl_route_nh_get_gateway(nh), fam);
    route.metric = rtnl_route_get_priority(r);
    route.table = rtnl_route_get_table(r);
    route.protocol = rtnl_route_get_protocol(r);
    out.push_back(std::move(route));
  }
  return out;
}

}  // namespace wgmesh::wg
