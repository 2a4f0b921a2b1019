// What a test asks for when it builds a bed. Plain data so tests can write
// TestBed bed({.n_hosts = 3, .ipv6 = true}).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace wgmesh::testbed {

// NAT router behaviours (testbed.md §4):
//   eim       port-preserving masquerade: endpoint-independent mapping, address- and
//             port-dependent filtering ("port-restricted cone")
//   sym       masquerade with random ports: a new mapping per destination (symmetric)
//   fullcone  eim plus a static DNAT of one UDP port to the LAN host (endpoint-independent
//             filtering for that port only: Linux has no true full cone)
enum class NatType { eim, sym, fullcone };

std::string_view to_string(NatType type);
std::optional<NatType> parse_nat_type(std::string_view text);

enum class NeighLimits {
  automatic,  // raise for beds of more than 20 hosts (a full mesh needs ~2*N*(N-1) entries)
  raise,
  leave,
};

struct BedOptions {
  std::string prefix;  // namespace name prefix; empty: "wgm<pid>" (unique per process)
  int n_hosts = 2;
  // Underlay of a flat bed (/24 only; host i gets .i). In a NAT bed it is the LAN behind
  // each router instead (host i keeps .i, the router is .254).
  std::string subnet = "198.51.100.0/24";
  // Also 2001:db8:<third octet>::<i>/64 on the underlay (DAD disabled, usable at once).
  // Hosts behind a NAT stay IPv4-only.
  bool ipv6 = false;
  // Host index (1-based) -> NAT in front of it. Non-empty makes a NAT bed: the switch is the
  // "internet" 203.0.113.0/24, public hosts sit on it as 203.0.113.<i>, the router of host i
  // as 203.0.113.<128+i>.
  std::map<int, NatType> nat;
  NeighLimits neigh_limits = NeighLimits::automatic;
  // Bed directory (host dirs, logs, state). Empty: a fresh temp dir, removed at teardown.
  // Given: used as is and kept (only what the bed created in it is removed).
  std::string dir;
  // Keep the bed directory at teardown; default: environment WGMESH_KEEP_BED=1.
  std::optional<bool> keep_dir;
  // Remove namespaces left by crashed runs of "wgm<pid>" beds whose process is gone.
  bool sweep_stale = true;
};

}  // namespace wgmesh::testbed
