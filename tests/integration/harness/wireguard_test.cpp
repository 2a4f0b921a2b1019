// Three hosts, each with its own wireguard-go serving the SAME interface name wg0 — possible
// only because every host has a private /run/wireguard — configured with `wg` run inside the
// daemon's mount namespace, as a full mesh over 100.64.0.0/24.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "harness/testbed.h"
#include "test_support.h"

namespace {

using namespace wgmesh::testbed;
using namespace wgmesh::testbed::test;
using namespace std::chrono_literals;

std::string overlay(int i) { return "100.64.0." + std::to_string(i); }

TEST(WireguardBed, SameInterfaceNameInEveryHostFullMeshPings) {
  WGMESH_REQUIRE_ROOT();
  constexpr int kHosts = 3;
  TestBed bed({.n_hosts = kHosts});
  std::vector<Process> wg;
  std::vector<std::string> pubkeys;
  for (int i = 1; i <= kHosts; ++i) {
    TestHost& h = bed.host(i);
    wg.push_back(h.spawn({"wireguard-go", "-f", "wg0"}, {"LOG_LEVEL=error"}));
    std::string key = check_command({"wg", "genkey"}).output;
    std::filesystem::path key_file = h.path("private.key");
    {
      std::ofstream out(key_file);
      out << key;
    }
    std::filesystem::permissions(
        key_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::string pub = check_command({"wg", "pubkey"}, {.input = key}).output;
    pubkeys.push_back(pub.substr(0, pub.find('\n')));
  }
  for (int i = 1; i <= kHosts; ++i) {
    Process& p = wg[static_cast<std::size_t>(i - 1)];
    ASSERT_TRUE(wait_until(
        [&] { return std::filesystem::exists(p.path_in_root("/run/wireguard/wg0.sock")); }, 10s))
        << "no UAPI socket in host " << i << ": " << p.read_log();
    EXPECT_EQ(read_file("/proc/" + std::to_string(p.pid()) + "/comm"), "wireguard-go\n");
  }
  // Nothing leaked into the machine's own /run.
  EXPECT_NE(wg[0].path_in_root("/run/wireguard/wg0.sock"), "/run/wireguard/wg0.sock");

  for (int i = 1; i <= kHosts; ++i) {
    TestHost& h = bed.host(i);
    std::vector<std::string> set{
        "wg", "set", "wg0", "listen-port", "51820", "private-key", h.path("private.key")};
    for (int j = 1; j <= kHosts; ++j) {
      if (j == i) continue;
      set.insert(set.end(), {"peer", pubkeys[static_cast<std::size_t>(j - 1)], "endpoint",
                             bed.host(j).ipv4() + ":51820", "allowed-ips", overlay(j) + "/32"});
    }
    RunResult r = h.run_in(wg[static_cast<std::size_t>(i - 1)], set);
    ASSERT_TRUE(r.ok()) << r.output;
    h.check({"ip", "addr", "add", overlay(i) + "/24", "dev", "wg0"});
    h.check({"ip", "link", "set", "wg0", "up"});
  }

  // One direction first, so no pair starts with crossing handshake initiations.
  for (int i = 1; i <= kHosts; ++i) {
    for (int j = i + 1; j <= kHosts; ++j) {
      RunResult r = bed.host(i).run({"ping", "-n", "-q", "-c1", "-w10", overlay(j)}, 15s);
      EXPECT_TRUE(r.ok()) << i << " -> " << j << ": " << r.output;
    }
  }
  for (int i = kHosts; i >= 1; --i) {
    for (int j = i - 1; j >= 1; --j) {
      RunResult r = bed.host(i).run({"ping", "-n", "-q", "-c1", "-w10", overlay(j)}, 15s);
      EXPECT_TRUE(r.ok()) << i << " -> " << j << ": " << r.output;
    }
  }
  RunResult show = bed.host(1).run_in(wg[0], {"wg", "show", "wg0", "peers"});
  EXPECT_EQ(std::count(show.output.begin(), show.output.end(), '\n'), kHosts - 1) << show.output;
}

}  // namespace
