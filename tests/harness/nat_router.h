// The nftables ruleset of a namespace NAT router (WAN eth0, LAN lan0) for each NatType, as
// verified in testbed.md §4, and switching a live router between them.
#pragma once

#include <string>

#include "harness/bed_options.h"

namespace wgmesh::testbed {

// Unsolicited packets to the router itself are dropped in INPUT: an accepted one would create
// a conntrack entry that makes masquerade pick another port for the LAN host's next outbound
// packet, and hole punching would fail even between two EIM NATs. `lan_host` and `port` are
// only used by fullcone (the static DNAT of udp/<port>).
std::string nat_ruleset(NatType type, const std::string& lan_host, int port = 51820);

// Replaces the router's ruleset and flushes conntrack (rules do not touch existing entries).
// Throws CommandError if nft rejects it.
void apply_nat_mode(const std::string& router_netns, NatType type, const std::string& lan_host,
                    int port = 51820);

// `conntrack -F` inside the namespace; returns false if conntrack failed or is missing.
bool conntrack_flush(const std::string& netns);

}  // namespace wgmesh::testbed
