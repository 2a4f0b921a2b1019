// A flat bed: hosts on one bridge reach each other over the underlay (IPv4 and IPv6), names
// are unique per process, and teardown leaves no namespace, process or directory behind.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "harness/sysctls.h"
#include "harness/testbed.h"
#include "test_support.h"

namespace {

using namespace wgmesh::testbed;
using namespace wgmesh::testbed::test;
using namespace std::chrono_literals;

TEST(Bed, ThreeHostsPingEachOther) {
  WGMESH_REQUIRE_ROOT();
  TestBed bed({.n_hosts = 3});
  std::cout << "3-host bed up in " << bed.setup_time().count() << " ms\n";
  const std::string expected_prefix = "wgm" + std::to_string(::getpid());
  EXPECT_EQ(bed.prefix().rfind(expected_prefix, 0), 0u) << bed.prefix();
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(bed.host(i).netns(), bed.prefix() + "-h" + std::to_string(i));
    EXPECT_TRUE(netns_exists(bed.host(i).netns()));
    EXPECT_EQ(bed.host(i).ipv4(), "198.51.100." + std::to_string(i));
    for (int j = 1; j <= 3; ++j) {
      if (i != j) {
        EXPECT_TRUE(ping(bed.host(i), bed.host(j).ipv4(), 5s)) << i << " -> " << j;
      }
    }
  }
}

TEST(Bed, ConcurrentBedsGetDistinctNames) {
  WGMESH_REQUIRE_ROOT();
  TestBed a({.n_hosts = 1});
  TestBed b({.n_hosts = 1});
  EXPECT_NE(a.prefix(), b.prefix());
  EXPECT_EQ(owner_pid(a.prefix()), ::getpid());
  EXPECT_EQ(owner_pid(b.prefix()), ::getpid());
  EXPECT_NE(a.dir(), b.dir());
}

TEST(Bed, TeardownLeavesNoNamespaceProcessOrDirectory) {
  WGMESH_REQUIRE_ROOT();
  Process held;  // outlives the bed: teardown must stop it anyway
  std::string prefix, dir;
  pid_t orphan = 0;
  {
    TestBed bed({.n_hosts = 3});
    prefix = bed.prefix();
    dir = bed.dir();
    held = bed.host(2).spawn({"sleep", "1000"});
    // A background process nobody holds a handle to (like a helper a daemon forked).
    RunResult r = bed.host(3).run({"sh", "-c", "sleep 1000 >/dev/null 2>&1 & echo $!"});
    ASSERT_TRUE(r.ok()) << r.output;
    orphan = std::stoi(r.output);
    EXPECT_EQ(namespaces_of(prefix).size(), 4u);
    EXPECT_TRUE(std::filesystem::is_directory(bed.host(1).dir()));
  }
  EXPECT_TRUE(namespaces_of(prefix).empty());
  EXPECT_FALSE(held.alive());
  EXPECT_TRUE(wait_until([&] { return process_gone(orphan); }, 5s)) << orphan;
  EXPECT_FALSE(std::filesystem::exists(dir)) << dir;
  RunResult list = run_command({"ip", "netns", "list"});
  EXPECT_EQ(list.output.find(prefix + "-"), std::string::npos) << list.output;
}

TEST(Bed, KeepDirLeavesTheDirectoryForDebugging) {
  WGMESH_REQUIRE_ROOT();
  std::string dir;
  {
    TestBed bed({.n_hosts = 1, .keep_dir = true});
    dir = bed.dir();
  }
  EXPECT_TRUE(std::filesystem::is_directory(dir + "/h1"));
  std::filesystem::remove_all(dir);
}

TEST(Bed, Ipv6UnderlayIsUsableAtOnce) {
  WGMESH_REQUIRE_ROOT();
  TestBed bed({.n_hosts = 2, .ipv6 = true});
  EXPECT_EQ(bed.host(2).ipv6(), "2001:db8:100::2");
  RunResult addr = bed.host(1).run({"ip", "-6", "addr", "show", "dev", "eth0"});
  EXPECT_EQ(addr.output.find("tentative"), std::string::npos) << addr.output;
  EXPECT_TRUE(ping(bed.host(1), bed.host(2).ipv6(), 3s));
  EXPECT_TRUE(ping(bed.host(2), bed.host(1).ipv6(), 3s));
}

TEST(Bed, CommandsSeeTheHostsNamespaceAndDirectory) {
  WGMESH_REQUIRE_ROOT();
  TestBed bed({.n_hosts = 2});
  const TestHost& h = bed.host(2);
  EXPECT_NE(h.check({"ip", "-br", "addr", "show", "eth0"}).output.find("198.51.100.2/24"),
            std::string::npos);
  // /sys is remounted like `ip netns exec` does, so sysfs shows this namespace's links only.
  std::string links = h.check({"ls", "/sys/class/net"}).output;
  EXPECT_EQ(links, "eth0\nlo\n");
  EXPECT_EQ(h.check({"pwd"}).output, h.dir() + "\n");
  // Nothing routes out of the bed.
  EXPECT_EQ(h.check({"ip", "-4", "route", "show", "default"}).output, "");
}

TEST(Bed, UnderlayBytesCountTraffic) {
  WGMESH_REQUIRE_ROOT();
  TestBed bed({.n_hosts = 2});
  LinkBytes before = underlay_bytes(bed.host(1));
  ASSERT_TRUE(
      bed.host(1).run({"ping", "-n", "-q", "-c3", "-i0.05", "-s1000", bed.host(2).ipv4()}).ok());
  LinkBytes after = underlay_bytes(bed.host(1));
  EXPECT_GE(after.tx - before.tx, 3000u);
  EXPECT_GE(after.rx - before.rx, 3000u);
  EXPECT_THROW(underlay_bytes(bed.host(1), "wg7"), std::runtime_error);
}

TEST(Bed, TwentyFiveHostsRaiseAndRestoreNeighbourLimits) {
  WGMESH_REQUIRE_ROOT();
  const auto before = read_sysctl("net.ipv4.neigh.default.gc_thresh3");
  ASSERT_TRUE(before);
  {
    TestBed bed({.n_hosts = 25});
    std::cout << "25-host bed up in " << bed.setup_time().count() << " ms\n";
    EXPECT_GE(std::stol(*read_sysctl("net.ipv4.neigh.default.gc_thresh3")), 16384);
    EXPECT_GE(std::stol(*read_sysctl("net.ipv6.neigh.default.gc_thresh3")), 16384);
    EXPECT_TRUE(ping(bed.host(1), bed.host(25).ipv4(), 5s));
    EXPECT_TRUE(ping(bed.host(25), bed.host(13).ipv4(), 5s));
    auto down_start = std::chrono::steady_clock::now();
    bed.teardown();
    std::cout << "25-host bed down in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - down_start)
                     .count()
              << " ms\n";
  }
  EXPECT_EQ(read_sysctl("net.ipv4.neigh.default.gc_thresh3"), before);
}

}  // namespace
