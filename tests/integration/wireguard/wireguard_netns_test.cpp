// wgmesh_wireguard against the real thing: wireguard-go started by our supervisor inside
// throw-away network namespaces, configured only through our UAPI backend, checked with
// `wg show` as an independent reader, rtnetlink operations applied on its TUN device, and
// finally two namespaces pinging each other through the tunnel.
// Needs root (CAP_NET_ADMIN + CAP_SYS_ADMIN); skipped otherwise. Only TEST-NET and
// 100.64.0.0/10 addresses inside namespaces created here; nothing is routed out.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "netns_helpers.h"
#include "wireguard/diff.h"
#include "wireguard/netlink_route.h"
#include "wireguard/uapi_backend.h"
#include "wireguard/userspace_supervisor.h"

namespace wgmesh::wg {
namespace {

using namespace std::chrono_literals;
using nstest::in_netns;
using nstest::Netns;
using nstest::run;

std::string tag() { return std::to_string(getpid() % 100000); }

IpPrefix prefix(const std::string& s) { return IpPrefix::parse(s).value(); }
Endpoint endpoint(const std::string& s) { return Endpoint::parse(s).value(); }

// Skips unless root with the tools the tests drive.
#define REQUIRE_ENVIRONMENT()                                                 \
  do {                                                                        \
    if (geteuid() != 0) GTEST_SKIP() << "needs root";                         \
    for (const char* p : {"ip", "wg", "wireguard-go", "ping"})                \
      if (!nstest::have_program(p)) GTEST_SKIP() << p << " is not installed"; \
  } while (0)

// A temp dir for wireguard-go logs, removed afterwards.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/wgmesh-wgit-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A wireguard-go interface in `ns`, run by our supervisor and driven by our backend.
std::unique_ptr<UapiBackend> start_userspace(const std::string& ns, const std::string& ifname,
                                             const std::string& log_dir) {
  SupervisorOptions s;
  s.ifname = ifname;
  s.netns = ns;
  s.log_path = log_dir + "/" + ifname + ".log";
  s.ready_timeout = std::chrono::seconds(20);  // ctest -j on a loaded 2-core machine
  UapiOptions u;
  u.ifname = ifname;
  auto b = std::make_unique<UapiBackend>(u, std::make_unique<UserspaceSupervisor>(s));
  auto st = b->create_interface();
  EXPECT_TRUE(st) << st.message();
  return st ? std::move(b) : nullptr;
}

// `wg show <if> dump`, parsed: the independent view of what the device holds.
struct WgDump {
  std::string private_key, public_key;
  int listen_port = 0;
  struct Peer {
    std::string psk, endpoint, keepalive;
    std::set<std::string> allowed_ips;
  };
  std::map<std::string, Peer> peers;  // by base64 public key
};

WgDump wg_dump(const std::string& ifname) {
  auto r = run({"wg", "show", ifname, "dump"});
  EXPECT_EQ(r.status, 0) << r.out;
  WgDump d;
  std::istringstream in(r.out);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, '\t');) f.push_back(x);
    if (first) {
      if (f.size() >= 3) {
        d.private_key = f[0];
        d.public_key = f[1];
        d.listen_port = std::stoi(f[2]);
      }
      first = false;
      continue;
    }
    if (f.size() < 8) continue;
    WgDump::Peer p;
    p.psk = f[1];
    p.endpoint = f[2];
    std::istringstream ips(f[3]);
    for (std::string ip; std::getline(ips, ip, ',');)
      if (ip != "(none)") p.allowed_ips.insert(ip);
    p.keepalive = f[7];
    d.peers[f[0]] = p;
  }
  return d;
}

DesiredPeer make_peer(int i) {
  DesiredPeer p;
  p.public_key = Key::generate_private().public_key();
  p.preshared_key = Key::generate_private();
  p.endpoint = endpoint("198.51.100." + std::to_string(10 + i) + ":" + std::to_string(51820 + i));
  p.allowed_ips = {prefix("100.64.7." + std::to_string(i) + "/32"),
                   prefix("2001:db8:7:" + std::to_string(i) + "::/64")};
  p.persistent_keepalive = static_cast<uint16_t>(i % 2 ? 25 : 0);
  return p;
}

