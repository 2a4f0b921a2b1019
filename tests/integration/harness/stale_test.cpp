// cleanup_stale() and the automatic sweep remove what crashed runs left behind, and leave
// live beds alone.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "harness/testbed.h"
#include "test_support.h"

namespace {

using namespace wgmesh::testbed;
using namespace wgmesh::testbed::test;
using namespace std::chrono_literals;

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(StaleCleanup, RemovesALeakedNamespaceItsProcessAndDirectory) {
  WGMESH_REQUIRE_ROOT();
  const std::string prefix = "wgmleak" + std::to_string(::getpid());
  const std::string ns = prefix + "-h1";
  check_command({"ip", "netns", "add", ns});
  // A process left running inside, as after a crash (released: nobody will stop it).
  Process leaked = start_process({"sleep", "1000"}, {.ns = {.netns = ns}});
  const pid_t pid = leaked.pid();
  leaked.release();
  const std::string dir = bed_tmp_root() + "/" + std::string(kBedDirStem) + prefix + "-abcdef";
  std::filesystem::create_directories(dir + "/h1");

  StaleCleanupReport report = cleanup_stale(prefix);
  EXPECT_TRUE(contains(report.namespaces, ns));
  EXPECT_EQ(report.killed, std::vector<pid_t>{pid});
  EXPECT_TRUE(contains(report.dirs, dir));
  EXPECT_FALSE(netns_exists(ns));
  EXPECT_FALSE(std::filesystem::exists(dir));
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);  // it was our child: reap it
  EXPECT_TRUE(WIFSIGNALED(status));
}

TEST(StaleCleanup, LeavesALiveBedAlone) {
  WGMESH_REQUIRE_ROOT();
  TestBed bed({.n_hosts = 1});
  StaleCleanupReport report = cleanup_stale(bed.prefix());
  EXPECT_TRUE(report.namespaces.empty());
  EXPECT_TRUE(contains(report.skipped_live, bed.prefix()));
  EXPECT_TRUE(netns_exists(bed.host(1).netns()));
  EXPECT_TRUE(std::filesystem::is_directory(bed.dir()));
}

TEST(StaleCleanup, SweepRemovesBedsOfDeadProcesses) {
  WGMESH_REQUIRE_ROOT();
  // A PID that certainly belonged to a process that is gone now.
  pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ASSERT_GT(dead, 0);
  ::waitpid(dead, nullptr, 0);
  const std::string ns = "wgm" + std::to_string(dead) + "-h1";
  check_command({"ip", "netns", "add", ns});
  StaleCleanupReport report = sweep_dead_beds();
  EXPECT_TRUE(contains(report.namespaces, ns));
  EXPECT_FALSE(netns_exists(ns));
}

}  // namespace
