// The mesh end to end: wgmeshd in network namespaces with wireguard-go, LAN discovery and
// real traffic through the tunnels. Needs root (namespaces, TUN).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "keys/derived_keys.h"
#include "keys/envelope.h"
#include "keys/secret.h"
#include "mesh_bed.h"

using namespace std::chrono_literals;
using namespace wgmesh::testing;
using wgmesh::testbed::ping;
using wgmesh::testbed::wait_until;

namespace {

class Mesh : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, TUN)";
  }
};

std::string hex(const std::string& bytes) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

// Sends each datagram (hex) from inside `host` to ip:port, from one socket (same source).
void send_datagrams(wgmesh::testbed::TestHost& host, const std::string& ip, int port,
                    const std::vector<std::string>& datagrams, bool new_socket_each = false) {
  std::ostringstream py;
  py << "import socket\n";
  py << "def mk():\n s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n return s\n";
  py << "s=mk()\n";
  for (const auto& d : datagrams) {
    if (new_socket_each) py << "s=mk()\n";
    py << "s.sendto(bytes.fromhex('" << hex(d) << "'), ('" << ip << "', " << port << "))\n";
  }
  auto r = host.run({"python3", "-c", py.str()});
  ASSERT_TRUE(r.ok()) << r.output;
}

}  // namespace

TEST_F(Mesh, ThreeHostsFindEachOtherAndPingOverIpv4AndIpv6) {
  MeshBed m(3);
  for (int i = 1; i <= 3; ++i) m.start(i);
  ASSERT_TRUE(m.wait_full_mesh(30s)) << m.daemon(1).read_log();
  for (int i = 1; i <= 3; ++i) {
    for (int j = 1; j <= 3; ++j) {
      if (i == j) continue;
      EXPECT_TRUE(ping(m.host(i), m.mesh_ip(j), 30s)) << i << " -> " << j << " (IPv4)";
      EXPECT_TRUE(ping(m.host(i), m.mesh_ipv6(j), 30s)) << i << " -> " << j << " (IPv6)";
    }
  }
  // Discovery source is visible over RPC.
  auto r = m.rpc(1, "peers.get", "{\"pubkey\":\"" + m.pubkey(2) + "\"}");
  ASSERT_TRUE(r.has_value());
  const auto& peer = (*r)["result"];
  EXPECT_STREQ(peer["discovered_via"][0].GetString(), "lan");
  EXPECT_EQ(std::string(peer["endpoint"].GetString()).rfind(m.host(2).ipv4() + ":", 0), 0u);
  EXPECT_TRUE(peer["configured"].GetBool());
}

TEST_F(Mesh, HostWithAnotherSecretIsNeverConfigured) {
  MeshBed m(3);
  m.start(1);
  m.start(2);
  NodeOptions other;
  other.secret = "wgmesh://v1/a-completely-different-mesh-secret-42";
  m.start(3, other);
  ASSERT_TRUE(m.wait_full_mesh(30s, {1, 2}));
  // Host 3 announces on its own group and port; give it several announce rounds.
  std::this_thread::sleep_for(3s);
  std::string stranger = m.pubkey(3);
  for (int i : {1, 2}) {
    auto keys = m.peer_keys(i);
    EXPECT_EQ(std::count(keys.begin(), keys.end(), stranger), 0) << "host " << i;
    auto wg = m.host(i).run_in(m.daemon(i), {"wg", "show", "wg0", "peers"});
    EXPECT_EQ(wg.output.find(stranger), std::string::npos) << wg.output;
  }
  EXPECT_TRUE(m.peer_keys(3).empty());
  EXPECT_FALSE(ping(m.host(1), m.mesh_ip(3), 3s));
}

