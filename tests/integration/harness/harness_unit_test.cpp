// Harness logic that needs no root: addressing plan, state file, /proc parsing, NAT rulesets,
// stale-bed naming, and running plain (non-namespaced) commands and programs.
#include <gtest/gtest.h>
#include <signal.h>
#include <time.h>

#include <chrono>

#include "harness/bed_teardown.h"
#include "harness/proc_stats.h"
#include "harness/testbed.h"

namespace {

using namespace wgmesh::testbed;
using namespace std::chrono_literals;

TEST(Layout, FlatBedNumbersHostsOnTheSubnet) {
  BedLayout l = plan_layout({.n_hosts = 3, .ipv6 = true}, "wgm42", "/tmp/bed");
  ASSERT_EQ(l.hosts.size(), 3u);
  EXPECT_EQ(l.switch_netns, "wgm42-sw");
  EXPECT_EQ(l.host(1).netns, "wgm42-h1");
  EXPECT_EQ(l.host(3).ipv4, "198.51.100.3");
  EXPECT_EQ(l.host(3).public_ipv4, "198.51.100.3");
  EXPECT_EQ(l.host(3).ipv6, "2001:db8:100::3");
  EXPECT_EQ(l.host(2).dir, "/tmp/bed/h2");
  EXPECT_FALSE(l.host(2).behind_nat());
  EXPECT_TRUE(l.routers.empty());
  EXPECT_EQ(l.namespaces(),
            (std::vector<std::string>{"wgm42-h1", "wgm42-h2", "wgm42-h3", "wgm42-sw"}));
  EXPECT_THROW(l.host(0), std::out_of_range);
  EXPECT_THROW(l.host(4), std::out_of_range);
}

TEST(Layout, NatBedPutsRoutersOnTheInternet) {
  BedLayout l = plan_layout({.n_hosts = 2, .ipv6 = true, .nat = {{1, NatType::sym}}}, "p", "/d");
  EXPECT_EQ(l.switch_subnet, "203.0.113.0/24");
  const HostInfo& lan = l.host(1);
  EXPECT_EQ(lan.ipv4, "198.51.100.1");
  EXPECT_EQ(lan.gateway, "198.51.100.254");
  EXPECT_EQ(lan.public_ipv4, "203.0.113.129");
  EXPECT_TRUE(lan.ipv6.empty());  // NATed hosts are IPv4-only
  const HostInfo& pub = l.host(2);
  EXPECT_EQ(pub.ipv4, "203.0.113.2");
  EXPECT_EQ(pub.ipv6, "2001:db8:113::2");
  ASSERT_NE(l.router_for(1), nullptr);
  EXPECT_EQ(l.router_for(1)->netns, "p-r1");
  EXPECT_EQ(l.router_for(1)->type, NatType::sym);
  EXPECT_EQ(l.router_for(2), nullptr);
  EXPECT_EQ(l.namespaces(), (std::vector<std::string>{"p-h1", "p-h2", "p-r1", "p-sw"}));
}

TEST(Layout, RejectsBadOptions) {
  EXPECT_THROW(plan_layout({.n_hosts = 0}, "p", "/d"), std::invalid_argument);
  EXPECT_THROW(plan_layout({.n_hosts = 251}, "p", "/d"), std::invalid_argument);
  EXPECT_THROW(plan_layout({.subnet = "10.0.0.0/16"}, "p", "/d"), std::invalid_argument);
  EXPECT_THROW(plan_layout({.subnet = "300.0.0.0/24"}, "p", "/d"), std::invalid_argument);
  EXPECT_THROW(plan_layout({.n_hosts = 2, .nat = {{3, NatType::eim}}}, "p", "/d"),
               std::invalid_argument);
  EXPECT_THROW(plan_layout({.subnet = "203.0.113.0/24", .nat = {{1, NatType::eim}}}, "p", "/d"),
               std::invalid_argument);
  EXPECT_THROW(plan_layout({}, "bad-prefix", "/d"), std::invalid_argument);
  EXPECT_THROW(plan_layout({}, "p", "/dir with space"), std::invalid_argument);
  EXPECT_NO_THROW(plan_layout({.n_hosts = 250}, "p", "/d"));
}

TEST(Layout, StateFileRoundTrips) {
  BedLayout l = plan_layout({.n_hosts = 3, .ipv6 = true, .nat = {{2, NatType::fullcone}}},
                            "wgmcli7", "/tmp/x");
  l.owns_dir = false;
  BedLayout back = parse_layout(serialize_layout(l));
  EXPECT_EQ(serialize_layout(back), serialize_layout(l));
  EXPECT_FALSE(back.owns_dir);
  EXPECT_EQ(back.host(2).gateway, "198.51.100.254");
  EXPECT_EQ(back.host(1).ipv6, "2001:db8:113::1");
  EXPECT_EQ(back.router_for(2)->type, NatType::fullcone);
  EXPECT_THROW(parse_layout("something else\n"), std::runtime_error);
}

TEST(ProcStats, ParsesRssAndCpuTicks) {
  EXPECT_EQ(parse_vm_rss_kb("Name:\tx\nVmPeak:\t 900 kB\nVmRSS:\t    4812 kB\n"), 4812);
  EXPECT_FALSE(parse_vm_rss_kb("Name:\tzombie\nState:\tZ\n"));
  // A command name with spaces and parentheses must not shift the fields.
  std::string stat = "77 (a) b (c) S 1 77 77 0 -1 4194560 100 0 0 0 12 34 0 0 20 0 1 0 5 0";
  EXPECT_EQ(parse_cpu_ticks(stat), 46);
  EXPECT_FALSE(parse_cpu_ticks("77 (x) S 1"));
}

TEST(ProcStats, ParsesSchedstatAndReadsOwnCpuTime) {
  EXPECT_EQ(parse_schedstat_ns("123456789 4567 89\n"), 123456789);
  EXPECT_FALSE(parse_schedstat_ns(""));
  EXPECT_FALSE(parse_schedstat_ns("x 1 2"));
  // Our own process: burn 30 ms of this thread's CPU time (by its own clock, so preemption
  // does not matter) and see the counter move by at least 20 ms of it (schedstat is brought
  // up to date at the scheduler tick, so it may lag the thread clock by a few ms).
  auto before = read_cpu_ns(::getpid());
  ASSERT_TRUE(before);
  auto thread_ns = [] {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
  };
  const long long spin_from = thread_ns();
  volatile unsigned sink = 0;
  while (thread_ns() - spin_from < 30'000'000) sink = sink + 1;
  auto after = read_cpu_ns(::getpid());
  ASSERT_TRUE(after);
  EXPECT_GE(*after - *before, 20'000'000);
  EXPECT_FALSE(read_cpu_ns(-1));
}

TEST(NetProbe, ParsesProcNetDev) {
  const char* text =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets\n"
      "    lo:     100       1    0    0    0     0          0         0      100       1 0 0 "
      "0 0 0 0\n"
      "  eth0:    5000      50    0    0    0     0          0         0     7000      70 0 0 "
      "0 0 0 0\n";
  auto eth0 = parse_proc_net_dev(text, "eth0");
  ASSERT_TRUE(eth0);
  EXPECT_EQ(eth0->rx, 5000u);
  EXPECT_EQ(eth0->tx, 7000u);
  EXPECT_EQ(eth0->total(), 12000u);
  EXPECT_FALSE(parse_proc_net_dev(text, "wg0"));
}

TEST(NatRouter, RulesetsMatchTheVerifiedRecipes) {
  std::string eim = nat_ruleset(NatType::eim, "198.51.100.1");
  EXPECT_NE(eim.find("oifname \"eth0\" masquerade\n"), std::string::npos);
  EXPECT_NE(eim.find("policy drop"), std::string::npos);
  EXPECT_EQ(eim.find("dnat to"), std::string::npos);
  EXPECT_NE(nat_ruleset(NatType::sym, "x").find("masquerade random"), std::string::npos);
  std::string full = nat_ruleset(NatType::fullcone, "198.51.100.1", 4000);
  EXPECT_NE(full.find("udp dport 4000 dnat to 198.51.100.1:4000"), std::string::npos);
  EXPECT_EQ(parse_nat_type("sym"), NatType::sym);
  EXPECT_FALSE(parse_nat_type("cone"));
}

TEST(StaleCleanup, RecognisesDefaultBedNames) {
  EXPECT_EQ(owner_pid("wgm123"), 123);
  EXPECT_EQ(owner_pid("wgm123x2"), 123);
  EXPECT_FALSE(owner_pid("wgm"));
  EXPECT_FALSE(owner_pid("wgmcli123"));
  EXPECT_FALSE(owner_pid("wgm123x"));
  EXPECT_FALSE(owner_pid("wgm123y2"));
  EXPECT_FALSE(owner_pid("wgtb"));
  EXPECT_EQ(bed_prefix_of("wgm123-h14"), "wgm123");
  EXPECT_EQ(bed_prefix_of("wgm123x2-sw"), "wgm123x2");
}

TEST(Teardown, ScriptMatchesOnlyThisBed) {
  BedLayout l = plan_layout({.n_hosts = 2}, "wgm9", "/tmp/wgmesh-bed-wgm9-abc");
  std::string script = teardown_script(l, false);
  EXPECT_NE(script.find("wgm9-*)"), std::string::npos);
  EXPECT_NE(script.find("rm -rf '/tmp/wgmesh-bed-wgm9-abc'"), std::string::npos);
  EXPECT_EQ(teardown_script(l, true).find("rm -rf"), std::string::npos);
  l.dir = "/tmp/it's";
  EXPECT_THROW(teardown_script(l, false), std::invalid_argument);
}

TEST(Wait, WaitUntilPollsUntilTrueOrTimeout) {
  int calls = 0;
  EXPECT_TRUE(wait_until([&] { return ++calls == 3; }, 2s, 1ms));
  EXPECT_EQ(calls, 3);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(wait_until([] { return false; }, 100ms, 10ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
}

TEST(RunCommand, CapturesOutputStatusAndInput) {
  RunResult r = run_command({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.output.find("out"), std::string::npos);
  EXPECT_NE(r.output.find("err"), std::string::npos);
  EXPECT_EQ(run_command({"cat"}, {.input = "piped input"}).output, "piped input");
  EXPECT_EQ(run_command({"sh", "-c", "echo $WGM_X"}, {.env = {"WGM_X=42"}}).output, "42\n");
  EXPECT_EQ(run_command({"sh", "-c", "kill -TERM $$"}).status, 128 + SIGTERM);
  EXPECT_THROW(check_command({"false"}), CommandError);
}

TEST(RunCommand, MissingProgramIs127WithReason) {
  RunResult r = run_command({"wgmesh-no-such-program"});
  EXPECT_EQ(r.status, 127);
  EXPECT_NE(r.output.find("not found"), std::string::npos);
}

TEST(RunCommand, TimeoutKillsTheWholeCommand) {
  auto start = std::chrono::steady_clock::now();
  RunResult r = run_command({"sh", "-c", "sleep 30 | cat"}, {.timeout = 200ms});
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.status, 124);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(RunCommand, ReturnsWhenTheCommandExitsDespiteABackgroundChild) {
  // The background sleep keeps the output pipe open; we must not wait for its EOF.
  auto start = std::chrono::steady_clock::now();
  RunResult r = run_command({"sh", "-c", "sleep 60 & echo $!"}, {.timeout = 50s});
  EXPECT_EQ(r.status, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  ::kill(std::stoi(r.output), SIGKILL);
}

TEST(StartProcess, StopsReportsAndReadsItsLog) {
  std::string log = ::testing::TempDir() + "/harness_start_process.log";
  std::remove(log.c_str());
  Process p = start_process({"sh", "-c", "echo started-ok; exec sleep 100"}, {.log_file = log});
  EXPECT_TRUE(p.alive());
  EXPECT_TRUE(wait_until([&] { return p.log_contains("started-ok"); }, 5s));
  EXPECT_GT(p.rss_kb().value_or(0), 0);
  EXPECT_GE(p.cpu_ticks().value_or(-1), 0);
  EXPECT_FALSE(p.wait_exit(50ms));
  EXPECT_EQ(p.kill_and_wait(), 128 + SIGTERM);
  EXPECT_FALSE(p.alive());
  EXPECT_FALSE(p.signal(SIGTERM));  // never signals a reaped PID
  EXPECT_FALSE(p.rss_kb());
  std::remove(log.c_str());
}

TEST(StartProcess, EscalatesToSigkill) {
  std::string log = ::testing::TempDir() + "/harness_escalates.log";
  std::remove(log.c_str());
  Process p = start_process({"sh", "-c", "trap '' TERM; echo trapped; while :; do sleep 1; done"},
                            {.log_file = log});
  ASSERT_TRUE(wait_until([&] { return p.log_contains("trapped"); }, 10s));
  EXPECT_EQ(p.kill_and_wait(200ms), 128 + SIGKILL);
  std::remove(log.c_str());
}

TEST(StartProcess, ReportsWhyItCouldNotStart) {
  EXPECT_THROW(start_process({"wgmesh-no-such-program"}, {}), std::runtime_error);
  try {
    start_process({"true"}, {.ns = {.netns = "wgmesh-no-such-netns"}});
    ADD_FAILURE() << "expected a throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("wgmesh-no-such-netns"), std::string::npos);
  }
}

}  // namespace
