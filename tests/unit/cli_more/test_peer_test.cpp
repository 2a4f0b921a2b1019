// `wgmesh test-peer` through the built binary against a scripted node on 127.0.0.1.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

#include "cli_run.h"
#include "fake_node.h"
#include "keys/mesh_address.h"
#include "keys/secret.h"
#include "keys/wg_keypair.h"

using namespace wgmesh::test;
namespace keys = wgmesh::keys;

namespace {

const std::string kSecret = "wgmesh://v1/test-peer-secret-0123456789abcdef";
const std::string kOtherSecret = "wgmesh://v1/some-other-mesh-entirely-9876543210";

ProcessResult test_peer(const std::string& address, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"test-peer", "--secret", kSecret, "--peer", address};
  args.insert(args.end(), extra.begin(), extra.end());
  ProcessOptions o;
  o.timeout_ms = 30000;
  return run_wgmesh(args, o);
}

// The five lines every run starts with; returns the rest of stdout.
std::string after_preamble(const ProcessResult& r, const FakeNode& node,
                           uint16_t* local_port = nullptr) {
  auto l = split_lines(r.out);
  EXPECT_GE(l.size(), 5u) << r.out;
  if (l.size() < 5) return "";
  EXPECT_EQ(l[0], "Testing peer exchange with " + node.address());
  EXPECT_EQ(l[1], "Network ID: " + keys::network_id_short_hex(node.keys()));
  EXPECT_EQ(l[2].rfind("Listening on port ", 0), 0u);
  if (local_port) *local_port = static_cast<uint16_t>(std::stoi(l[2].substr(18)));
  EXPECT_EQ(l[3].rfind("Sending HELLO to " + node.address() + " (", 0), 0u) << l[3];
  EXPECT_EQ(l[3].substr(l[3].size() - 10), " bytes)...");
  EXPECT_EQ(l[4], "Waiting for response (10s timeout)...");
  std::string rest;
  for (size_t i = 5; i < l.size(); ++i) rest += l[i] + "\n";
  return rest;
}

uint16_t free_udp_port() {
  wgmesh::UniqueFd fd(::socket(AF_INET6, SOCK_DGRAM, 0));
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  ::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin6_port);
}

