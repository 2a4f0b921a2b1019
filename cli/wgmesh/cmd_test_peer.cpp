// `wgmesh test-peer --secret S --peer IP:PORT [--port N]`: one authenticated peer exchange
// with a given node (centralized-rpc-cli.md §8.4): a HELLO sealed with the mesh's gossip
// key, then the node's REPLY opened and validated, and what the node announced printed.
//
// Unlike the original, which announced the invalid key "test-pubkey" (a C++ node drops
// that), the HELLO comes from a real, throwaway identity: a fresh WireGuard key pair and
// the mesh address derived from it, so any node answers it. The HELLO is resent every
// second (UDP may drop it), only a datagram from exactly the peer's address counts, and a
// GOODBYE at the end tells the node to forget the throwaway identity again.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "commands.h"
#include "flag_exit.h"
#include "keys/announcement.h"
#include "keys/derived_keys.h"
#include "keys/envelope.h"
#include "keys/goodbye.h"
#include "keys/mesh_address.h"
#include "keys/message_types.h"
#include "keys/secret.h"
#include "keys/wg_keypair.h"
#include "udp_probe_socket.h"

namespace wgmesh::cli {
namespace {

constexpr int kWaitMs = 10000;
constexpr int kResendMs = 1000;

int64_t monotonic_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

void print_usage() {
  std::fputs(
      "Usage: wgmesh test-peer --secret <SECRET> --peer <IP:PORT>\n\n"
      "This tests direct UDP connectivity to another wgmesh node.\n"
      "Run 'wgmesh join' on the peer first, note its exchange port,\n"
      "then test with: wgmesh test-peer --secret <SECRET> --peer <PEER_IP>:<EXCHANGE_PORT>\n",
      stderr);
}

// What the node announced, after the original's three lines.
void print_reply(const keys::OpenedAnnouncement& opened) {
  const keys::PeerAnnouncement& a = opened.announcement;
  std::string routes;
  for (const auto& r : a.routable_networks) routes += (routes.empty() ? "" : ", ") + r;
  std::printf(
      "SUCCESS! Peer exchange working!\n"
      "  Message type: %s\n  Peer pubkey: %s\n  Peer mesh IP: %s\n"
      "  Peer hostname: %s\n  Peer mesh IPv6: %s\n  Peer endpoint: %s\n  Introducer: %s\n"
      "  Routes: %s\n  NAT type: %s\n  Observed endpoint (this host as the peer sees it): %s\n"
      "  Known peers: %zu\n",
      opened.envelope.type.c_str(), a.wg_pubkey.c_str(), a.mesh_ip.c_str(),
      or_dash(a.hostname).c_str(), or_dash(a.mesh_ipv6).c_str(), or_dash(a.wg_endpoint).c_str(),
      a.introducer ? "yes" : "no", or_dash(routes).c_str(), or_dash(a.nat_type).c_str(),
      or_dash(a.observed_endpoint).c_str(), a.known_peers.size());
}

// The throwaway identity's HELLO; the mesh address is derived from its key like a real
// node's, so receivers that check plausibility accept it.
Result<keys::PeerAnnouncement> make_hello(const keys::DerivedKeys& derived, std::string_view secret,
                                          const std::string& mesh_subnet,
                                          const std::string& pubkey) {
  keys::PeerAnnouncement hello;
  hello.wg_pubkey = pubkey;
  hello.hostname = "wgmesh-test-peer";
  auto custom = keys::parse_mesh_subnet(mesh_subnet);
  if (!custom.ok()) return custom.error();
  if (*custom) {
    auto ip = keys::mesh_ipv4_in_subnet(**custom, pubkey, secret);
    if (!ip.ok()) return ip.error();
    hello.mesh_ip = *ip;
  } else {
    hello.mesh_ip = keys::mesh_ipv4(derived.mesh_subnet, pubkey, secret);
  }
  hello.mesh_ipv6 = keys::mesh_ipv6(derived.mesh_prefix_v6, pubkey, secret);
  hello.wg_endpoint = "";  // no WireGuard behind this test identity
  hello.timestamp = keys::system_clock_now().seconds;
  return hello;
}

// Asks the node to drop the throwaway identity (it stored it from the HELLO). Best effort:
// a node on another secret cannot read it, and a lost GOODBYE only means the entry ages out.
void send_goodbye(const UdpProbeSocket& socket, const UdpAddress& peer, const keys::Key32& key,
                  const std::string& pubkey) {
  keys::GoodbyePayload goodbye;
  goodbye.timestamp = keys::system_clock_now().seconds;
  goodbye.wg_pubkey = pubkey;
  auto sealed =
      keys::seal_envelope(keys::message_type::kGoodbye, keys::goodbye_to_json(goodbye), key);
  if (sealed.ok()) (void)socket.send_to(peer, *sealed);
}

}  // namespace

int cmd_test_peer(const Args& args) {
  std::string secret_input, peer_text, mesh_subnet;
  int64_t port = 0;
  GoFlagSet flags("test-peer");
  flags.add_string("secret", &secret_input, "Mesh secret (required)");
  flags.add_string("peer", &peer_text, "Peer address to test (IP:PORT)");
  flags.add_int("port", &port, "Local port to listen on (0 = random)");
  flags.add_string("mesh-subnet", &mesh_subnet, "Custom mesh subnet of the mesh, if it uses one");
  if (auto rc = parse_flags_or_exit(flags, args)) return *rc;
  if (secret_input.empty() || peer_text.empty()) {
    print_usage();
    return 1;
  }
  auto secret = keys::secret_from_input(secret_input);
  if (!secret.ok()) {
    std::fprintf(stderr, "Failed to create config: failed to derive keys: %s\n",
                 secret.message().c_str());
    return 1;
  }
  auto derived = keys::derive_keys(secret->text());
  if (!derived.ok()) {
    std::fprintf(stderr, "Failed to create config: failed to derive keys: %s\n",
                 derived.message().c_str());
    return 1;
  }
  if (auto custom = keys::parse_mesh_subnet(mesh_subnet); !custom.ok()) {
    std::fprintf(stderr, "Failed to create config: %s\n", custom.message().c_str());
    return 1;
  }

  std::printf("Testing peer exchange with %s\nNetwork ID: %s\n", peer_text.c_str(),
              keys::network_id_short_hex(*derived).c_str());
  std::fflush(stdout);
  if (port < 0 || port > 65535) {
    std::fprintf(stderr, "Failed to bind UDP: listen udp :%lld: invalid port\n",
                 static_cast<long long>(port));
    return 1;
  }
  auto socket = UdpProbeSocket::bind(static_cast<uint16_t>(port));
  if (!socket.ok()) {
    std::fprintf(stderr, "Failed to bind UDP: %s\n", socket.message().c_str());
    return 1;
  }
  std::printf("Listening on port %u\n", socket->local_port());
  std::fflush(stdout);
  auto peer = resolve_udp_address(peer_text);
  if (!peer.ok()) {
    std::fprintf(stderr, "Failed to resolve peer: %s\n", peer.message().c_str());
    return 1;
  }

  keys::WgKeyPair identity = keys::generate_wg_keypair();
  std::string pubkey = identity.public_key_text();
  auto hello = make_hello(*derived, secret->text(), mesh_subnet, pubkey);
  auto sealed =
      hello.ok() ? keys::seal_announcement(keys::message_type::kHello, *hello, derived->gossip_key)
                 : Result<std::string>(hello.error());
  if (!sealed.ok()) {
    std::fprintf(stderr, "Failed to create message: %s\n", sealed.message().c_str());
    return 1;
  }
  std::printf("Sending HELLO to %s (%zu bytes)...\n", peer_text.c_str(), sealed->size());
  std::fflush(stdout);
  if (Status st = socket->send_to(*peer, *sealed); !st.ok()) {
    std::fprintf(stderr, "Failed to send: %s\n", st.message().c_str());
    return 1;
  }
  std::printf("Waiting for response (10s timeout)...\n");
  std::fflush(stdout);

  const int64_t deadline = monotonic_ms() + kWaitMs;
  int64_t next_send = monotonic_ms() + kResendMs;
  int rc = -1;
  while (rc < 0) {
    int64_t now = monotonic_ms();
    if (now >= deadline) {
      std::fprintf(stderr,
                   "No response: read udp %s: i/o timeout\n\nPossible issues:\n"
                   "- Peer not running or wrong port\n- Firewall blocking UDP\n"
                   "- Different secrets (different gossip keys)\n",
                   socket->local_address().c_str());
      rc = 1;
      break;
    }
    if (now >= next_send) {
      // The same bytes again: the node's replay cache sees a retransmission, which it
      // still answers but does not count as news.
      (void)socket->send_to(*peer, *sealed);
      next_send = now + kResendMs;
    }
    auto datagram = socket->receive(static_cast<int>(std::min(deadline, next_send) - now));
    if (!datagram.ok()) {
      std::fprintf(stderr, "No response: %s\n", datagram.message().c_str());
      rc = 1;
      break;
    }
    if (!*datagram || !((*datagram)->from == *peer)) continue;  // not from the node asked
    const Datagram& d = **datagram;
    auto opened = keys::open_announcement(d.data, derived->gossip_key, keys::system_clock_now());
    if (opened.ok() && opened->envelope.type != keys::message_type::kReply) continue;
    std::printf("Received %zu bytes from %s\n", d.data.size(), d.from.to_string().c_str());
    if (!opened.ok()) {
      keys::EnvelopeStep step = keys::envelope_error_step(opened.error());
      bool undecryptable = step == keys::EnvelopeStep::kParseEnvelope ||
                           step == keys::EnvelopeStep::kNonceSize ||
                           step == keys::EnvelopeStep::kDecrypt;
      std::printf("%s: %s\n", undecryptable ? "Failed to decrypt (wrong secret?)" : "Invalid reply",
                  opened.message().c_str());
      rc = 1;
      break;
    }
    print_reply(*opened);
    rc = 0;
  }
  send_goodbye(*socket, *peer, derived->gossip_key, pubkey);
  if (rc == 0)
    std::printf("(GOODBYE sent: the peer forgets the test identity %s)\n", pubkey.c_str());
  return rc;
}

}  // namespace wgmesh::cli
