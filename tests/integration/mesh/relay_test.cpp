// Relay routing end to end (daemon.md §5.3, §7): two hosts, each behind its own symmetric NAT
// (no hole punching can work between them), and an introducer on the open "internet" bridge.
// The NATed hosts know only the introducer (a peer cache entry, as after an earlier run);
// they meet through its REPLY known_peers, cannot handshake directly, and must reach each
// other's mesh addresses through the introducer. Needs root (namespaces, TUN); all traffic
// stays inside the bed's namespaces.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mesh_bed.h"

using namespace std::chrono_literals;
using namespace wgmesh::testing;
using wgmesh::testbed::NatType;
using wgmesh::testbed::ping;
using wgmesh::testbed::wait_until;
namespace fs = std::filesystem;

namespace {

class Relay : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, TUN)";
  }
};

// The peer's "route" as daemon `i` reports it ("" if unknown).
std::string route_of(MeshBed& m, int i, const std::string& pubkey) {
  auto r = m.rpc(i, "peers.get", "{\"pubkey\":\"" + pubkey + "\"}");
  if (!r || !r->HasMember("result") || !(*r)["result"].IsObject()) return "";
  const auto& p = (*r)["result"];
  return p.HasMember("route") && p["route"].IsString() ? p["route"].GetString() : "";
}

bool knows(MeshBed& m, int i, const std::string& pubkey) {
  auto keys = m.peer_keys(i);
  return std::find(keys.begin(), keys.end(), pubkey) != keys.end();
}

}  // namespace

// Hosts 1 and 2 behind NATs of type `nat`, host 3 an introducer on the open bridge. Returns
// once the NATed hosts know each other (through the introducer only).
struct Trio {
  explicit Trio(NatType nat)
      : m(wgmesh::testbed::BedOptions{.n_hosts = 3, .nat = {{1, nat}, {2, nat}}}) {}

  void start() {
    // No LAN discovery: the hosts sit on different LANs, and the test is about the introducer.
    NodeOptions relay_node;
    relay_node.plugins = {"rpc"};
    relay_node.extra_node_toml = "introducer = true\n";
    m.start(intro, relay_node);
    intro_key = m.pubkey(intro);
    const std::string intro_ip = m.mesh_ip(intro);
    ASSERT_FALSE(intro_key.empty());

    // Each NATed host starts with the introducer in its peer cache: on start it offers it a
    // HELLO/REPLY exchange, and the REPLY's known_peers carry the other NATed host.
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const std::string cache = "{\"peers\":[{\"wg_pubkey\":\"" + intro_key + "\",\"hostname\":\"" +
                              m.host(intro).name() + "\",\"mesh_ip\":\"" + intro_ip +
                              "\",\"endpoint\":\"" + m.host(intro).ipv4() +
                              ":51820\",\"introducer\":true,\"last_seen\":" + std::to_string(now) +
                              "}],\"updated_at\":" + std::to_string(now) + "}";
    natted.plugins = {"rpc"};
    for (int i : {1, 2}) {
      fs::path state = m.host(i).path("state");
      fs::create_directories(state);
      fs::permissions(state, fs::perms::owner_all, fs::perm_options::replace);
      std::ofstream(state / "wg0-peers.json") << cache;
      m.start(i, natted);
    }
    key1 = m.pubkey(1);
    key2 = m.pubkey(2);
    ASSERT_TRUE(wait_until([&] { return knows(m, intro, key1) && knows(m, intro, key2); }, 20s))
        << "the introducer never heard from both NATed hosts\n"
        << m.daemon(intro).read_log();

    // Host 1 exchanged with the introducer before host 2 existed. Crash both (no GOODBYE, so
    // the introducer keeps them) and start them again together: now each REPLY lists the other.
    for (int i : {1, 2}) m.crash(i);
    for (int i : {1, 2}) m.launch(i, natted);
    for (int i : {1, 2}) ASSERT_TRUE(m.wait_ready(i, 20s)) << m.daemon(i).read_log();
    ASSERT_TRUE(wait_until([&] { return knows(m, 1, key2) && knows(m, 2, key1); }, 20s))
        << "the NATed hosts did not learn each other from the introducer\n"
        << m.daemon(1).read_log();
  }

