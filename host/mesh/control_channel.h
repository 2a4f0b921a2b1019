// The control channel (discovery.md §4): the UDP socket on the gossip port that carries
// HELLO/REPLY (the authenticated peer exchange, also "peer-as-STUN"), GOODBYE, and any other
// message type a plugin registers (gossip ANNOUNCE, RENDEZVOUS_*). It lives in the host
// because every mechanism shares the one socket, and Go peers expect a REPLY from exactly
// the socket their HELLO reached.
//
// Improvements, all wire-compatible: strict validation of every announcement (invalid
// known_peers entries dropped, not the message); a replay cache that still answers Go's
// identical HELLO retransmissions; per-source rate limiting before any crypto; GOODBYE only
// from the departing peer's own address; reflected endpoints adopted only when two peers agree;
// in-tunnel sources never used as WireGuard endpoints; exchange slots keyed per request.
#pragma once

#include <sys/socket.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "keys/announcement.h"
#include "keys/replay_cache.h"
#include "mesh/local_node.h"
#include "mesh/mesh_keys.h"
#include "mesh/peer_store.h"
#include "mesh/rate_limiter.h"
#include "runtime/event_loop.h"
#include "runtime/mesh_services.h"
#include "runtime/metrics.h"
#include "runtime/udp_socket.h"

namespace wgmesh {

struct ControlSettings {
  uint16_t port = 0;               // gossip port
  std::string bind_addr;           // empty: dual-stack wildcard
  bool no_ipv6 = false;
  uint32_t max_known_peers = 32;   // per HELLO/REPLY (Go sends all; see discovery.md §2.3)
  std::function<bool(const std::string& ip)> is_mesh_address;  // in-tunnel source check
};

class ControlChannel {
 public:
  using Handler = MeshServices::ControlHandler;
  using ExchangeDone = MeshServices::ExchangeDone;

  ControlChannel(EventLoop& loop, const MeshKeys& keys, LocalNode& local, PeerStore& store,
                 Metrics& metrics, ControlSettings settings);
  ~ControlChannel();

  Status start();
  void stop();  // sends GOODBYE to every known peer first

  Status register_handler(const std::string& type, const std::string& owner, Handler handler);
  void unregister_owner(const std::string& owner);
  Status send(const std::string& type, const std::string& payload, const sockaddr* to, socklen_t len);
  // HELLO → REPLY with `to`. With punch, the identical HELLO is resent every 100 ms.
  Status exchange(const sockaddr* to, socklen_t len, bool punch, uint32_t timeout_ms,
                  const std::string& label, ExchangeDone done);
  void say_goodbye();
  uint16_t port() const;

  // Reports a received announcement's sender and its known peers to the store.
  void store_announcement(const keys::PeerAnnouncement& a, const std::string& sender_ip,
                          const std::string& label, const std::string& transitive_label);

 private:
  struct Pending;
  void on_datagram(const uint8_t* data, size_t len, const sockaddr* from, socklen_t from_len);
  void handle_hello(const keys::PeerAnnouncement& a, const sockaddr* from, socklen_t from_len, bool retransmission);
  void handle_reply(const keys::PeerAnnouncement& a, const sockaddr* from, bool retransmission);
  void handle_goodbye(const std::string& payload, const sockaddr* from);
  void apply_observed_endpoint(const std::string& observed, const std::string& reporter);
  void finish_pending(const std::string& address, int status, const std::string& peer_json);
  std::string sender_ip(const sockaddr* from) const;

  EventLoop& loop_;
  const MeshKeys& keys_;
  LocalNode& local_;
  PeerStore& store_;
  Metrics& metrics_;
  ControlSettings settings_;
  std::unique_ptr<UdpSocket> socket_;
  keys::ReplayCache replay_;
  RateLimiter limiter_;
  struct HandlerEntry {
    std::string owner;
    Handler handler;
  };
  std::map<std::string, HandlerEntry> handlers_;
  std::multimap<std::string, std::unique_ptr<Pending>> pending_;  // by address text
  std::map<std::string, int64_t> log_throttle_;
};

// Builds a store report from an announcement. `authoritative`: the sender speaking for
// itself, so absent optional fields mean "none" (routes withdrawn, no hostname).
PeerReport report_from_announcement(const keys::PeerAnnouncement& a, const std::string& endpoint,
                                    bool authoritative);
PeerReport report_from_known_peer(const keys::KnownPeer& k, const std::string& endpoint);
std::string peer_report_json(const PeerReport& r);

}  // namespace wgmesh
