// The wgmesh-testbed CLI as a shell script drives it: up, info, exec (plain, with a private
// /run, joining a running program), nat-mode, down.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>

#include "harness/testbed.h"
#include "test_support.h"

namespace {

using namespace wgmesh::testbed;
using namespace wgmesh::testbed::test;
using namespace std::chrono_literals;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    WGMESH_REQUIRE_ROOT();
    std::string tmpl = bed_tmp_root() + "/wgmesh-cli-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    prefix_ = "wgmclitest" + std::to_string(::getpid());
  }
  void TearDown() override {
    if (dir_.empty()) return;
    if (std::filesystem::exists(dir_ + "/bed.state")) cli({"down", dir_});
    cleanup_stale(prefix_);  // in case an assertion stopped the test before `down`
    std::filesystem::remove_all(dir_);
  }
  RunResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), TESTBED_CLI);
    return run_command(args, {.timeout = 60s});
  }
  std::string dir_, prefix_;
};

TEST_F(Cli, UpExecDown) {
  RunResult up = cli({"up", "2", "--dir", dir_, "--prefix", prefix_, "--ipv6"});
  ASSERT_TRUE(up.ok()) << up.output;
  EXPECT_NE(up.output.find("bed " + prefix_ + " up"), std::string::npos) << up.output;
  EXPECT_EQ(namespaces_of(prefix_).size(), 3u);
  EXPECT_EQ(cli({"info", dir_, "2", "ipv4"}).output, "198.51.100.2\n");
  EXPECT_EQ(cli({"info", dir_, "2", "ipv6"}).output, "2001:db8:100::2\n");
  EXPECT_EQ(cli({"info", dir_, "1", "dir"}).output, dir_ + "/h1\n");

  RunResult ping = cli({"exec", dir_, "1", "ping", "-n", "-c1", "-W2", "198.51.100.2"});
  EXPECT_TRUE(ping.ok()) << ping.output;
  RunResult ping6 = cli({"exec", dir_, "h2", "--", "ping", "-n", "-c1", "-W2", "2001:db8:100::1"});
  EXPECT_TRUE(ping6.ok()) << ping6.output;
  EXPECT_EQ(cli({"exec", dir_, "1", "--private-run", "ls", "/run"}).output, "wireguard\n");
  EXPECT_EQ(cli({"exec", dir_, "sw", "ip", "-br", "link", "show", "br0"}).status, 0);
  EXPECT_EQ(cli({"exec", dir_, "7", "true"}).status, 1);  // no such host

  RunResult down = cli({"down", dir_});
  EXPECT_TRUE(down.ok()) << down.output;
  EXPECT_TRUE(namespaces_of(prefix_).empty());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/h1"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/bed.state"));
}

TEST_F(Cli, ExecReplacesItselfAndJoinReachesThePrivateRun) {
  ASSERT_TRUE(cli({"up", "1", "--dir", dir_, "--prefix", prefix_}).ok());
  // As `wgmesh-testbed exec DIR 1 --private-run daemon &` in a script: $! is the daemon.
  Process daemon = start_process({TESTBED_CLI, "exec", dir_, "1", "--private-run", "sh", "-c",
                                  "touch /run/wireguard/wg0.sock; exec sleep 1000"},
                                 {});
  ASSERT_TRUE(wait_until(
      [&] { return std::filesystem::exists(daemon.path_in_root("/run/wireguard/wg0.sock")); },
      10s));
  // The PID we hold becomes sleep's (the CLI and sh both exec'd); sh execs it just after
  // the touch, so wait for that.
  const std::string comm = "/proc/" + std::to_string(daemon.pid()) + "/comm";
  EXPECT_TRUE(wait_until([&] { return read_file(comm) == "sleep\n"; }, 10s)) << read_file(comm);
  RunResult joined =
      cli({"exec", dir_, "1", "--join", std::to_string(daemon.pid()), "ls", "/run/wireguard"});
  EXPECT_EQ(joined.output, "wg0.sock\n");
  // `down` stops what still runs in the bed.
  ASSERT_TRUE(cli({"down", dir_}).ok());
  EXPECT_TRUE(daemon.wait_exit(5s));
}

TEST_F(Cli, NatBedAndNatMode) {
  RunResult up = cli({"up", "2", "--dir", dir_, "--prefix", prefix_, "--nat", "1=eim"});
  ASSERT_TRUE(up.ok()) << up.output;
  EXPECT_EQ(cli({"info", dir_, "1", "public"}).output, "203.0.113.129\n");
  EXPECT_TRUE(cli({"exec", dir_, "1", "ping", "-n", "-c1", "-W2", "203.0.113.2"}).ok());
  ASSERT_TRUE(cli({"nat-mode", dir_, "1", "sym"}).ok());
  EXPECT_NE(cli({"exec", dir_, "r1", "nft", "list", "ruleset"}).output.find("masquerade random"),
            std::string::npos);
  EXPECT_NE(cli({"info", dir_}).output.find("type=sym"), std::string::npos);
  EXPECT_EQ(cli({"nat-mode", dir_, "2", "sym"}).status, 2);  // host 2 is public
}

TEST_F(Cli, UsageErrors) {
  EXPECT_EQ(cli({}).status, 2);
  EXPECT_EQ(cli({"up"}).status, 2);
  EXPECT_EQ(cli({"up", "2"}).status, 2);  // --dir is required
  EXPECT_EQ(cli({"frobnicate"}).status, 2);
  EXPECT_EQ(cli({"down", dir_}).status, 1);  // nothing up there
}

}  // namespace