  MeshBed m;
  const int intro = 3;
  NodeOptions natted;
  std::string intro_key, key1, key2;
};

TEST_F(Relay, HostsBehindSymmetricNatsPingEachOtherThroughTheIntroducer) {
  Trio t(NatType::sym);
  ASSERT_NO_FATAL_FAILURE(t.start());
  MeshBed& m = t.m;
  const int intro = t.intro;
  const std::string &intro_key = t.intro_key, &key1 = t.key1, &key2 = t.key2;

  const std::string expected = "relay:" + m.host(intro).name();
  EXPECT_TRUE(wait_until(
      [&] { return route_of(m, 1, key2) == expected && route_of(m, 2, key1) == expected; }, 30s))
      << "host 1 sees host 2 as '" << route_of(m, 1, key2) << "', host 2 sees host 1 as '"
      << route_of(m, 2, key1) << "'\n"
      << m.daemon(1).read_log();
  EXPECT_EQ(route_of(m, 1, intro_key), "direct");

  EXPECT_TRUE(ping(m.host(1), m.mesh_ip(2), 30s)) << "1 -> 2 (IPv4) through the introducer\n"
                                                  << m.daemon(1).read_log();
  EXPECT_TRUE(ping(m.host(2), m.mesh_ip(1), 30s)) << "2 -> 1 (IPv4) through the introducer\n"
                                                  << m.daemon(2).read_log();
  EXPECT_TRUE(ping(m.host(1), m.mesh_ipv6(2), 30s)) << "1 -> 2 (IPv6) through the introducer";

  // The data plane matches the decision: host 2's addresses ride on the introducer's entry,
  // and host 2's own entry is kept without allowed IPs (it keeps trying to handshake).
  auto allowed = m.host(1).run_in(m.daemon(1), {"wg", "show", "wg0", "allowed-ips"});
  ASSERT_TRUE(allowed.ok()) << allowed.output;
  std::istringstream lines(allowed.output);
  std::string line;
  bool intro_carries = false, direct_empty = false;
  while (std::getline(lines, line)) {
    if (line.rfind(intro_key, 0) == 0)
      intro_carries = line.find(m.mesh_ip(2) + "/32") != std::string::npos;
    if (line.rfind(key2, 0) == 0) direct_empty = line.find("(none)") != std::string::npos;
  }
  EXPECT_TRUE(intro_carries) << allowed.output;
  EXPECT_TRUE(direct_empty) << allowed.output;
  EXPECT_GE(m.counter(1, "relay.switches_to_relay"), 1u);
  // Both ends are still there: the relayed peers answered health probes through the relay.
  EXPECT_TRUE(knows(m, 1, key2));
  EXPECT_TRUE(knows(m, 2, key1));
}

// Port-preserving (cone) NATs: the pair starts relayed (each knows the other only
// transitively), but the kept direct entries punch through, both ends see the same handshake
// and, after the hysteresis, both move back to direct, together.
TEST_F(Relay, HostsBehindConeNatsGoBackToDirectOnceTheirHandshakeSucceeds) {
  Trio t(NatType::eim);
  ASSERT_NO_FATAL_FAILURE(t.start());
  MeshBed& m = t.m;
  EXPECT_TRUE(wait_until(
      [&] { return route_of(m, 1, t.key2) == "direct" && route_of(m, 2, t.key1) == "direct"; },
      60s))
      << "host 1 sees host 2 as '" << route_of(m, 1, t.key2) << "', host 2 sees host 1 as '"
      << route_of(m, 2, t.key1) << "'\n"
      << m.daemon(1).read_log();
  EXPECT_GE(m.counter(1, "relay.switches_to_relay"), 1u) << "the pair was relayed first";
  EXPECT_GE(m.counter(1, "relay.switches_to_direct"), 1u);
  EXPECT_TRUE(ping(m.host(1), m.mesh_ip(2), 30s)) << "1 -> 2 direct";
  EXPECT_TRUE(ping(m.host(2), m.mesh_ip(1), 30s)) << "2 -> 1 direct";
  auto allowed = m.host(1).run_in(m.daemon(1), {"wg", "show", "wg0", "allowed-ips"});
  EXPECT_NE(allowed.output.find(t.key2 + "\t" + m.mesh_ip(2) + "/32"), std::string::npos)
      << allowed.output;
}
