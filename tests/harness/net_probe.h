// Reachability and traffic checks between test hosts.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "harness/test_host.h"

namespace wgmesh::testbed {

// `ping -c1 -W1` (IPv4 or IPv6, by the address) repeated until one reply or `timeout`. The
// repetition matters over WireGuard: crossing handshake initiations only recover after the
// 5 s REKEY_TIMEOUT, sometimes after 10-15 s (testbed.md §2).
bool ping(const TestHost& from, const std::string& to_ip,
          std::chrono::milliseconds timeout = std::chrono::seconds(10));

struct LinkBytes {
  std::uint64_t rx = 0;
  std::uint64_t tx = 0;
  std::uint64_t total() const { return rx + tx; }
};

// Byte counters of an interface in the host (default: the underlay, eth0), from the
// namespace's /proc/net/dev. Throws std::runtime_error if the interface does not exist.
LinkBytes underlay_bytes(const TestHost& host, const std::string& ifname = "eth0");

// The counters of `ifname` in the text of /proc/net/dev.
std::optional<LinkBytes> parse_proc_net_dev(std::string_view text, std::string_view ifname);

}  // namespace wgmesh::testbed
