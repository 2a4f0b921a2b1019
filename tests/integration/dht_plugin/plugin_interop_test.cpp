// Interop THROUGH THE PLUGIN: the real wgmesh-dht.so in a fake host with kernel UDP sockets
// and the real clock, against the independent npm bittorrent-dht swarm, everything on
// loopback. Our plugin binds 127.0.0.1; the swarm binds 127.0.0.2, so the addresses the two
// sides announce are distinguishable (and ours is filtered as self):
//   (a) the plugin bootstraps from the swarm and serves it;
//   (b) an npm node that joins later finds our announce of the hourly infohash, with the
//       gossip port;
//   (c) our query finds a peer the npm swarm announced and hands it to the host's exchange;
// and prints dht.lookup latency vs the npm implementation's own lookup in the same swarm.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "fake_host.h"
#include "plugin_harness.h"
#include "swarm_client.h"

namespace wgmesh::dht::testing {
namespace {

using plugin::test::dht_config;
using plugin::test::DhtUnderTest;
using wgmesh::test::FakeHost;
using Clk = std::chrono::steady_clock;

constexpr uint16_t kGossipPort = 52527;  // the fake host's gossip port

std::string hex(const uint8_t* b, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += d[b[i] >> 4];
    out += d[b[i] & 15];
  }
  return out;
}

FakeHost::Options real_clock() {
  FakeHost::Options o;
  o.clock = FakeHost::Clock::Real;  // kernel sockets: network = nullptr
  return o;
}

class PluginInterop : public ::testing::Test {
 protected:
  FakeHost host{real_clock()};
  Swarm swarm;
  wgm_ctx* watch_ctx = nullptr;

  void SetUp() override {
    if (!have_node_and_npm()) GTEST_SKIP() << "node/npm not installed: npm interop skipped";
    std::string err;
    const std::string dir = prepare_swarm(err);
    ASSERT_FALSE(dir.empty()) << err;
    SwarmOptions o;
    o.nodes = 8;
    o.hosts = {"127.0.0.2"};
    ASSERT_TRUE(swarm.start(dir, o, err)) << err;
    // The swarm's replies arrive while the fake host's loop runs.
    watch_ctx = host.add_context("swarm");
    host.api()->fd_watch(
        watch_ctx, swarm.fd(), WGM_FD_READABLE,
        [](void* user, int, int) { static_cast<Swarm*>(user)->on_readable(); }, &swarm);
  }

  void TearDown() override {
    if (watch_ctx) host.release_context(watch_ctx);
    swarm.stop();
  }

  std::unique_ptr<DhtUnderTest> plugin() {
    auto p = std::make_unique<DhtUnderTest>(
        host, dht_config({swarm.address(0)}, R"("bind": "127.0.0.1", "query_interval_ms": 1000)"));
    EXPECT_EQ(p->create(), WGM_OK);
    EXPECT_EQ(p->start(), WGM_OK);
    return p;
  }

  std::string infohash_now(DhtUnderTest& p) {
    uint8_t ih[20];
    host.api()->hourly_infohash(p.ctx(), host.wall_ms() / 1000, ih);
    return hex(ih, 20);
  }