std::set<std::string> as_strings(const std::vector<IpPrefix>& ips) {
  std::set<std::string> s;
  for (const auto& ip : ips) s.insert(ip.to_string());
  return s;
}

// Checks the device (through our backend and through `wg show`) against `want`.
void expect_device_matches(UapiBackend& b, const DesiredDevice& want) {
  auto dev = b.get_device();
  ASSERT_TRUE(dev) << dev.message();
  ASSERT_TRUE(dev->private_key);
  EXPECT_EQ(*dev->private_key, want.private_key->clamped());
  EXPECT_EQ(*dev->public_key, want.private_key->public_key());
  EXPECT_EQ(dev->listen_port, *want.listen_port);
  ASSERT_EQ(dev->peers.size(), want.peers.size());
  // Nothing left to do: our own reading agrees with what we asked for.
  auto again = compute_update(*dev, want);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty()) << again->peers.size() << " peers still differ";

  const WgDump dump = wg_dump(b.ifname());
  EXPECT_EQ(dump.private_key, want.private_key->clamped().to_base64());
  EXPECT_EQ(dump.public_key, want.private_key->public_key().to_base64());
  EXPECT_EQ(dump.listen_port, *want.listen_port);
  ASSERT_EQ(dump.peers.size(), want.peers.size());
  for (const auto& p : want.peers) {
    auto it = dump.peers.find(p.public_key.to_base64());
    ASSERT_NE(it, dump.peers.end()) << "peer missing in wg show";
    EXPECT_EQ(it->second.psk, p.preshared_key ? p.preshared_key->to_base64() : "(none)");
    EXPECT_EQ(it->second.endpoint, p.endpoint->to_string());
    EXPECT_EQ(it->second.allowed_ips, as_strings(p.allowed_ips));
    EXPECT_EQ(it->second.keepalive,
              p.persistent_keepalive ? std::to_string(p.persistent_keepalive) : "off");
  }
}

TEST(UserspaceWireguard, ConfigureThroughUapiReadBackAndDiff) {
  REQUIRE_ENVIRONMENT();
  TempDir logs;
  Netns ns("wgit-cfg-" + tag());
  ASSERT_TRUE(ns.ok()) << ns.error();
  const std::string ifname = "wgic" + tag();
  auto b = start_userspace(ns.name(), ifname, logs.path());
  ASSERT_TRUE(b);
  // The TUN device lives in the namespace, not here.
  EXPECT_EQ(run({"ip", "-n", ns.name(), "link", "show", ifname}).status, 0);
  EXPECT_NE(run({"ip", "link", "show", ifname}).status, 0);

  DesiredDevice want;
  want.private_key = Key::generate_private();
  want.listen_port = 51820;
  for (int i = 1; i <= 4; ++i) want.peers.push_back(make_peer(i));
  auto actual = b->get_device();
  ASSERT_TRUE(actual) << actual.message();
  EXPECT_TRUE(actual->peers.empty());
  auto update = compute_update(*actual, want);
  ASSERT_TRUE(update) << update.message();
  ASSERT_TRUE(b->set_device(*update));
  expect_device_matches(*b, want);

  // Change one endpoint, one allowed-IP set, drop a peer's PSK, remove one, add one.
  want.peers[0].endpoint = endpoint("[2001:db8::99]:4000");
  want.peers[1].allowed_ips = {prefix("100.64.8.0/24")};
  want.peers[2].preshared_key.reset();
  want.peers.erase(want.peers.begin() + 3);
  want.peers.push_back(make_peer(9));
  actual = b->get_device();
  ASSERT_TRUE(actual);
  update = compute_update(*actual, want);
  ASSERT_TRUE(update);
  EXPECT_EQ(update->peers.size(), 5u);  // 3 modified + 1 removed + 1 added
  ASSERT_TRUE(b->set_device(*update));
  expect_device_matches(*b, want);

  // An outside change (drift) is noticed and repaired by the next diff.
  ASSERT_EQ(run({"wg", "set", ifname, "peer", want.peers[0].public_key.to_base64(),
                 "persistent-keepalive", "7"})
                .status,
            0);
  actual = b->get_device();
  ASSERT_TRUE(actual);
  update = compute_update(*actual, want);
  ASSERT_TRUE(update);
  ASSERT_EQ(update->peers.size(), 1u);
  ASSERT_TRUE(b->set_device(*update));
  expect_device_matches(*b, want);

  // replace_peers with no peers empties the device.
  DeviceUpdate clear;
  clear.replace_peers = true;
  ASSERT_TRUE(b->set_device(clear));
  auto empty = b->get_device();
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->peers.empty());
  // wireguard-go served every request above on the one connection the backend keeps.
  EXPECT_EQ(b->connections_opened(), 1u);

  const pid_t pid = b->supervisor()->pid();
  ASSERT_TRUE(b->delete_interface());
  EXPECT_NE(::kill(pid, 0), 0);
  EXPECT_FALSE(b->interface_exists());
  EXPECT_NE(run({"ip", "-n", ns.name(), "link", "show", ifname}).status, 0)
      << "wireguard-go should remove its TUN device on exit";
}

