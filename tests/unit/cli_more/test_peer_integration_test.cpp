// `wgmesh test-peer` against a real wgmeshd: the daemon runs in one namespace host of a bed,
// test-peer in another. Needs root (network namespaces, TUN).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

#include "keys/derived_keys.h"
#include "keys/secret.h"
#include "mesh_bed.h"

using namespace std::chrono_literals;
using namespace wgmesh::testing;

namespace {

uint16_t gossip_port(const std::string& secret_input) {
  auto secret = wgmesh::keys::secret_from_input(secret_input);
  return wgmesh::keys::derive_keys(secret->text())->gossip_port;
}

std::string line_value(const std::string& out, const std::string& prefix) {
  auto at = out.find("\n" + prefix);
  if (at == std::string::npos) return "";
  at += 1 + prefix.size();
  return out.substr(at, out.find('\n', at) - at);
}

class TestPeerIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, TUN)";
  }
};

}  // namespace

TEST_F(TestPeerIntegration, ExchangesWithARealDaemonWhichThenForgetsTheTestIdentity) {
  MeshBed m(2);
  NodeOptions node;
  m.start(1, node);
  const std::string peer = m.host(1).ipv4() + ":" + std::to_string(gossip_port(node.secret));
  auto r = m.host(2).run({WGMESH_BIN, "test-peer", "--secret", node.secret, "--peer", peer}, 30s);
  ASSERT_EQ(r.status, 0) << r.output << m.daemon(1).read_log();
  EXPECT_NE(r.output.find("Testing peer exchange with " + peer + "\n"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("\nReceived "), std::string::npos);
  EXPECT_EQ(line_value(r.output, "Received ")
                .substr(line_value(r.output, "Received ").find(" bytes from ")),
            " bytes from " + peer);
  EXPECT_NE(r.output.find("\nSUCCESS! Peer exchange working!\n"), std::string::npos);
  EXPECT_EQ(line_value(r.output, "  Message type: "), "REPLY");
  EXPECT_EQ(line_value(r.output, "  Peer pubkey: "), m.pubkey(1));
  EXPECT_EQ(line_value(r.output, "  Peer mesh IP: "), m.mesh_ip(1));
  EXPECT_EQ(line_value(r.output, "  Peer hostname: "), m.host(1).name());
  EXPECT_EQ(line_value(r.output, "  Peer mesh IPv6: "), m.mesh_ipv6(1));
  // The daemon announces its WireGuard port on an unspecified host (receivers put in the
  // sender's address).
  std::string endpoint = line_value(r.output, "  Peer endpoint: ");
  EXPECT_TRUE(endpoint == "0.0.0.0:51820" || endpoint == m.host(1).ipv4() + ":51820") << r.output;
  std::string observed =
      line_value(r.output, "  Observed endpoint (this host as the peer sees it): ");
  EXPECT_EQ(observed.rfind(m.host(2).ipv4() + ":", 0), 0u) << r.output;
  EXPECT_EQ(observed, m.host(2).ipv4() + ":" + line_value(r.output, "Listening on port "));

  // The daemon answered the HELLO, then accepted the GOODBYE and dropped the test identity.
  std::string identity = line_value(r.output, "(GOODBYE sent: the peer forgets the test identity ");
  ASSERT_FALSE(identity.empty()) << r.output;
  identity.pop_back();  // the closing parenthesis
  EXPECT_TRUE(wgmesh::testbed::wait_until([&] { return m.counter(1, "control.goodbye") >= 1; }, 5s))
      << m.daemon(1).read_log();
  EXPECT_GE(m.counter(1, "control.hello"), 1u);
  auto got = m.rpc(1, "peers.get", "{\"pubkey\":\"" + identity + "\"}");
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->HasMember("error")) << "the test identity is gone from the daemon's store";
}

TEST_F(TestPeerIntegration, AnotherSecretGetsNoAnswer) {
  MeshBed m(2);
  NodeOptions node;
  m.start(1, node);
  const std::string peer = m.host(1).ipv4() + ":" + std::to_string(gossip_port(node.secret));
  auto r = m.host(2).run({WGMESH_BIN, "test-peer", "--secret",
                          "wgmesh://v1/a-different-mesh-secret-0987654321", "--peer", peer},
                         30s);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find(": i/o timeout\n\nPossible issues:\n"), std::string::npos) << r.output;
  EXPECT_GE(m.counter(1, "control.dropped_auth"), 1u);
}
