// Programs inside a host: the PID is the program's own, it runs in the host's network
// namespace behind a private /run, and the handle can stop, measure and inspect it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include "harness/testbed.h"
#include "test_support.h"

namespace {

using namespace wgmesh::testbed;
using namespace wgmesh::testbed::test;
using namespace std::chrono_literals;

ino_t inode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

class ProcessInHost : public ::testing::Test {
 protected:
  void SetUp() override {
    WGMESH_REQUIRE_ROOT();
    bed_ = std::make_unique<TestBed>(TestBed::Options{.n_hosts = 1});
  }
  TestHost& host() { return bed_->host(1); }
  std::unique_ptr<TestBed> bed_;
};

TEST_F(ProcessInHost, PidIsTheProgramInsideTheHostNamespace) {
  Process p = host().spawn({"sleep", "1000"});
  EXPECT_EQ(read_file("/proc/" + std::to_string(p.pid()) + "/comm"), "sleep\n");
  EXPECT_EQ(inode_of("/proc/" + std::to_string(p.pid()) + "/ns/net"),
            inode_of("/run/netns/" + host().netns()));
  EXPECT_EQ(p.log_file(), host().path("sleep.log"));
}

TEST_F(ProcessInHost, HasAPrivateRun) {
  Process p = host().spawn({"sleep", "1000"});
  // Its /run is a fresh tmpfs with only wireguard/ in it; ours is untouched.
  EXPECT_TRUE(std::filesystem::is_directory(p.path_in_root("/run/wireguard")));
  EXPECT_FALSE(std::filesystem::exists(p.path_in_root("/run/netns")));
  EXPECT_TRUE(std::filesystem::exists("/run/netns/" + host().netns()));
  // run_in() enters that private /run; the file never appears in the real one.
  RunResult r = host().run_in(p, {"sh", "-c", "touch /run/wireguard/marker && ls /run/wireguard"});
  EXPECT_EQ(r.output, "marker\n");
  EXPECT_TRUE(std::filesystem::exists(p.path_in_root("/run/wireguard/marker")));
  EXPECT_FALSE(std::filesystem::exists("/run/wireguard/marker"));
  // And run_in() is in the host's network namespace too.
  EXPECT_NE(host().run_in(p, {"ip", "-br", "addr"}).output.find(host().ipv4()), std::string::npos);
}

TEST_F(ProcessInHost, SharedRunWhenAsked) {
  Process p = host().spawn_with({"sleep", "1000"}, {.private_run = false});
  EXPECT_TRUE(std::filesystem::exists(p.path_in_root("/run/netns")));
}

TEST_F(ProcessInHost, EnvironmentAndLog) {
  Process p = host().spawn({"sh", "-c", "echo value=$WGM_TEST_VAR; exec sleep 1000"},
                           {"WGM_TEST_VAR=hello"}, host().path("custom.log"));
  EXPECT_TRUE(wait_until([&] { return p.log_contains("value=hello"); }, 5s)) << p.read_log();
  EXPECT_EQ(p.log_file(), host().path("custom.log"));
}

TEST_F(ProcessInHost, MeasuresRssAndCpu) {
  Process p = host().spawn({"sh", "-c",
                            "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; "
                            "exec sleep 1000"});
  EXPECT_TRUE(wait_until([&] { return p.cpu_ticks().value_or(0) > 0; }, 20s));
  EXPECT_GT(p.rss_kb().value_or(0), 0);
}

TEST_F(ProcessInHost, StopsAndReportsExitStatus) {
  Process quits = host().spawn({"sh", "-c", "exit 7"});
  EXPECT_EQ(quits.wait_exit(5s), 7);
  EXPECT_FALSE(quits.alive());

  Process stubborn =
      host().spawn({"sh", "-c", "trap '' TERM; echo trapped; while :; do sleep 1; done"});
  ASSERT_TRUE(wait_until([&] { return stubborn.log_contains("trapped"); }, 10s));
  EXPECT_TRUE(stubborn.signal(0));
  EXPECT_EQ(stubborn.kill_and_wait(200ms), 128 + SIGKILL);
}

TEST_F(ProcessInHost, RunTimesOut) {
  auto start = std::chrono::steady_clock::now();
  RunResult r = host().run({"sleep", "30"}, 300ms);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

}  // namespace
