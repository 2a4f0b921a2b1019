// The addressing plan of a bed — which namespaces exist, who has which address — computed
// before anything is created, and saved as a state file so a shell script (the README demo,
// a benchmark) can drive a bed that the CLI built, and tear it down.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/bed_options.h"

namespace wgmesh::testbed {

struct HostInfo {
  int index = 0;            // 1-based
  std::string name;         // "h<i>"
  std::string netns;        // "<prefix>-h<i>"
  std::string ipv4;         // underlay address on eth0 (without the /24)
  std::string ipv6;         // underlay IPv6 on eth0 (without the /64); empty if none
  std::string public_ipv4;  // what other hosts see: the router's WAN address behind a NAT
  std::string gateway;      // default route via the NAT router; empty for hosts on the switch
  std::string dir;          // private directory: state, config, logs
  bool behind_nat() const { return !gateway.empty(); }
};

struct RouterInfo {
  int host = 0;          // index of the host behind it
  std::string netns;     // "<prefix>-r<i>"
  std::string wan_ipv4;  // on eth0, towards the switch ("internet")
  std::string lan_ipv4;  // on lan0, the host's gateway
  NatType type = NatType::eim;
};

struct BedLayout {
  std::string prefix;
  std::string dir;
  bool owns_dir = true;  // created by the bed: removed whole at teardown
  std::string switch_netns;
  std::string switch_subnet;  // of br0, e.g. "198.51.100.0/24" or "203.0.113.0/24"
  bool ipv6 = false;
  std::vector<HostInfo> hosts;
  std::vector<RouterInfo> routers;

  const HostInfo& host(int index) const;               // throws std::out_of_range
  const RouterInfo* router_for(int host_index) const;  // nullptr if the host is public
  // Teardown order: hosts, routers, then the switch.
  std::vector<std::string> namespaces() const;
};

// Validates the options and computes every name and address. Throws std::invalid_argument.
BedLayout plan_layout(const BedOptions& options, const std::string& prefix, const std::string& dir);

std::string serialize_layout(const BedLayout& layout);
BedLayout parse_layout(std::string_view text);  // throws std::runtime_error
void save_layout(const BedLayout& layout, const std::string& path);
BedLayout load_layout(const std::string& path);

// A prefix is safe in namespace, file and shell-script names: [A-Za-z0-9_], 1..32 chars.
bool valid_prefix(std::string_view prefix);

}  // namespace wgmesh::testbed