  std::optional<std::string> wait_line(std::initializer_list<std::string> prefixes, int ms) {
    std::optional<std::string> line;
    host.run_until([&] { return (line = swarm.take(prefixes)).has_value(); }, ms);
    return line;
  }
};

TEST_F(PluginInterop, BootstrapsFromNpmSwarmAndAnswersIt) {
  auto p = plugin();
  const auto t0 = Clk::now();
  ASSERT_TRUE(host.run_until([&] { return p->stats()["bootstrapped"].GetBool(); }, 20000))
      << swarm.transcript();
  const double ms = std::chrono::duration<double, std::milli>(Clk::now() - t0).count();
  swarm.send("addnode " + std::to_string(p->stat("port_v4")) + " 127.0.0.1");
  ASSERT_TRUE(wait_line({"ADDED"}, 5000));
  host.run_until([&] { return p->stat("ping_in") >= 8; }, 5000);
  auto s = p->stats();
  std::printf(
      "[figure] plugin bootstrap from the npm swarm: %.1f ms; table %llu, queries in %llu\n", ms,
      static_cast<unsigned long long>(s["routing_table_size"].GetUint64()),
      static_cast<unsigned long long>(s["queries_in"].GetUint64()));
  EXPECT_GE(s["routing_table_size"].GetUint64(), 6u);
  EXPECT_GE(s["responses_out"].GetUint64(), 8u);  // we answered the swarm
  EXPECT_EQ(s["malformed_dropped"].GetUint64(), 0u);
  EXPECT_EQ(s["errors_sent"].GetUint64(), 0u);
}

TEST_F(PluginInterop, NpmNodeFindsOurHourlyAnnounceWithTheGossipPort) {
  auto p = plugin();
  ASSERT_TRUE(host.run_until([&] { return p->stat("announce_acks") >= 2; }, 20000))
      << swarm.transcript();
  swarm.send("lookup " + infohash_now(*p) + " " + std::to_string(kGossipPort));
  auto line = wait_line({"FOUND", "NOTFOUND"}, 30000);
  ASSERT_TRUE(line);
  std::printf("npm late node: %s\n", line->c_str());
  ASSERT_EQ(line->rfind("FOUND", 0), 0u) << *line;
  // Port = gossip port (not our DHT port: no implied_port), address = our bind address.
  EXPECT_NE(line->find(" 127.0.0.1:52527 via "), std::string::npos) << *line;
}

TEST_F(PluginInterop, OurQueryFindsWhatNpmAnnouncedAndExchangesWithIt) {
  auto p = plugin();
  ASSERT_TRUE(host.run_until([&] { return p->stats()["bootstrapped"].GetBool(); }, 20000));
  const std::string ih = infohash_now(*p);
  swarm.send("announce " + ih + " " + std::to_string(kGossipPort));
  auto ann = wait_line({"ANNOUNCED", "ANNOUNCE_FAILED"}, 30000);
  ASSERT_TRUE(ann && ann->rfind("ANNOUNCED", 0) == 0) << (ann ? *ann : swarm.transcript());
  // The npm node announced from 127.0.0.2: our next query round finds it.
  ASSERT_TRUE(host.run_until(
      [&] {
        return std::any_of(p->exchanges.begin(), p->exchanges.end(),
                           [](const auto& e) { return e.to == "127.0.0.2:52527"; });
      },
      20000))
      << "no exchange with the npm-announced peer";
  const auto& e = *std::find_if(p->exchanges.begin(), p->exchanges.end(),
                                [](const auto& x) { return x.to == "127.0.0.2:52527"; });
  EXPECT_EQ(e.label, "dht");
  // Our own announce (127.0.0.1:52527) comes back in the same values and is skipped.
  host.run_until([&] { return p->stat("self_skipped") >= 1; }, 5000);
  EXPECT_GE(p->stat("self_skipped"), 1u);
  EXPECT_EQ(std::count_if(p->exchanges.begin(), p->exchanges.end(),
                          [](const auto& x) { return x.to == "127.0.0.1:52527"; }),
            0);
}

TEST_F(PluginInterop, LookupLatencyOursVsNpm) {
  auto p = plugin();
  ASSERT_TRUE(host.run_until([&] { return p->stats()["bootstrapped"].GetBool(); }, 20000));
  std::vector<double> ours, npm;
  for (int round = 0; round < 5; ++round) {
    uint8_t raw[20];
    for (auto& b : raw) b = static_cast<uint8_t>(std::rand());
    const std::string ih = hex(raw, 20);
    const uint16_t port = static_cast<uint16_t>(41000 + round);
    swarm.send("announce " + ih + " " + std::to_string(port));
    auto ann = wait_line({"ANNOUNCED", "ANNOUNCE_FAILED"}, 30000);
    ASSERT_TRUE(ann && ann->rfind("ANNOUNCED", 0) == 0);
    std::optional<std::string> reply;
    p->lookup(ih, [&](bool is_error, const std::string& json) {
      reply = is_error ? "ERROR " + json : json;
    });
    ASSERT_TRUE(host.run_until([&] { return reply.has_value(); }, 30000));
    EXPECT_NE(reply->find("\"127.0.0.2:" + std::to_string(port) + "\""), std::string::npos)
        << *reply;
    ours.push_back(field(*reply, "\"elapsed_ms\":"));
    swarm.send("lookup " + ih + " " + std::to_string(port));
    auto line = wait_line({"FOUND", "NOTFOUND"}, 30000);
    ASSERT_TRUE(line && line->rfind("FOUND", 0) == 0);
    npm.push_back(field(*line, "done_ms="));
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::printf(
      "[figure] get_peers through the plugin (dht.lookup), 8-node npm swarm on loopback, median "
      "of 5: ours %.1f ms vs npm %.1f ms\n",
      median(ours), median(npm));
}

}  // namespace
}  // namespace wgmesh::dht::testing
