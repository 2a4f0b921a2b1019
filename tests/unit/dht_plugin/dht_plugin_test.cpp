// The real wgmesh-dht.so against the fake host (manual clock, in-memory network) and
// scripted DHT nodes: sockets and timer, announce/query behaviour on the wire, the exchange
// hand-off and its caps, self filtering, the nodes file, bad input, RPC and metrics.
// Everything stays inside the in-memory network (10.0.0.0/8: BEP 42 exempt).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "fake_host.h"
#include "fake_network.h"
#include "loaded_plugin.h"
#include "plugin_harness.h"
#include "scripted_node.h"

namespace wgmesh::dht::plugin::test {
namespace {

namespace fs = std::filesystem;
using wgmesh::test::FakeHost;
using wgmesh::test::FakeNetwork;
using wgmesh::test::LoadedPlugin;

constexpr uint16_t kGossipPort = 52527;  // the fake host's default (spec test secret)
constexpr const char* kRouter = "10.0.0.9:6881";

FakeHost::Options host_options(FakeNetwork& net, const std::string& ip) {
  FakeHost::Options o;
  o.network = &net;
  o.ip = ip;
  return o;
}

std::string infohash_hex(FakeHost& host, wgm_ctx* ctx, int64_t unix_s) {
  uint8_t out[20];
  host.api()->hourly_infohash(ctx, unix_s, out);
  static const char* d = "0123456789abcdef";
  std::string hex;
  for (uint8_t b : out) {
    hex += d[b >> 4];
    hex += d[b & 15];
  }
  return hex;
}

class DhtPlugin : public ::testing::Test {
 protected:
  FakeNetwork net;
  FakeHost host{host_options(net, "10.0.0.1")};
  ScriptedNode router{net, "10.0.0.9", 6881};
  std::vector<ScriptedNode*> scripted{&router};
  std::vector<FakeHost*> hosts{&host};

  void SetUp() override { host.local().endpoint = "10.0.0.1:51820"; }

  // Runs every host and scripted node in 10 ms steps (each host has its own manual clock;
  // stepping them together keeps them in sync).
  void run(uint64_t ms) {
    for (uint64_t t = 0; t < ms; t += 10) {
      for (auto* h : hosts) h->advance(10);
      for (auto* s : scripted) s->poll();
    }
  }

  std::unique_ptr<DhtUnderTest> started(const std::string& config) {
    auto p = std::make_unique<DhtUnderTest>(host, config);
    EXPECT_EQ(p->create(), WGM_OK);
    EXPECT_EQ(p->start(), WGM_OK);
    return p;
  }

  static size_t exchanges_to(const DhtUnderTest& p, const std::string& to) {
    return static_cast<size_t>(std::count_if(p.exchanges.begin(), p.exchanges.end(),
                                             [&](const ExchangeCall& e) { return e.to == to; }));
  }

