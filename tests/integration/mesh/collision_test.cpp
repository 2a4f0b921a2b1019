// Mesh IP collision end to end (daemon.md §8): two hosts whose keys derive the same mesh
// IPv4 address under the test secret. The loser (greater key text) must move to a free,
// plausible nonce address, announce it, persist it, and the mesh must work on IPv4 between
// every pair. Needs root (namespaces, TUN).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "keys/derived_keys.h"
#include "keys/mesh_address.h"
#include "keys/secret.h"
#include "keys/wg_keypair.h"
#include "mesh_bed.h"

using namespace std::chrono_literals;
using namespace wgmesh::testing;
using wgmesh::testbed::ping;
using wgmesh::testbed::wait_until;

namespace {

struct KeyPair {
  std::string pub;
  std::string priv;
};

struct CollidingPair {
  KeyPair low, high;  // low wins (byte-wise lower key text)
  std::string ip;
};

// Birthday search: with ~65k addresses a shared one turns up after a few hundred keys.
CollidingPair find_colliding_pair(const wgmesh::keys::DerivedKeys& derived,
                                  std::string_view secret) {
  std::map<std::string, KeyPair> by_ip;
  for (int i = 0; i < 20000; ++i) {
    auto kp = wgmesh::keys::generate_wg_keypair();
    KeyPair k{kp.public_key_text(), std::string(kp.private_key_text().text())};
    std::string ip = wgmesh::keys::mesh_ipv4(derived.mesh_subnet, k.pub, secret);
    auto [it, fresh] = by_ip.emplace(ip, k);
    if (fresh) continue;
    CollidingPair p{it->second, k, ip};
    if (p.high.pub < p.low.pub) std::swap(p.low, p.high);
    return p;
  }
  throw std::runtime_error("no colliding key pair in 20000 keys");
}

void write_identity(wgmesh::testbed::TestHost& h, const KeyPair& k) {
  // Where MeshBed points the daemon's state_dir; the original's format, without mesh_ip.
  std::filesystem::create_directories(h.path("state"));
  std::filesystem::permissions(h.path("state"), std::filesystem::perms::owner_all);
  std::string path = h.path("state") + "/wg0.json";
  std::ofstream(path) << "{\n  \"wg_pubkey\": \"" << k.pub << "\",\n  \"wg_private_key\": \""
                      << k.priv << "\"\n}";
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class MeshCollision : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, TUN)";
  }
};

}  // namespace

TEST_F(MeshCollision, LoserMovesToAFreePlausibleAddressAndKeepsItAfterRestart) {
  NodeOptions opts;
  opts.no_ipv6 = true;  // IPv4 is what collides; keep the probes and pings on it
  auto secret = wgmesh::keys::secret_from_input(opts.secret);
  ASSERT_TRUE(secret.ok()) << secret.message();
  auto derived = wgmesh::keys::derive_keys(secret->text());
  ASSERT_TRUE(derived.ok()) << derived.message();
  const CollidingPair pair = find_colliding_pair(*derived, secret->text());

  MeshBed m(3);
  constexpr int kWinner = 1, kLoser = 2, kThird = 3;
  write_identity(m.host(kWinner), pair.low);
  write_identity(m.host(kLoser), pair.high);
  for (int i = 1; i <= 3; ++i) m.start(i, opts);
  ASSERT_EQ(m.pubkey(kWinner), pair.low.pub);
  ASSERT_EQ(m.pubkey(kLoser), pair.high.pub);
  ASSERT_TRUE(m.wait_full_mesh(30s)) << m.daemon(kLoser).read_log();

  // The loser moves as soon as it hears the winner; the winner keeps its address.
  std::string moved;
  ASSERT_TRUE(wait_until(
      [&] {
        moved = m.mesh_ip(kLoser);
        return !moved.empty() && moved != pair.ip;
      },
      20s, 100ms))
      << m.daemon(kLoser).read_log();
  EXPECT_EQ(m.mesh_ip(kWinner), pair.ip);
  EXPECT_TRUE(wgmesh::keys::is_plausible_mesh_ipv4(*derived, secret->text(), pair.high.pub, moved))
      << moved;
  EXPECT_NE(moved, m.mesh_ip(kThird));
  std::string last = moved.substr(moved.rfind('.') + 1);
  EXPECT_TRUE(last != "0" && last != "255") << moved;
  EXPECT_NE(m.daemon(kLoser).read_log().find("We lost collision, re-deriving mesh IP: " + pair.ip +
                                             " -> " + moved),
            std::string::npos);
  // The interface carries only the new IPv4 address.
  auto addrs = m.host(kLoser).run({"ip", "-4", "-o", "addr", "show", "dev", "wg0"});
  EXPECT_NE(addrs.output.find(moved + "/16"), std::string::npos) << addrs.output;
  EXPECT_EQ(addrs.output.find(pair.ip + "/"), std::string::npos) << addrs.output;
  // Persisted for the next start.
  EXPECT_NE(
      read_all(m.host(kLoser).path("state") + "/wg0.json").find("\"mesh_ip\": \"" + moved + "\""),
      std::string::npos);

  auto all_pairs_ping = [&] {
    for (int i = 1; i <= 3; ++i) {
      for (int j = 1; j <= 3; ++j) {
        if (i == j) continue;
        EXPECT_TRUE(ping(m.host(i), m.mesh_ip(j), 30s)) << i << " -> " << j << " " << m.mesh_ip(j);
      }
    }
  };
  all_pairs_ping();
  EXPECT_EQ(m.counter(kLoser, "mesh.ip_changes"), 1u);
  // The probe server followed the address: a peer's mesh probe to the new IP is answered.
  std::string probe = "import socket\ns=socket.create_connection(('" + moved + "', " +
                      std::to_string(wgmesh::keys::health_probe_port(*derived)) +
                      "), timeout=5)\ns.sendall(b'ping\\n')\nprint(s.recv(16).decode().strip())\n";
  auto pong = m.host(kThird).run({"python3", "-c", probe});
  EXPECT_EQ(pong.output, "pong\n") << "probe server not rebound: " << pong.output;
  for (int i = 1; i <= 3; ++i)
    EXPECT_EQ(m.counter(i, "peers.implausible_mesh_ip"), 0u) << "nonce addresses pass the check";

  // Restart the loser: it comes back on the persisted address, nobody moves again.
  m.stop(kLoser);
  m.start(kLoser, opts);
  EXPECT_EQ(m.mesh_ip(kLoser), moved);
  ASSERT_TRUE(m.wait_full_mesh(30s)) << m.daemon(kLoser).read_log();
  all_pairs_ping();
  EXPECT_EQ(m.mesh_ip(kLoser), moved);
  EXPECT_EQ(m.mesh_ip(kWinner), pair.ip);
  EXPECT_EQ(m.counter(kLoser, "mesh.ip_changes"), 0u) << "no second move after the restart";
}