TEST_F(Mesh, AdvertisedRouteIsReachableThroughItsNode) {
  MeshBed m(2);
  // Host 2 has a network behind it: a TEST-NET-1 address of its own (on lo, which every
  // kernel has; the dummy module may be missing).
  auto added = m.host(2).run({"ip", "addr", "add", "192.0.2.1/24", "dev", "lo"});
  ASSERT_TRUE(added.ok()) << added.output;
  m.start(1);
  NodeOptions router;
  router.advertise_routes = {"192.0.2.0/24"};
  m.start(2, router);
  ASSERT_TRUE(m.wait_full_mesh(30s));
  ASSERT_TRUE(wait_until(
      [&] {
        auto r = m.host(1).run({"ip", "route", "show", "192.0.2.0/24"});
        return r.output.find("dev wg0") != std::string::npos;
      },
      10s))
      << "host 1 has no route to the advertised network";
  auto route = m.host(1).run({"ip", "route", "show", "192.0.2.0/24"});
  EXPECT_NE(route.output.find("proto 87"), std::string::npos)
      << "routes carry the daemon's protocol: " << route.output;
  EXPECT_TRUE(ping(m.host(1), "192.0.2.1", 30s));
}

TEST_F(Mesh, CrashedHostIsEvictedAndComesBackWithTheSameIdentity) {
  MeshBed m(3);
  for (int i = 1; i <= 3; ++i) m.start(i);
  ASSERT_TRUE(m.wait_full_mesh(30s));
  std::string key3 = m.pubkey(3), ip3 = m.mesh_ip(3);
  ASSERT_TRUE(ping(m.host(1), ip3, 30s));
  ASSERT_TRUE(ping(m.host(2), ip3, 30s));
  // Host 3 writes its peer cache a few seconds after meeting its peers (not only at the 60 s
  // housekeeping), so even killed this early it finds them again from the cache.
  const std::string cache3 = m.host(3).path("state/wg0-peers.json");
  const std::string key1 = m.pubkey(1), key2 = m.pubkey(2);
  ASSERT_TRUE(wait_until(
      [&] {
        std::ifstream in(cache3);
        std::stringstream text;
        text << in.rdbuf();
        return text.str().find(key1) != std::string::npos &&
               text.str().find(key2) != std::string::npos;
      },
      20s))
      << "no peer cache with both peers in " << cache3;
  auto t0 = std::chrono::steady_clock::now();
  m.crash(3);
  auto gone = [&](int i) {
    auto keys = m.peer_keys(i);
    auto wg = m.host(i).run_in(m.daemon(i), {"wg", "show", "wg0", "peers"});
    return std::count(keys.begin(), keys.end(), key3) == 0 &&
           wg.output.find(key3) == std::string::npos;
  };
  ASSERT_TRUE(wait_until([&] { return gone(1) && gone(2); }, 60s)) << m.daemon(1).read_log();
  auto evicted_after =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  std::cout << "[ figure ] crashed peer evicted by both others after " << evicted_after.count()
            << " ms\n";
  EXPECT_GE(m.counter(1, "health.evictions"), 1u);

  m.start(3);
  EXPECT_EQ(m.pubkey(3), key3) << "the key pair is kept in the state directory";
  EXPECT_TRUE(m.daemon(3).log_contains("restored 2 peers from cache")) << m.daemon(3).read_log();
  EXPECT_EQ(m.mesh_ip(3), ip3);
  ASSERT_TRUE(m.wait_full_mesh(30s));
  EXPECT_TRUE(ping(m.host(1), ip3, 30s));
  EXPECT_TRUE(ping(m.host(3), m.mesh_ip(2), 30s));
}

