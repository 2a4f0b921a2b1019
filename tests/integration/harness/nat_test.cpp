// NAT beds: a host behind its own namespace NAT router reaches a public host; the public host
// cannot reach it unsolicited; switching the router's mode changes that.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "harness/testbed.h"
#include "test_support.h"

namespace {

using namespace wgmesh::testbed;
using namespace wgmesh::testbed::test;
using namespace std::chrono_literals;

// Starts a UDP listener in `host` (it runs until stopped) and waits until it is bound.
Process listen_udp(TestHost& host, const std::string& ports) {
  Process p = host.spawn({"python3", UDP_PROBE, "listen", ports, "60"}, {}, host.path("udp.log"));
  EXPECT_TRUE(wait_until([&] { return p.log_contains("ready"); }, 20s)) << p.read_log();
  return p;
}

void send_udp(TestHost& host, int local_port, const std::string& destinations) {
  RunResult r = host.run({"python3", UDP_PROBE, "send", std::to_string(local_port), destinations});
  ASSERT_TRUE(r.ok()) << r.output;
}

// "IP:PORT>PORT" for each "from IP:PORT to PORT" line the listener printed so far.
std::vector<std::string> sources(const Process& listener) {
  std::vector<std::string> out;
  std::string log = listener.read_log();
  std::regex line("from ([0-9.]+:[0-9]+) to ([0-9]+)");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), line); it != std::sregex_iterator();
       ++it) {
    out.push_back((*it)[1].str() + ">" + (*it)[2].str());
  }
  return out;
}

// Waits for `count` datagrams (the sender sends 3 per destination, 50 ms apart).
std::vector<std::string> received(const Process& listener, std::size_t count) {
  wait_until([&] { return sources(listener).size() >= count; }, 10s);
  return sources(listener);
}

// What arrived within a short while after the sender finished: for "nothing gets through".
std::vector<std::string> received_after_quiet_period(const Process& listener) {
  std::this_thread::sleep_for(500ms);
  return sources(listener);
}

class EimNatBed : public ::testing::Test {
 protected:
  void SetUp() override {
    WGMESH_REQUIRE_ROOT();
    bed_ = std::make_unique<TestBed>(TestBed::Options{.n_hosts = 2, .nat = {{1, NatType::eim}}});
  }
  TestHost& natted() { return bed_->host(1); }
  TestHost& pub() { return bed_->host(2); }
  std::unique_ptr<TestBed> bed_;
};

TEST_F(EimNatBed, Addressing) {
  EXPECT_TRUE(natted().behind_nat());
  EXPECT_EQ(natted().ipv4(), "198.51.100.1");
  EXPECT_EQ(natted().public_ipv4(), "203.0.113.129");
  EXPECT_EQ(bed_->router(1).netns, bed_->prefix() + "-r1");
  EXPECT_FALSE(pub().behind_nat());
  EXPECT_EQ(pub().ipv4(), "203.0.113.2");
  EXPECT_THROW(bed_->router(2), std::out_of_range);
}

TEST_F(EimNatBed, NattedHostReachesPublicHostThroughTheMapping) {
  EXPECT_TRUE(ping(natted(), pub().ipv4(), 5s));
  // The public host sees the router's address, with the port preserved (EIM masquerade).
  Process listener = listen_udp(pub(), "40000");
  send_udp(natted(), 51820, pub().ipv4() + ":40000");
  auto seen = received(listener, 1);
  ASSERT_FALSE(seen.empty()) << listener.read_log();
  EXPECT_EQ(seen[0], "203.0.113.129:51820>40000");
}

TEST_F(EimNatBed, PublicHostCannotReachNattedHostUnsolicited) {
  // Straight to the router's public address: dropped by its input policy.
  Process listener = listen_udp(natted(), "51820");
  send_udp(pub(), 51820, natted().public_ipv4() + ":51820");
  EXPECT_TRUE(received_after_quiet_period(listener).empty()) << listener.read_log();
  // Even with a route to the LAN, the router does not forward what nobody asked for.
  pub().check({"ip", "route", "add", "198.51.100.0/24", "via", natted().public_ipv4()});
  EXPECT_FALSE(ping(pub(), natted().ipv4(), 2s));
  // ...while the reverse direction works (and answers are let through).
  EXPECT_TRUE(ping(natted(), pub().ipv4(), 5s));
}

TEST_F(EimNatBed, FullconeModeForwardsUnsolicitedToTheHost) {
  bed_->nat_mode(1, NatType::fullcone);
  EXPECT_EQ(bed_->router(1).type, NatType::fullcone);
  Process listener = listen_udp(natted(), "51820");
  send_udp(pub(), 40001, natted().public_ipv4() + ":51820");
  auto seen = received(listener, 1);
  ASSERT_FALSE(seen.empty()) << listener.read_log();
  EXPECT_EQ(seen[0], pub().ipv4() + ":40001>51820");
  EXPECT_TRUE(bed_->conntrack_flush(1));
}

TEST_F(EimNatBed, SymmetricModeMapsEachDestinationToAnotherPort) {
  bed_->nat_mode(1, NatType::sym);
  Process listener = listen_udp(pub(), "40000,40001");
  send_udp(natted(), 51820, pub().ipv4() + ":40000," + pub().ipv4() + ":40001");
  std::set<std::string> mapped;
  for (const auto& s : received(listener, 6)) mapped.insert(s.substr(0, s.find('>')));
  EXPECT_EQ(mapped.size(), 2u) << listener.read_log();
  for (const auto& m : mapped) EXPECT_EQ(m.rfind("203.0.113.129:", 0), 0u) << m;
}

}  // namespace
