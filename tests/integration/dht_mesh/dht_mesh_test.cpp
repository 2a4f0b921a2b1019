// DHT-only discovery end to end: wgmeshd in network namespaces with LAN discovery off
// (plugins = ["dht", "rpc"]) and an npm bittorrent-dht swarm running inside a third host of
// the bed, bound to that host's address (BEP 42-secure IDs: TEST-NET is not exempt, and
// our nodes check BEP 42 as the Go nodes do). The daemons' only bootstrap node is that
// swarm. Needs root (namespaces, TUN) and node/npm; nothing leaves the bed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "mesh_bed.h"
#include "swarm_client.h"

using namespace std::chrono_literals;
using namespace wgmesh::testing;
using wgmesh::dht::testing::Swarm;
using wgmesh::dht::testing::SwarmOptions;
using wgmesh::testbed::ping;
using wgmesh::testbed::wait_until;
namespace fs = std::filesystem;

namespace {

class DhtMesh : public ::testing::Test {
 protected:
  std::string npm_dir;

  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, TUN)";
    if (!wgmesh::dht::testing::have_node_and_npm())
      GTEST_SKIP() << "node/npm not installed: the local DHT swarm cannot run";
    std::string err;
    npm_dir = wgmesh::dht::testing::prepare_swarm(err);
    ASSERT_FALSE(npm_dir.empty()) << err;
  }

  // The swarm in bed host `h`, bound to its address.
  void start_swarm(MeshBed& m, int h, Swarm& swarm) {
    SwarmOptions o;
    o.nodes = 8;
    o.hosts = {m.host(h).ipv4()};
    o.bep42 = true;
    o.netns = m.host(h).netns();
    std::string err;
    ASSERT_TRUE(swarm.start(npm_dir, o, err)) << err;
  }

  static NodeOptions dht_only(const std::vector<std::string>& bootstrap) {
    NodeOptions n;
    n.plugins = {"dht", "rpc"};  // no lan-multicast: the DHT is the only way to meet
    std::string list;
    for (const auto& b : bootstrap) list += (list.empty() ? "\"" : ", \"") + b + "\"";
    n.extra_plugins_toml = "[plugins.dht]\nbootstrap = [" + list + "]\nquery_interval_ms = 2000\n";
    return n;
  }

  static const rapidjson::Value* dht_stats(MeshBed& m, int i, rapidjson::Document& holder) {
    auto r = m.rpc(i, "dht.stats");
    if (!r || !(*r).HasMember("result") || !(*r)["result"].IsObject()) return nullptr;
    holder = std::move(*r);
    return &holder["result"];
  }

  static uint64_t dht_stat(MeshBed& m, int i, const char* key) {
    rapidjson::Document d;
    const rapidjson::Value* s = dht_stats(m, i, d);
    if (!s || !s->HasMember(key)) return 0;
    const auto& v = (*s)[key];
    return v.IsUint64() ? v.GetUint64() : v.IsBool() ? v.GetBool() : 0;
  }
};

TEST_F(DhtMesh, TwoHostsMeetOnlyThroughALocalSwarmAndPing) {
  MeshBed m(3, /*ipv6=*/false);
  Swarm swarm;
  start_swarm(m, 3, swarm);
  const NodeOptions n = dht_only({swarm.address(0)});
  m.start(1, n);
  m.start(2, n);
  ASSERT_TRUE(m.wait_full_mesh(60s, {1, 2})) << m.daemon(1).read_log() << "\n----\n"
                                             << m.daemon(2).read_log();
  EXPECT_TRUE(ping(m.host(1), m.mesh_ip(2), 30s));
  EXPECT_TRUE(ping(m.host(2), m.mesh_ip(1), 30s));
  for (auto [a, b] : {std::pair{1, 2}, std::pair{2, 1}}) {
    auto r = m.rpc(a, "peers.get", "{\"pubkey\":\"" + m.pubkey(b) + "\"}");
    ASSERT_TRUE(r.has_value());
    const auto& peer = (*r)["result"];
    EXPECT_STREQ(peer["discovered_via"][0].GetString(), "dht") << a << " -> " << b;
    EXPECT_EQ(std::string(peer["endpoint"].GetString()).rfind(m.host(b).ipv4() + ":", 0), 0u);
  }
  // At least one side found the other in the DHT (the other may have learned it from the
  // HELLO that exchange sent), and nobody ever exchanged with itself.
  EXPECT_GE(dht_stat(m, 1, "peers_found") + dht_stat(m, 2, "peers_found"), 1u);
  EXPECT_GE(dht_stat(m, 1, "self_skipped") + dht_stat(m, 2, "self_skipped"), 1u);
  EXPECT_EQ(dht_stat(m, 1, "malformed_dropped"), 0u);
}

TEST_F(DhtMesh, RestartWithTheSavedNodeTableRejoinsWithoutBootstrap) {
  MeshBed m(3, /*ipv6=*/false);
  Swarm swarm;
  start_swarm(m, 3, swarm);
  const NodeOptions n = dht_only({swarm.address(0)});
  m.start(1, n);
  m.start(2, n);
  ASSERT_TRUE(m.wait_full_mesh(60s, {1, 2})) << m.daemon(1).read_log();
  ASSERT_TRUE(wait_until([&] { return dht_stat(m, 1, "routing_table_size") >= 4; }, 20s));
  const std::string key2 = m.pubkey(2);
  m.stop(1);  // SIGTERM: the plugin saves its table on the way out
  const fs::path state = m.host(1).path("state");
  fs::path nodes;
  for (const auto& e : fs::directory_iterator(state))
    if (e.path().filename().string().ends_with("-dht.nodes")) nodes = e.path();
  ASSERT_FALSE(nodes.empty()) << "no nodes file in " << state;
  EXPECT_EQ(nodes.filename().string().rfind("wg0-", 0), 0u) << nodes;
  EXPECT_EQ(fs::file_size(nodes) % 38, 0u);
  EXPECT_GE(fs::file_size(nodes) / 38, 4u);
  // Without the host's peer cache, only the DHT can bring host 2 back.
  fs::remove(state / "wg0-peers.json");

  m.start(1, dht_only({}));
  ASSERT_TRUE(wait_until([&] { return dht_stat(m, 1, "bootstrapped") == 1; }, 30s))
      << m.daemon(1).read_log();
  EXPECT_EQ(dht_stat(m, 1, "routers_configured"), 0u);
  EXPECT_GE(dht_stat(m, 1, "nodes_restored"), 4u);
  ASSERT_TRUE(wait_until(
      [&] {
        auto keys = m.peer_keys(1);
        return std::find(keys.begin(), keys.end(), key2) != keys.end();
      },
      60s))
      << m.daemon(1).read_log();
  EXPECT_TRUE(ping(m.host(1), m.mesh_ip(2), 30s));
}

}  // namespace