TEST(UserspaceWireguard, ServerErrorsComeBackAsErrors) {
  REQUIRE_ENVIRONMENT();
  TempDir logs;
  Netns ns("wgit-err-" + tag());
  ASSERT_TRUE(ns.ok()) << ns.error();
  const std::string if1 = "wgie" + tag(), if2 = "wigf" + tag();
  auto b1 = start_userspace(ns.name(), if1, logs.path());
  auto b2 = start_userspace(ns.name(), if2, logs.path());
  ASSERT_TRUE(b1 && b2);
  // wireguard-go binds its port only while the link is up.
  ASSERT_EQ(in_netns(ns.name(),
                     [&]() -> std::string {
                       RouteNetlink rt;
                       for (const auto& i : {if1, if2})
                         if (auto st = rt.set_link_up(i, true); !st) return st.message();
                       return {};
                     }),
            "");
  DeviceUpdate port;
  port.listen_port = 51820;
  ASSERT_TRUE(b1->set_device(port));
  auto st = b2->set_device(port);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find("Address already in use"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(if2), std::string::npos) << st.message();
  // The failed request did not break the connection handling: the next one works.
  port.listen_port = 51821;
  EXPECT_TRUE(b2->set_device(port));
  auto dev = b2->get_device();
  ASSERT_TRUE(dev) << dev.message();
  EXPECT_EQ(dev->listen_port, 51821);
  // ... on a new connection: the one that carried the failed request is never reused.
  EXPECT_EQ(b2->connections_opened(), 2u);
}

TEST(UserspaceWireguard, ThousandPeersInOneRequest) {
  REQUIRE_ENVIRONMENT();
  TempDir logs;
  Netns ns("wgit-big-" + tag());
  ASSERT_TRUE(ns.ok()) << ns.error();
  auto b = start_userspace(ns.name(), "wgib" + tag(), logs.path());
  ASSERT_TRUE(b);
  DeviceUpdate u;
  u.private_key = Key::generate_private();
  u.replace_peers = true;
  for (int i = 0; i < 1000; ++i) {
    PeerConfig p;
    p.public_key = Key::generate_private().public_key();
    p.preshared_key = Key::generate_private();
    p.endpoint =
        endpoint("203.0.113." + std::to_string(i % 250 + 1) + ":" + std::to_string(20000 + i));
    p.allowed_ips = {
        prefix("100.65." + std::to_string(i / 250) + "." + std::to_string(i % 250) + "/32"),
        prefix("10." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ".0/24")};
    p.persistent_keepalive = 25;
    p.replace_allowed_ips = true;
    u.peers.push_back(p);
  }
  auto st = b->set_device(u);
  ASSERT_TRUE(st) << st.message();
  auto dev = b->get_device();
  ASSERT_TRUE(dev) << dev.message();
  EXPECT_EQ(dev->peers.size(), 1000u);
  EXPECT_EQ(wg_dump(b->ifname()).peers.size(), 1000u);
}