TEST_F(Mesh, MalformedForeignAndReplayedDatagramsAreDroppedAndCounted) {
  MeshBed m(2);
  NodeOptions o;
  m.start(1, o);
  m.start(2, o);
  ASSERT_TRUE(m.wait_full_mesh(30s));
  auto secret = wgmesh::keys::secret_from_input(o.secret);
  ASSERT_TRUE(secret.ok());
  std::string_view sv(reinterpret_cast<const char*>(secret->data()), secret->size());
  auto keys = wgmesh::keys::derive_keys(sv);
  ASSERT_TRUE(keys.ok());
  auto foreign = wgmesh::keys::derive_keys("an-entirely-different-secret-123");
  int port = keys->gossip_port;
  std::string target = m.host(1).ipv4();
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  std::string payload = "{\"protocol\":\"wgmesh-v1\",\"wg_pubkey\":\"" + m.pubkey(2) +
                        "\",\"mesh_ip\":\"" + m.mesh_ip(2) +
                        "\",\"wg_endpoint\":\"\",\"timestamp\":" + std::to_string(now) + "}";
  auto valid = wgmesh::keys::seal_envelope("ANNOUNCE", payload, keys->gossip_key);
  auto wrong_key = wgmesh::keys::seal_envelope("HELLO", payload, foreign->gossip_key);
  auto stale = wgmesh::keys::seal_envelope(
      "HELLO", "{\"protocol\":\"wgmesh-v1\",\"timestamp\":" + std::to_string(now - 3600) + "}",
      keys->gossip_key);
  auto invalid = wgmesh::keys::seal_envelope(
      "HELLO",
      "{\"protocol\":\"wgmesh-v1\",\"wg_pubkey\":\"short\",\"mesh_ip\":\"x\",\"timestamp\":" +
          std::to_string(now) + "}",
      keys->gossip_key);
  ASSERT_TRUE(valid.ok() && wrong_key.ok() && stale.ok() && invalid.ok());
  std::string truncated = valid->substr(0, valid->size() / 2);

  send_datagrams(m.host(2), target, port,
                 {"not json at all", "{\"type\":\"HELLO\"}", truncated, *wrong_key, *stale,
                  *invalid, std::string(3000, '\xff')});
  // The same valid envelope from two different source ports: the second is a replay.
  send_datagrams(m.host(2), target, port, {*valid, *valid}, /*new_socket_each=*/true);
  // Garbage on the LAN multicast port too.
  send_datagrams(m.host(2), target, 51830, {"garbage", *wrong_key, truncated});

  ASSERT_TRUE(wait_until([&] { return m.counter(1, "control.dropped_replay") >= 1; }, 10s));
  EXPECT_GE(m.counter(1, "control.dropped_auth"),
            5u);  // junk, partial JSON, truncated, wrong key, 0xff
  EXPECT_GE(m.counter(1, "control.dropped_stale"), 1u);
  EXPECT_GE(m.counter(1, "control.dropped_invalid"), 1u);
  EXPECT_GE(m.counter(1, "lan-multicast.dropped_auth"), 2u);
  // Still serving: RPC answers, the peer is listed and traffic flows.
  EXPECT_TRUE(m.rpc(1, "daemon.ping").has_value());
  EXPECT_TRUE(m.daemon(1).alive());
  EXPECT_TRUE(ping(m.host(2), m.mesh_ip(1), 30s));
}

TEST_F(Mesh, PeerThatDiesUnderTrafficIsEvictedQuickly) {
  MeshBed m(2);
  m.start(1);
  m.start(2);
  ASSERT_TRUE(m.wait_full_mesh(30s));
  std::string key2 = m.pubkey(2), ip2 = m.mesh_ip(2);
  ASSERT_TRUE(ping(m.host(1), ip2, 30s));
  // Host 1 keeps sending to host 2 while host 2 dies: the "sending but nothing comes back"
  // signal evicts it long before the idle threshold.
  auto pinger = m.host(1).spawn_with({"ping", "-q", "-i", "0.2", ip2}, {.private_run = false});
  auto t0 = std::chrono::steady_clock::now();
  m.crash(2);
  ASSERT_TRUE(wait_until(
      [&] {
        auto keys = m.peer_keys(1);
        return std::count(keys.begin(), keys.end(), key2) == 0;
      },
      60s));
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  std::cout << "[ figure ] peer crashed under traffic evicted after " << ms.count() << " ms\n";
  pinger.kill_and_wait();
}