  // Completes every exchange the fake host holds with `status`.
  void finish_exchanges(int status, const std::string& pubkey = "") {
    while (host.pending_exchanges() > 0)
      host.finish_exchange(
          status, status == WGM_OK ? R"({"wg_pubkey":")" + pubkey + R"("})" : std::string());
  }
};

// ---- loading and configuration --------------------------------------------------------------

TEST_F(DhtPlugin, DescriptorAndConfigKeys) {
  std::string error;
  auto lp = LoadedPlugin::open(DHT_PLUGIN_PATH, error);
  ASSERT_TRUE(lp) << error;
  EXPECT_STREQ(lp->desc().name, "dht");
  std::vector<std::string> keys;
  for (const char* const* k = lp->desc().config_keys; *k; ++k) keys.emplace_back(*k);
  EXPECT_EQ(keys, (std::vector<std::string>{"bootstrap", "port", "bind", "query_interval_ms",
                                            "announce_interval_ms", "max_exchanges_per_minute"}));
  // The loader refuses an undeclared key before create, as the daemon does.
  EXPECT_NE(lp->create(host, R"({"bootstrap": [], "colour": 1})"), WGM_OK);
}

TEST_F(DhtPlugin, InvalidValueFailsCreateWithOneLine) {
  DhtUnderTest p(host, R"({"bootstrap": ["nohost"]})");
  EXPECT_EQ(p.create(), WGM_ERR_INVALID);
  EXPECT_TRUE(host.logged("invalid configuration: plugins.dht.bootstrap", WGM_LOG_ERROR));
  DhtUnderTest q(host, R"({"bootstrap": [], "query_interval_ms": 5})");
  EXPECT_EQ(q.create(), WGM_ERR_INVALID);
}

TEST_F(DhtPlugin, NoMeshKeysNoPlugin) {
  host.remove_key_value("gossip_port");
  DhtUnderTest p(host, dht_config({}));
  EXPECT_EQ(p.create(), WGM_ERR_STATE);
}

// ---- sockets and timer ------------------------------------------------------------------------

TEST_F(DhtPlugin, SocketOnGossipPortPlusOneOneTimerAndStopReleasesEverything) {
  auto p = started(dht_config({}));
  bool v4 = false;
  for (const auto& o : host.udp_opens())
    if (o.family == AF_INET && o.status == WGM_OK) {
      EXPECT_EQ(o.port, kGossipPort + 1);
      v4 = true;
    }
  EXPECT_TRUE(v4);
  // The in-memory network has no IPv6: the plugin runs IPv4 only.
  EXPECT_EQ(host.open_sockets(p->ctx()), 1u);
  EXPECT_EQ(p->stat("port_v4"), kGossipPort + 1u);
  EXPECT_EQ(host.pending_timers(p->ctx()), 1u);
  run(1000);
  EXPECT_EQ(host.pending_timers(p->ctx()), 1u);  // always exactly one, re-armed
  ASSERT_TRUE(host.next_timer_due().has_value());
  EXPECT_GT(*host.next_timer_due(), host.now_ms());  // not due in the past: no spinning
  p->stop();
  EXPECT_EQ(host.open_sockets(p->ctx()), 0u);
  EXPECT_EQ(host.timer_handles(p->ctx()), 0u);
}

TEST_F(DhtPlugin, BusyPortFallsBackToAnyPort) {
  wgm_ctx* other = host.add_context("blocker");
  wgm_udp_options o{};
  o.struct_size = sizeof o;
  o.family = AF_INET;
  o.port = kGossipPort + 1;
  wgm_udp* sock = nullptr;
  ASSERT_EQ(host.api()->udp_open(other, &o, nullptr, nullptr, &sock), WGM_OK);
  auto p = started(dht_config({}));
  const uint64_t port = p->stat("port_v4");
  EXPECT_NE(port, kGossipPort + 1u);
  EXPECT_GE(port, 32768u);
  EXPECT_TRUE(host.logged("is busy"));
}

TEST_F(DhtPlugin, ConfiguredPortAndBind) {
  auto p = started(dht_config({}, R"("port": 40000, "bind": "10.0.0.1")"));
  EXPECT_EQ(p->stat("port_v4"), 40000u);
  bool bound = false;
  for (const auto& u : host.udp_opens())
    bound = bound || (u.bind_addr == "10.0.0.1" && u.port == 40000);
  EXPECT_TRUE(bound);
}

TEST_F(DhtPlugin, NoBootstrapKeepsRunningQuietly) {
  auto p = started(dht_config({}));
  run(10 * 60 * 1000);
  size_t sent = 0;
  for (const auto& d : net.log()) sent += d.from.ip == "10.0.0.1";
  EXPECT_EQ(sent, 0u);               // nobody to talk to, nothing sent
  EXPECT_LT(p->timer_starts, 200u);  // and no busy timer either
  EXPECT_FALSE(host.logged("", WGM_LOG_ERROR));
  auto s = p->stats();
  EXPECT_TRUE(s["started"].GetBool());
  EXPECT_FALSE(s["bootstrapped"].GetBool());
}

TEST_F(DhtPlugin, UnreachableBootstrapBacksOff) {
  auto p = started(dht_config({"10.0.0.99:6881"}));
  run(10 * 60 * 1000);
  size_t to_router = 0;
  for (const auto& d : net.log()) to_router += d.to.ip == "10.0.0.99";
  // The core's bootstrap retry (5, 10, 20, 40, 60, 60... s) and nothing else once the
  // first rounds are over: a few dozen datagrams in 10 minutes.
  EXPECT_GT(to_router, 5u);
  EXPECT_LT(to_router, 60u);
  EXPECT_LT(p->timer_starts, 400u);
}

// ---- wire behaviour --------------------------------------------------------------------------

TEST_F(DhtPlugin, AnnouncesBothHoursWithGossipPortAndNoImpliedPort) {
  auto p = started(dht_config({kRouter}));
  run(3000);
  EXPECT_TRUE(p->stats()["bootstrapped"].GetBool());
  const int64_t now_s = host.wall_ms() / 1000;
  const std::string cur = infohash_hex(host, p->ctx(), now_s);
  const std::string prev = infohash_hex(host, p->ctx(), now_s - 3600);
  std::set<std::string> announced;
  for (const auto& s : router.seen) {
    if (s.method != Method::AnnouncePeer) continue;
    EXPECT_EQ(s.port, kGossipPort);  // the control port, never the DHT port
    EXPECT_FALSE(s.implied_port);
    announced.insert(s.info_hash.hex());
  }
  EXPECT_EQ(announced, (std::set<std::string>{cur, prev}));
  EXPECT_GE(p->stat("announce_acks"), 2u);
}

TEST_F(DhtPlugin, ReannouncesOnHourChangeAndEveryInterval) {
  auto p = started(dht_config({kRouter}, R"("announce_interval_ms": 60000)"));
  run(3000);
  // The round at start ran on the router alone (not bootstrapped yet), so it is repeated
  // once the table is up: 2 rounds of 2 infohashes.
  const size_t first = router.count(Method::AnnouncePeer);
  EXPECT_EQ(first, 4u);
  run(70000);  // one interval (+-10%)
  EXPECT_EQ(router.count(Method::AnnouncePeer), first + 2);
  // Jump the wall clock to just before the next hour: the change triggers a round at once.
  const int64_t to_hour = 3600 * 1000 - host.wall_ms() % (3600 * 1000);
  // (The plugin wakes at least every 30 s, so a wall-clock jump is noticed that fast.)
  host.set_wall_offset_ms(to_hour - 500);
  run(35000);
  EXPECT_EQ(router.count(Method::AnnouncePeer), first + 4);
}

TEST_F(DhtPlugin, QueryCadenceFastThenSlowWithThreePeers) {
  auto p = started(dht_config({kRouter}, R"("query_interval_ms": 10000)"));
  run(3000);
  const uint64_t at_start = p->stat("query_rounds");
  EXPECT_GE(at_start, 2u);  // at start, then again after bootstrap / our announce
  run(100000);
  const uint64_t fast = p->stat("query_rounds") - at_start;
  EXPECT_GE(fast, 9u);
  EXPECT_LE(fast, 12u);
  wgm_ctx* other = host.add_context("peers");
  for (const char* k : {"K1", "K2", "K3"}) {
    const std::string j = std::string(R"({"wg_pubkey":")") + k + R"(","mesh_ip":"10.42.0.9"})";
    host.api()->peer_report(other, "dht", j.c_str(), j.size());
  }
  const uint64_t before = p->stat("query_rounds");
  run(200000);
  const uint64_t slow = p->stat("query_rounds") - before;
  EXPECT_GE(slow, 9u);  // every 20 s now
  EXPECT_LE(slow, 12u);
  EXPECT_EQ(p->stat("query_interval_ms"), 20000u);
}

// ---- exchanges -------------------------------------------------------------------------------

TEST_F(DhtPlugin, FoundAddressesGoToTheHostsExchange) {
  router.values = {*Endpoint::parse("10.0.0.20:52527")};
  auto p = started(dht_config({kRouter}));
  run(2000);
  ASSERT_GE(p->exchanges.size(), 1u);
  const ExchangeCall& e = p->exchanges.front();
  EXPECT_EQ(e.to, "10.0.0.20:52527");
  EXPECT_EQ(e.label, "dht");
  EXPECT_EQ(e.flags, static_cast<uint32_t>(WGM_EXCHANGE_PUNCH));
  EXPECT_EQ(e.timeout_ms, 4000u);
  finish_exchanges(WGM_OK, "PEERKEY");
  run(100);
  EXPECT_EQ(p->stat("exchanges_ok"), 1u);
  EXPECT_EQ(p->stat("peers_found"), 1u);
  EXPECT_TRUE(host.logged("found through the DHT at 10.0.0.20:52527"));
}

TEST_F(DhtPlugin, NoPunchingSettingDropsThePunchFlag) {
  host.set_node_settings(R"({"interface":"wg0","no_punching":true})");
  router.values = {*Endpoint::parse("10.0.0.20:52527")};
  auto p = started(dht_config({kRouter}));
  run(2000);
  ASSERT_GE(p->exchanges.size(), 1u);
  EXPECT_EQ(p->exchanges.front().flags, 0u);
}

TEST_F(DhtPlugin, OwnAddressesAreNeverContacted) {
  // Ours by endpoint (10.0.0.1) and by the configured bind address; another node's is fine.
  router.values = {*Endpoint::parse("10.0.0.1:52527"), *Endpoint::parse("10.0.0.21:52527")};
  auto p = started(dht_config({kRouter}));
  run(3000);
  EXPECT_EQ(exchanges_to(*p, "10.0.0.1:52527"), 0u);
  EXPECT_EQ(exchanges_to(*p, "10.0.0.21:52527"), 1u);
  EXPECT_GE(p->stat("self_skipped"), 1u);
}

TEST_F(DhtPlugin, AddressReportedByTwoDhtNodesIsOurs) {
  // BEP 42 "ip": two nodes agree that we are 203.0.113.50 (our NAT's public address).
  ScriptedNode router2{net, "10.0.0.10", 6881};
  scripted.push_back(&router2);
  const Endpoint pub = *Endpoint::parse("203.0.113.50:40000");
  router.claim_ip = router2.claim_ip = pub;
  router.values = router2.values = {*Endpoint::parse("203.0.113.50:52527"),
                                    *Endpoint::parse("10.0.0.22:52527")};
  auto p = started(dht_config({kRouter, "10.0.0.10:6881"}, R"("query_interval_ms": 1000)"));
  run(5000);
  auto s = p->stats();
  ASSERT_EQ(s["external_addresses"].Size(), 1u);
  EXPECT_STREQ(s["external_addresses"][0].GetString(), "203.0.113.50");
  EXPECT_EQ(exchanges_to(*p, "203.0.113.50:52527"), 0u);
  EXPECT_EQ(exchanges_to(*p, "10.0.0.22:52527"), 1u);
}

TEST_F(DhtPlugin, OneLyingNodeCannotHideAPeer) {
  router.claim_ip = *Endpoint::parse("10.0.0.23:1");  // claims a real peer's address is ours
  router.values = {*Endpoint::parse("10.0.0.23:52527")};
  auto p = started(dht_config({kRouter}));
  run(3000);
  EXPECT_EQ(exchanges_to(*p, "10.0.0.23:52527"), 1u);
}

TEST_F(DhtPlugin, AmplificationIsCapped) {
  // A node (no secret needed) returns 200 arbitrary addresses with the gossip port, plus
  // other ports and junk, to every get_peers.
  // (200 values keep the reply under the core's 2048-byte datagram limit.)
  router.values.push_back(*Endpoint::parse("10.2.0.1:6881"));
  router.values.push_back(*Endpoint::parse("239.1.1.1:52527"));
  for (int i = 0; i < 200; ++i)
    router.values.push_back(Endpoint::v4({10, 1, 0, static_cast<uint8_t>(i + 1)}, kGossipPort));
  auto p = started(dht_config({kRouter}, R"("max_exchanges_per_minute": 20)"));
  run(1000);
  EXPECT_LE(host.pending_exchanges(), 8u);  // in flight
  EXPECT_EQ(p->exchanges.size(), host.pending_exchanges());
  // Exchanges complete (as if each address answered); measure for 3 minutes.
  const uint64_t t0 = host.now_ms();
  for (int i = 0; i < 180; ++i) {
    finish_exchanges(WGM_OK, "K" + std::to_string(i));
    run(1000);
    EXPECT_LE(host.pending_exchanges(), 8u);
  }
  std::map<std::string, std::vector<uint64_t>> per_addr;
  size_t first_minute = 0;
  for (const auto& e : p->exchanges) {
    per_addr[e.to].push_back(e.at_ms);
    first_minute += e.at_ms < t0 + 60000;
  }
  EXPECT_LE(first_minute, 8u + 20u + 1u);  // burst + rate
  EXPECT_LE(p->exchanges.size(), 8u + 3 * 20u + 1u);
  for (const auto& [addr, times] : per_addr) {
    EXPECT_EQ(addr.rfind("10.1.", 0), 0u) << addr;  // never the junk
    for (size_t k = 1; k < times.size(); ++k)
      EXPECT_GE(times[k] - times[k - 1], 60000u) << addr;  // at most once per 60 s
  }
  EXPECT_GT(p->stat("values_over_cap"), 0u);  // at most 50 values taken per lookup
  EXPECT_EQ(p->stat("exchange_errors"), 0u);
  auto s = p->stats();
  EXPECT_GT(s["exchanges_deduplicated"].GetUint64(), 0u);
}

TEST_F(DhtPlugin, WrongPortAndJunkValuesAreCountedNotContacted) {
  router.values = {*Endpoint::parse("10.2.0.1:6881"), *Endpoint::parse("239.1.1.1:52527"),
                   *Endpoint::parse("0.0.0.0:52527")};
  auto p = started(dht_config({kRouter}));
  run(2000);
  EXPECT_TRUE(p->exchanges.empty());
  EXPECT_GE(p->stat("values_wrong_port"), 1u);
  EXPECT_GE(p->stat("values_invalid"), 1u);
}

TEST_F(DhtPlugin, FailedExchangeIsRetriedAfterAJitteredDelay) {
  router.values = {*Endpoint::parse("10.0.0.30:52527")};
  auto p = started(dht_config({kRouter}));
  run(1000);
  ASSERT_EQ(p->exchanges.size(), 1u);
  const uint64_t failed_at = host.now_ms();
  finish_exchanges(WGM_ERR_IO);
  run(20000);
  ASSERT_GE(p->exchanges.size(), 2u);
  EXPECT_EQ(p->exchanges[1].to, "10.0.0.30:52527");
  const uint64_t gap = p->exchanges[1].at_ms - failed_at;
  EXPECT_GE(gap, 7500u);
  EXPECT_LE(gap, 12600u);
  EXPECT_EQ(p->stat("exchanges_failed"), 1u);
}

TEST_F(DhtPlugin, LateExchangeResultAfterStopIsHarmless) {
  router.values = {*Endpoint::parse("10.0.0.31:52527")};
  auto p = started(dht_config({kRouter}));
  run(1000);
  ASSERT_EQ(host.pending_exchanges(), 1u);
  p->stop();
  finish_exchanges(WGM_OK, "LATE");  // the host finishes it after the plugin stopped
  p->destroy();
  finish_exchanges(WGM_OK, "LATER");
  SUCCEED();
}

// ---- nodes file ------------------------------------------------------------------------------

TEST_F(DhtPlugin, NodesFileUsesTheOriginalNameAndRestoresWithoutBootstrap) {
  host.set_node_settings(R"({"interface":"wgt"})");
  const fs::path path =
      fs::path(host.api()->state_dir(host.add_context("probe"))) / "wgt-a11c420b66cd7877-dht.nodes";
  {
    auto p = started(dht_config({kRouter}));
    run(3000);
    EXPECT_TRUE(p->stats()["bootstrapped"].GetBool());
    EXPECT_FALSE(fs::exists(path));  // not before the first save
    p->stop();                       // saves
    EXPECT_EQ(p->stats()["nodes_file"].GetString(), path.string());
  }
  ASSERT_TRUE(fs::exists(path));
  EXPECT_EQ(fs::file_size(path) % 38, 0u);
  EXPECT_GE(fs::file_size(path), 38u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);  // not readable by others
  // A fresh start with no bootstrap list rejoins through the saved table.
  router.seen.clear();
  auto q = started(dht_config({}));
  run(3000);
  EXPECT_GE(q->stat("nodes_restored"), 1u);
  EXPECT_FALSE(router.seen.empty());
  EXPECT_TRUE(q->stats()["bootstrapped"].GetBool());
  EXPECT_GE(router.count(Method::AnnouncePeer), 2u);
}

TEST_F(DhtPlugin, NodesFileSavedPeriodicallyOffTheLoop) {
  auto p = started(dht_config({kRouter}));
  run(3000);
  const size_t jobs = p->work_jobs;
  run(5 * 60 * 1000);
  EXPECT_GT(p->work_jobs, jobs);  // the write went through the work queue
  EXPECT_GE(p->stat("nodes_saved"), 1u);
  const fs::path path = fs::path(p->stats()["nodes_file"].GetString());
  EXPECT_EQ(path.filename(), "wg0-a11c420b66cd7877-dht.nodes");
  EXPECT_TRUE(fs::exists(path));
}

TEST_F(DhtPlugin, CorruptNodesFileIsIgnored) {
  const std::string dir = host.api()->state_dir(host.add_context("probe"));
  std::ofstream(dir + "/wg0-a11c420b66cd7877-dht.nodes") << "not 38 bytes";
  auto p = started(dht_config({kRouter}));
  run(2000);
  EXPECT_TRUE(host.logged("ignoring the nodes file"));
  EXPECT_TRUE(p->stats()["bootstrapped"].GetBool());
}

// ---- bad input, metrics, RPC -----------------------------------------------------------------

TEST_F(DhtPlugin, MalformedAndOversizedInputIsDroppedAndCounted) {
  auto p = started(dht_config({kRouter}));
  run(2000);
  const uint16_t port = static_cast<uint16_t>(p->stat("port_v4"));
  router.send_raw("garbage", "10.0.0.1", port);
  router.send_raw("d1:ad2:id20:", "10.0.0.1", port);
  router.send_raw("d1:t2:aa1:y1:qe", "10.0.0.1", port);       // a query without method
  router.send_raw(std::string(9000, 'x'), "10.0.0.1", port);  // over the plugin's 8 KB
  router.send_raw("d1:ad2:idi5ee1:q4:ping1:t2:bb1:y1:qe", "10.0.0.1", port);  // wrong type
  run(2000);
  auto s = p->stats();
  EXPECT_GE(s["malformed_dropped"].GetUint64(), 4u);
  EXPECT_EQ(s["oversized_dropped"].GetUint64(), 1u);
  EXPECT_GE(host.counter("dht.malformed_dropped"), 4u);
  EXPECT_EQ(host.counter("dht.oversized_dropped"), 1u);
  EXPECT_TRUE(host.gauge("dht.routing_table_v4").has_value());
  EXPECT_TRUE(s["bootstrapped"].GetBool());  // still working
}

TEST_F(DhtPlugin, StatsCarryTheDocumentedFields) {
  auto p = started(dht_config({kRouter}));
  run(2000);
  auto s = p->stats();
  for (const char* k :
       {"routing_table_size", "routing_table_v4", "queries_in", "queries_out", "malformed_dropped",
        "rate_limited", "lookups_started", "exchanges_started", "peers_found", "announce_rounds",
        "query_rounds", "values_seen", "self_skipped", "nodes_saved"})
    EXPECT_TRUE(s.HasMember(k)) << k;
  EXPECT_EQ(s["node_id"].GetStringLength(), 40u);
  EXPECT_EQ(s["routers_configured"].GetUint64(), 1u);
  EXPECT_EQ(s["routers_resolved"].GetUint64(), 1u);
  EXPECT_GE(s["routing_table_size"].GetUint64(), 1u);
}

TEST_F(DhtPlugin, LookupRpc) {
  router.values = {*Endpoint::parse("10.0.0.40:52527"), *Endpoint::parse("10.0.0.41:6881")};
  auto p = started(dht_config({kRouter}));
  run(2000);
  std::optional<std::pair<bool, std::string>> bad, good;
  p->lookup("nothex", [&](bool e, const std::string& j) { bad = {e, j}; });
  ASSERT_TRUE(bad);
  EXPECT_TRUE(bad->first);
  p->lookup(std::string(40, 'a'), [&](bool e, const std::string& j) { good = {e, j}; });
  run(2000);
  ASSERT_TRUE(good);
  EXPECT_FALSE(good->first) << good->second;
  EXPECT_NE(good->second.find("\"10.0.0.40:52527\""), std::string::npos) << good->second;
  EXPECT_NE(good->second.find("\"elapsed_ms\""), std::string::npos);
}

TEST_F(DhtPlugin, BootstrapNamesAreResolvedOnTheWorkQueue) {
  // "localhost" resolves from /etc/hosts; nothing leaves the in-memory network.
  auto p = started(dht_config({"localhost:6881"}));
  run(100);
  EXPECT_GE(p->work_jobs, 1u);
  auto s = p->stats();
  EXPECT_GE(s["routers_resolved"].GetUint64(), 1u);
}

// ---- two plugins -----------------------------------------------------------------------------

TEST_F(DhtPlugin, TwoNodesFindEachOtherThroughTheDht) {
  FakeHost host2{host_options(net, "10.0.0.2")};
  host2.local().endpoint = "10.0.0.2:51820";
  hosts.push_back(&host2);
  DhtUnderTest b(host2, dht_config({}, R"("query_interval_ms": 2000)"));
  ASSERT_EQ(b.create(), WGM_OK);
  ASSERT_EQ(b.start(), WGM_OK);
  auto a = started(dht_config({"10.0.0.2:52528"}, R"("query_interval_ms": 2000)"));
  run(15000);
  EXPECT_EQ(exchanges_to(*a, "10.0.0.2:52527"), 1u);
  EXPECT_EQ(exchanges_to(b, "10.0.0.1:52527"), 1u);
  EXPECT_EQ(exchanges_to(*a, "10.0.0.1:52527"), 0u);  // never itself
  EXPECT_EQ(exchanges_to(b, "10.0.0.2:52527"), 0u);
}

}  // namespace
}  // namespace wgmesh::dht::plugin::test