TEST(RouteNetlinkInNamespace, LinkAddressesAndOwnedRoutes) {
  REQUIRE_ENVIRONMENT();
  TempDir logs;
  Netns ns("wgit-rt-" + tag());
  ASSERT_TRUE(ns.ok()) << ns.error();
  const std::string ifname = "wgir" + tag();
  auto b = start_userspace(ns.name(), ifname, logs.path());
  ASSERT_TRUE(b);
  const auto ip_n = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"ip", "-n", ns.name()});
    return run(args);
  };

  // Links and addresses.
  auto report = in_netns(ns.name(), [&]() -> std::string {
    RouteNetlink rt;
    if (auto st = rt.open(); !st) return st.message();
    if (!rt.link_exists(ifname)) return "link not found";
    if (rt.link_exists("wgnope0")) return "phantom link";
    auto idx = rt.link_index(ifname);
    if (!idx || *idx <= 0) return "no index";
    if (auto st = rt.set_mtu(ifname, 1380); !st) return st.message();
    if (auto st = rt.set_link_up(ifname, true); !st) return st.message();
    for (const char* a : {"100.64.1.1/16", "2001:db8:1::1/64"}) {
      if (auto st = rt.add_address(ifname, prefix(a)); !st) return st.message();
      if (auto st = rt.add_address(ifname, prefix(a)); !st)
        return "not idempotent: " + st.message();
    }
    auto v4 = rt.list_addresses(ifname, AF_INET);
    auto v6 = rt.list_addresses(ifname, AF_INET6);
    if (!v4 || !v6) return "list failed";
    if (*v4 != std::vector<IpPrefix>{prefix("100.64.1.1/16")}) return "v4 list wrong";
    if (std::find(v6->begin(), v6->end(), prefix("2001:db8:1::1/64")) == v6->end())
      return "v6 address missing";
    auto c = rt.create_link("wgk" + tag(), "wireguard");
    if (c) return "kernel wireguard link unexpectedly created";
    if (c.message().find("wireguard") == std::string::npos) return "unclear: " + c.message();
    if (auto st = rt.delete_link("wgnope0"); !st) return "deleting a missing link: " + st.message();
    return {};
  });
  EXPECT_EQ(report, "");
  auto link = ip_n({"link", "show", ifname});
  EXPECT_NE(link.out.find("mtu 1380"), std::string::npos) << link.out;
  EXPECT_NE(link.out.find(",UP"), std::string::npos) << link.out;
  auto addrs = ip_n({"addr", "show", "dev", ifname});
  EXPECT_NE(addrs.out.find("inet 100.64.1.1/16"), std::string::npos) << addrs.out;
  EXPECT_NE(addrs.out.find("inet6 2001:db8:1::1/64"), std::string::npos) << addrs.out;

  // A route someone else owns on the same device, same destination as one of ours later.
  ASSERT_EQ(ip_n({"route", "add", "10.30.0.0/16", "dev", ifname, "proto", "static"}).status, 0);

  const std::vector<Route> ours = {
      {prefix("10.10.0.0/16"), IpAddress::parse("100.64.1.2").value()},
      {prefix("10.20.0.7/16"), std::nullopt},  // host bits: canonicalised
      {prefix("2001:db8:ff::/48"), std::nullopt},
      {prefix("2001:db8:fe::/48"), IpAddress::parse("2001:db8:1::2").value()},
  };
  report = in_netns(ns.name(), [&]() -> std::string {
    RouteNetlink rt;
    for (const auto& r : ours)
      if (auto st = rt.replace_route(ifname, r); !st) return st.message();
    for (const auto& r : ours)  // replace is idempotent
      if (auto st = rt.replace_route(ifname, r); !st) return "again: " + st.message();
    Route mixed{prefix("10.40.0.0/16"), IpAddress::parse("2001:db8:1::2").value()};
    if (rt.replace_route(ifname, mixed)) return "accepted a v6 gateway for a v4 route";
    auto listed = rt.list_routes(ifname, AF_UNSPEC);
    if (!listed) return listed.message();
    if (listed->size() != 4) return "expected 4 own routes, got " + std::to_string(listed->size());
    for (const auto& r : *listed)
      if (r.protocol != RouteNetlink::kDefaultProtocol) return "foreign route listed";
    auto all = rt.list_routes(ifname, AF_INET, /*only_ours=*/false);
    if (!all) return all.message();
    bool saw_static = false;
    for (const auto& r : *all) saw_static |= r.destination == prefix("10.30.0.0/16");
    if (!saw_static) return "the static route is missing from the full list";
    // Move our route to another gateway: still one route.
    if (auto st = rt.replace_route(
            ifname, {prefix("10.10.0.0/16"), IpAddress::parse("100.64.1.3").value()});
        !st)
      return st.message();
    auto v4 = rt.list_routes(ifname, AF_INET);
    if (!v4) return v4.message();
    int n = 0;
    for (const auto& r : *v4)
      if (r.destination == prefix("10.10.0.0/16")) {
        ++n;
        if (r.gateway != IpAddress::parse("100.64.1.3").value()) return "gateway not replaced";
      }
    if (n != 1) return "10.10.0.0/16 present " + std::to_string(n) + " times";
    // Deleting "our" 10.30.0.0/16 must leave the static one alone.
    if (auto st = rt.delete_route(ifname, {prefix("10.30.0.0/16"), std::nullopt}); !st)
      return st.message();
    return {};
  });
  EXPECT_EQ(report, "");
  auto mine = ip_n({"route", "show", "dev", ifname, "proto", "87"});
  EXPECT_NE(mine.out.find("10.10.0.0/16 via 100.64.1.3"), std::string::npos) << mine.out;
  EXPECT_NE(mine.out.find("10.20.0.0/16"), std::string::npos) << mine.out;
  auto mine6 = ip_n({"-6", "route", "show", "dev", ifname, "proto", "87"});
  EXPECT_NE(mine6.out.find("2001:db8:fe::/48 via 2001:db8:1::2"), std::string::npos) << mine6.out;
  EXPECT_NE(mine6.out.find("2001:db8:ff::/48"), std::string::npos) << mine6.out;
  EXPECT_NE(ip_n({"route", "show", "10.30.0.0/16"}).out.find("proto static"), std::string::npos);

  // Delete all of ours; the other route stays.
  report = in_netns(ns.name(), [&]() -> std::string {
    RouteNetlink rt;
    auto listed = rt.list_routes(ifname, AF_UNSPEC);
    if (!listed) return listed.message();
    for (const auto& r : *listed)
      if (auto st = rt.delete_route(ifname, r); !st) return st.message();
    for (const auto& r : *listed)  // already gone: still fine
      if (auto st = rt.delete_route(ifname, r); !st) return "again: " + st.message();
    auto left = rt.list_routes(ifname, AF_UNSPEC);
    if (!left || !left->empty()) return "own routes left behind";
    return {};
  });
  EXPECT_EQ(report, "");
  EXPECT_EQ(ip_n({"route", "show", "dev", ifname, "proto", "87"}).out, "");
  EXPECT_NE(ip_n({"route", "show", "10.30.0.0/16"}).out, "") << "the static route was deleted";

  // Flush addresses by family, take the link down.
  report = in_netns(ns.name(), [&]() -> std::string {
    RouteNetlink rt;
    if (auto st = rt.flush_addresses(ifname, AF_INET); !st) return st.message();
    auto v4 = rt.list_addresses(ifname, AF_INET);
    auto v6 = rt.list_addresses(ifname, AF_INET6);
    if (!v4 || !v4->empty()) return "v4 addresses left";
    if (!v6 || v6->empty()) return "v6 addresses flushed with v4";
    if (auto st = rt.flush_addresses(ifname, AF_UNSPEC); !st) return st.message();
    v6 = rt.list_addresses(ifname, AF_INET6);
    if (!v6 || !v6->empty()) return "v6 addresses left";
    if (auto st = rt.set_link_up(ifname, false); !st) return st.message();
    return {};
  });
  EXPECT_EQ(report, "");
  EXPECT_EQ(ip_n({"link", "show", ifname}).out.find(",UP"), std::string::npos);
}