bool wait_for(const std::function<bool()>& done) {
  for (int i = 0; i < 200 && !done(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return done();
}

}  // namespace

TEST(TestPeer, OneExchangeShowsWhatThePeerAnnounced) {
  FakeNode node(kSecret, {});
  uint16_t port = 0;
  ProcessResult r = test_peer(node.address());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  std::string rest = after_preamble(r, node, &port);
  const keys::PeerAnnouncement& a = node.reply();
  auto l = split_lines(rest);
  ASSERT_EQ(l.size(), 14u) << rest;
  EXPECT_EQ(l[0].rfind("Received ", 0), 0u);
  EXPECT_EQ(l[0].substr(l[0].find(" bytes from ")), " bytes from " + node.address());
  EXPECT_EQ(l[1], "SUCCESS! Peer exchange working!");
  EXPECT_EQ(l[2], "  Message type: REPLY");
  EXPECT_EQ(l[3], "  Peer pubkey: " + a.wg_pubkey);
  EXPECT_EQ(l[4], "  Peer mesh IP: " + a.mesh_ip);
  EXPECT_EQ(l[5], "  Peer hostname: fake-node");
  EXPECT_EQ(l[6], "  Peer mesh IPv6: " + a.mesh_ipv6);
  EXPECT_EQ(l[7], "  Peer endpoint: 127.0.0.1:51820");
  EXPECT_EQ(l[8], "  Introducer: yes");
  EXPECT_EQ(l[9], "  Routes: 192.168.50.0/24, 10.77.0.0/16");
  EXPECT_EQ(l[10], "  NAT type: cone");
  EXPECT_EQ(l[11], "  Observed endpoint (this host as the peer sees it): 127.0.0.1:" +
                       std::to_string(port));
  EXPECT_EQ(l[12], "  Known peers: 2");

  // The HELLO came from a real, valid identity of this mesh.
  auto hellos = node.hellos();
  ASSERT_GE(hellos.size(), 1u);
  const keys::PeerAnnouncement& h = hellos[0];
  EXPECT_TRUE(keys::is_valid_wg_key_text(h.wg_pubkey));
  auto secret = keys::secret_from_input(kSecret);
  EXPECT_EQ(h.mesh_ip, keys::mesh_ipv4(node.keys().mesh_subnet, h.wg_pubkey, secret->text()));
  EXPECT_EQ(h.mesh_ipv6, keys::mesh_ipv6(node.keys().mesh_prefix_v6, h.wg_pubkey, secret->text()));
  EXPECT_EQ(h.hostname, "wgmesh-test-peer");
  EXPECT_EQ(h.wg_endpoint, "");
  EXPECT_EQ(l[13], "(GOODBYE sent: the peer forgets the test identity " + h.wg_pubkey + ")");
  // ... and the node was told to forget it.
  ASSERT_TRUE(wait_for([&] { return !node.goodbye_keys().empty(); }));
  EXPECT_EQ(node.goodbye_keys()[0], h.wg_pubkey);
  // A fresh identity every run.
  ASSERT_EQ(test_peer(node.address()).exit_code, 0);
  ASSERT_GE(node.hellos().size(), 2u);
  EXPECT_NE(node.hellos().back().wg_pubkey, h.wg_pubkey);
}

TEST(TestPeer, ResendsAndIgnoresOtherSendersAndOtherTypes) {
  FakeNodeScript script;
  script.ignore_hellos = 1;  // the first HELLO is "lost"
  script.decoy_first = true;
  script.announce_first = true;
  FakeNode node(kSecret, script);
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = test_peer(node.address());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
  std::string rest = after_preamble(r, node);
  EXPECT_NE(rest.find("  Message type: REPLY\n"), std::string::npos) << rest;
  EXPECT_NE(rest.find("  Peer hostname: fake-node\n"), std::string::npos)
      << "the decoy was ignored: " << rest;
  EXPECT_EQ(rest.find("decoy"), std::string::npos);
  // The resend is the same datagram from the same port.
  auto ports = node.hello_source_ports();
  ASSERT_GE(ports.size(), 2u);
  EXPECT_EQ(ports[0], ports[1]);
  EXPECT_EQ(node.hellos()[0], node.hellos()[1]);
}

TEST(TestPeer, LocalPortFlag) {
  FakeNode node(kSecret, {});
  uint16_t port = free_udp_port();
  ProcessResult r = test_peer(node.address(), {"--port", std::to_string(port)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nListening on port " + std::to_string(port) + "\n"), std::string::npos);
  EXPECT_EQ(node.hello_source_ports().at(0), port);
}

TEST(TestPeer, ReplyFromAnotherMeshFailsToDecrypt) {
  FakeNodeScript script;
  script.reply_secret = kOtherSecret;
  FakeNode node(kSecret, script);
  ProcessResult r = test_peer(node.address());
  EXPECT_EQ(r.exit_code, 1);
  std::string rest = after_preamble(r, node);
  auto l = split_lines(rest);
  ASSERT_EQ(l.size(), 2u) << rest;
  EXPECT_EQ(l[0].substr(l[0].find(" bytes from ")), " bytes from " + node.address());
  EXPECT_EQ(l[1].rfind("Failed to decrypt (wrong secret?): decryption failed (wrong key?)", 0), 0u)
      << l[1];
}

TEST(TestPeer, InvalidReplyIsReportedAsSuch) {
  FakeNodeScript script;
  script.raw_reply_payload =
      R"({"protocol":"wgmesh-v1","wg_pubkey":"not-a-key","mesh_ip":"10.0.0.1","wg_endpoint":"","timestamp":$TS})";
  FakeNode node(kSecret, script);
  ProcessResult r = test_peer(node.address());
  EXPECT_EQ(r.exit_code, 1);
  std::string rest = after_preamble(r, node);
  EXPECT_NE(rest.find("\nInvalid reply: invalid announcement: WGPubKey: "), std::string::npos)
      << rest;
}

TEST(TestPeer, NoAnswerTimesOutAfterTenSecondsResendingEverySecond) {
  FakeNodeScript script;
  script.silent = true;
  FakeNode node(kSecret, script);
  auto start = std::chrono::steady_clock::now();
  uint16_t port = 0;
  ProcessResult r = test_peer(node.address());
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(after_preamble(r, node, &port), "");
  EXPECT_EQ(r.err, "No response: read udp [::]:" + std::to_string(port) +
                       ": i/o timeout\n\nPossible issues:\n- Peer not running or wrong port\n"
                       "- Firewall blocking UDP\n- Different secrets (different gossip keys)\n");
  EXPECT_GE(took, std::chrono::milliseconds(9900));
  EXPECT_LT(took, std::chrono::milliseconds(15000));
  EXPECT_GE(node.hellos().size(), 9u);
  EXPECT_LE(node.hellos().size(), 11u);
  // A node that stored the identity still hears the GOODBYE.
  EXPECT_TRUE(wait_for([&] { return !node.goodbye_keys().empty(); }));
}

TEST(TestPeer, UsageAndSetupErrors) {
  const char* usage =
      "Usage: wgmesh test-peer --secret <SECRET> --peer <IP:PORT>\n\n"
      "This tests direct UDP connectivity to another wgmesh node.\n"
      "Run 'wgmesh join' on the peer first, note its exchange port,\n"
      "then test with: wgmesh test-peer --secret <SECRET> --peer <PEER_IP>:<EXCHANGE_PORT>\n";
  for (std::vector<std::string> args : {std::vector<std::string>{"test-peer"},
                                        {"test-peer", "--secret", kSecret},
                                        {"test-peer", "--peer", "127.0.0.1:1"}}) {
    ProcessResult r = run_wgmesh(args);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, usage);
  }
  ProcessResult r =
      run_wgmesh({"test-peer", "--secret", "wgmesh://v1/short", "--peer", "127.0.0.1:1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(
      r.err,
      "Failed to create config: failed to derive keys: secret must be at least 16 characters\n");
  r = run_wgmesh({"test-peer", "--secret", kSecret, "--peer", "127.0.0.1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("\nListening on port "), std::string::npos);
  EXPECT_EQ(r.err, "Failed to resolve peer: address 127.0.0.1: missing port in address\n");
  r = run_wgmesh({"test-peer", "--secret", kSecret, "--peer", "127.0.0.1:1", "--port", "70000"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Failed to bind UDP: listen udp :70000: invalid port\n");
  FakeNode busy(kSecret, {});  // its port is taken on 127.0.0.1, so the wildcard bind fails
  r = run_wgmesh({"test-peer", "--secret", kSecret, "--peer", "127.0.0.1:1", "--port",
                  std::to_string(busy.port())});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Failed to bind UDP: listen udp :" + std::to_string(busy.port()) +
                       ": Address already in use\n");
  r = run_wgmesh({"test-peer", "--port", "x"});
  EXPECT_EQ(r.exit_code, 2);
}
