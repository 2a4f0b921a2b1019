#include "harness/bed_builder.h"

#include <unistd.h>

#include <stdexcept>

#include "harness/nat_router.h"
#include "harness/netns_ops.h"
#include "harness/subprocess.h"

namespace wgmesh::testbed {
namespace {

void ip_batch(const std::string& netns, const std::string& batch) {
  if (netns.empty()) {
    check_command({"ip", "-batch", "-"}, {.input = batch});
  } else {
    check_command({"ip", "-n", netns, "-batch", "-"}, {.input = batch});
  }
}

std::string switch_port(const HostInfo& host) { return "p" + std::to_string(host.index); }
std::string router_port(const RouterInfo& router) { return "r" + std::to_string(router.host); }

// With accept_dad = 0 the kernel still adds the link-local address as "tentative" and clears
// the flag from a work queue a moment later; on a loaded machine that moment is visible. The
// bed promises usable IPv6 when it returns, so wait for the flag to go (bounded: ~5 s).
void wait_until_no_tentative_addresses(const std::string& netns) {
  for (int attempt = 0; attempt < 500; ++attempt) {
    RunResult r =
        run_command({"ip", "-n", netns, "-6", "addr", "show", "dev", "eth0", "tentative"});
    if (r.ok() && r.output.find("inet6") == std::string::npos) return;
    usleep(10'000);
  }
  throw std::runtime_error("IPv6 addresses in " + netns + " stay tentative");
}

}  // namespace

void build_bed(const BedLayout& layout) {
  // Switch first: teardown deletes it last, so a half-built bed is always cleaned in order.
  std::vector<std::string> names{layout.switch_netns};
  for (const auto& r : layout.routers) names.push_back(r.netns);
  for (const auto& h : layout.hosts) names.push_back(h.netns);
  add_netns(names);

  // Before eth0 exists, so it inherits "default": IPv6 addresses are usable at once instead
  // of staying "tentative" for 1-2 s (testbed.md §3).
  if (layout.ipv6) {
    for (const auto& h : layout.hosts) {
      if (h.behind_nat()) continue;
      write_netns_sysctls(h.netns, {{"net.ipv6.conf.all.accept_dad", "0"},
                                    {"net.ipv6.conf.default.accept_dad", "0"}});
    }
  }
  for (const auto& r : layout.routers) {
    write_netns_sysctls(r.netns, {{"net.ipv4.ip_forward", "1"}});
  }

  // Each veth is created straight inside its two namespaces: no name ever exists in (or
  // collides with anything in) the root namespace.
  std::string links;
  for (const auto& h : layout.hosts) {
    if (const RouterInfo* r = layout.router_for(h.index)) {
      links +=
          "link add eth0 netns " + h.netns + " type veth peer name lan0 netns " + r->netns + "\n";
      links += "link add eth0 netns " + r->netns + " type veth peer name " + router_port(*r) +
               " netns " + layout.switch_netns + "\n";
    } else {
      links += "link add eth0 netns " + h.netns + " type veth peer name " + switch_port(h) +
               " netns " + layout.switch_netns + "\n";
    }
  }
  ip_batch("", links);

  std::string sw = "link set lo up\nlink add br0 type bridge\nlink set br0 up\n";
  for (const auto& h : layout.hosts) {
    if (h.behind_nat()) continue;
    sw += "link set " + switch_port(h) + " master br0\nlink set " + switch_port(h) + " up\n";
  }
  for (const auto& r : layout.routers) {
    sw += "link set " + router_port(r) + " master br0\nlink set " + router_port(r) + " up\n";
  }
  ip_batch(layout.switch_netns, sw);

  for (const auto& r : layout.routers) {
    ip_batch(r.netns,
             "link set lo up\n"
             "addr add " +
                 r.wan_ipv4 +
                 "/24 dev eth0\n"
                 "link set eth0 up\n"
                 "addr add " +
                 r.lan_ipv4 +
                 "/24 dev lan0\n"
                 "link set lan0 up\n");
    apply_nat_mode(r.netns, r.type, layout.host(r.host).ipv4);
  }
  for (const auto& h : layout.hosts) {
    std::string batch = "link set lo up\naddr add " + h.ipv4 + "/24 dev eth0\n";
    if (!h.ipv6.empty()) batch += "addr add " + h.ipv6 + "/64 dev eth0 nodad\n";
    batch += "link set eth0 up\n";
    // The only route out of a LAN host leads to its router, which itself has no default
    // route: nothing can leave the bed.
    if (h.behind_nat()) batch += "route add default via " + h.gateway + "\n";
    ip_batch(h.netns, batch);
  }
  if (layout.ipv6) {
    for (const auto& h : layout.hosts) {
      if (!h.ipv6.empty()) wait_until_no_tentative_addresses(h.netns);
    }
  }
}

}  // namespace wgmesh::testbed