TEST(TwoNamespaces, PingThroughTheTunnel) {
  REQUIRE_ENVIRONMENT();
  TempDir logs;
  Netns a("wgit-a-" + tag()), bns("wgit-b-" + tag());
  ASSERT_TRUE(a.ok()) << a.error();
  ASSERT_TRUE(bns.ok()) << bns.error();
  // Underlay: one veth pair, 192.0.2.0/24 (TEST-NET-1), nothing else in either namespace.
  ASSERT_EQ(run({"ip", "-n", a.name(), "link", "add", "eth0", "type", "veth", "peer", "name",
                 "eth0", "netns", bns.name()})
                .status,
            0);
  int host = 1;
  for (const Netns* ns : {&a, &bns}) {
    ASSERT_EQ(run({"ip", "-n", ns->name(), "addr", "add", "192.0.2." + std::to_string(host) + "/24",
                   "dev", "eth0"})
                  .status,
              0);
    ASSERT_EQ(run({"ip", "-n", ns->name(), "link", "set", "eth0", "up"}).status, 0);
    ++host;
  }

  const std::string if_a = "wgia" + tag(), if_b = "wigb" + tag();
  auto wa = start_userspace(a.name(), if_a, logs.path());
  auto wb = start_userspace(bns.name(), if_b, logs.path());
  ASSERT_TRUE(wa && wb);

  const Key key_a = Key::generate_private(), key_b = Key::generate_private();
  const Key psk = Key::generate_private();
  const auto configure = [&](UapiBackend& w, const Key& own, const Key& other, int other_host) {
    DesiredDevice d;
    d.private_key = own;
    d.listen_port = 51820;
    DesiredPeer p;
    p.public_key = other.public_key();
    p.preshared_key = psk;
    p.endpoint = endpoint("192.0.2." + std::to_string(other_host) + ":51820");
    p.allowed_ips = {prefix("100.64.0." + std::to_string(other_host) + "/32"),
                     prefix("2001:db8:64::" + std::to_string(other_host) + "/128")};
    d.peers = {p};
    auto cur = w.get_device();
    ASSERT_TRUE(cur) << cur.message();
    auto u = compute_update(*cur, d);
    ASSERT_TRUE(u) << u.message();
    auto st = w.set_device(*u);
    ASSERT_TRUE(st) << st.message();
  };
  configure(*wa, key_a, key_b, 2);
  configure(*wb, key_b, key_a, 1);

  // Overlay addresses and link up, through rtnetlink from inside each namespace.
  host = 1;
  for (const auto& [ns, ifname] : {std::pair{a.name(), if_a}, std::pair{bns.name(), if_b}}) {
    const std::string h = std::to_string(host++);
    EXPECT_EQ(
        in_netns(
            ns,
            [&]() -> std::string {
              RouteNetlink rt;
              for (const std::string addr : {"100.64.0." + h + "/24", "2001:db8:64::" + h + "/64"})
                if (auto st = rt.add_address(ifname, prefix(addr)); !st) return st.message();
              if (auto st = rt.set_link_up(ifname, true); !st) return st.message();
              return {};
            }),
        "");
  }

  auto ping = run({"ip", "netns", "exec", a.name(), "ping", "-c1", "-w10", "100.64.0.2"});
  EXPECT_EQ(ping.status, 0) << ping.out;
  auto ping6 =
      run({"ip", "netns", "exec", bns.name(), "ping", "-6", "-c1", "-w10", "2001:db8:64::1"});
  EXPECT_EQ(ping6.status, 0) << ping6.out;

  // The handshake and the traffic are visible through our backend.
  auto dev = wa->get_device();
  ASSERT_TRUE(dev) << dev.message();
  ASSERT_EQ(dev->peers.size(), 1u);
  EXPECT_FALSE(dev->peers[0].last_handshake.is_zero());
  EXPECT_GT(dev->peers[0].rx_bytes, 0u);
  EXPECT_GT(dev->peers[0].tx_bytes, 0u);
  EXPECT_EQ(dev->peers[0].protocol_version, 1u);
}

}  // namespace
}  // namespace wgmesh::wg
