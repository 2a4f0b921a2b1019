// DhtNode: a BEP 5 DHT node (BEP 32 dual-stack, BEP 42 ID checks) as a single-threaded,
// non-blocking state machine.
//
// How a host event loop drives it:
//   1. Construct with a DhtConfig and the injected Transport / Clock / Random.
//      Optionally restore_nodes() from the nodes file, then start().
//   2. For every datagram read from the DHT socket: on_datagram(bytes, from).
//   3. Keep one timer armed for next_deadline() (absolute, in the Clock's milliseconds);
//      when it fires, call on_timer(). Re-arm after every call into the node (any call
//      can move the deadline). next_deadline() never returns a time in the past unless
//      there is work due right now, so the loop cannot spin.
// Results are delivered through callbacks, which run only inside on_datagram() or
// on_timer(), never inside announce()/get_peers() themselves. A callback may start new
// operations but must not destroy the node.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "wgmesh/dht/endpoint.h"
#include "wgmesh/dht/env.h"
#include "wgmesh/dht/external_address.h"
#include "wgmesh/dht/krpc.h"
#include "wgmesh/dht/lookup.h"
#include "wgmesh/dht/node_id.h"
#include "wgmesh/dht/peer_store.h"
#include "wgmesh/dht/rate_limiter.h"
#include "wgmesh/dht/routing_table.h"
#include "wgmesh/dht/tokens.h"

namespace wgmesh::dht {

struct DhtConfig {
  std::optional<NodeId> node_id;  // random when empty (the Go node's choice, spec §3.1)
  // Bootstrap routers, already resolved by the host. No defaults: the core never knows
  // any public address (spec §12).
  std::vector<Endpoint> bootstrap;
  bool ipv4 = true;  // families the Transport can send; one routing table each
  bool ipv6 = false;
  // Our own socket address(es); never added to tables or queried. Extended at runtime
  // by add_self_endpoint() and by replies that carry our own ID.
  std::vector<Endpoint> self_endpoints;
  bool enforce_bep42 = true;   // as the Go node: skip remote nodes with insecure IDs
  std::string client_version;  // "v" key; empty = not sent (as the Go node)
  size_t max_datagram = 2048;  // larger inbound datagrams are dropped unparsed

  RoutingTableConfig table;
  LookupConfig lookup;
  int64_t request_timeout_ms = 2000;
  PeerStoreLimits peer_store;
  size_t max_values_per_reply = 50;  // keeps get_peers replies under a typical MTU
  RateLimit rate_limit;
  int64_t token_rotate_ms = TokenManager::kRotateMs;
  size_t max_operations = 64;     // concurrent lookups (incl. internal ones)
  size_t max_pending_pings = 16;  // verification pings in flight
  size_t ping_queue_limit = 256;
  // Bootstrap retry while nothing answers: 5, 10, 20, 40, 60, 60... s, each x[0.75, 1.25].
  int64_t bootstrap_base_delay_ms = 5000;
  int64_t bootstrap_max_delay_ms = 60000;
};

struct Stats {
  uint64_t datagrams_in = 0, bytes_in = 0, datagrams_out = 0, bytes_out = 0, send_failures = 0;
  uint64_t queries_in = 0, ping_in = 0, find_node_in = 0, get_peers_in = 0, announce_in = 0;
  uint64_t queries_out = 0, responses_in = 0, responses_out = 0, errors_in = 0, errors_sent = 0;
  uint64_t malformed_dropped = 0, oversized_dropped = 0, rate_limited = 0;
  uint64_t unexpected_responses = 0, timeouts = 0, bad_tokens = 0, peers_stored = 0;
  uint64_t bep42_rejected = 0, self_contacts = 0;
  uint64_t lookups_started = 0, lookups_finished = 0, announces_sent = 0, announces_acked = 0;
  uint64_t bootstrap_attempts = 0;
  // Gauges, filled in by stats().
  size_t routing_table_v4 = 0, routing_table_v6 = 0, pending_requests = 0, operations = 0;
  size_t peer_store_infohashes = 0, peer_store_peers = 0;
  size_t routing_table_bytes = 0;  // approximate footprint of both tables
};

struct LookupResult {
  std::vector<Endpoint> peers;  // get_peers values, deduplicated (also for announce)
  size_t queries = 0, responses = 0;
  size_t announce_targets = 0;  // announce_peer sent (token holders among the k closest)
  size_t announced = 0;         // announce_peer acknowledged
  int64_t elapsed_ms = 0;
  int64_t first_peer_ms = -1;  // time to the first value, -1 if none
  bool hit_deadline = false;
};
using LookupCallback = std::function<void(const LookupResult&)>;
using OperationId = uint64_t;  // 0 = refused

class DhtNode {
 public:
  DhtNode(DhtConfig cfg, Transport& transport, Clock& clock, Random& rng);
  DhtNode(const DhtNode&) = delete;
  DhtNode& operator=(const DhtNode&) = delete;

  // Starts bootstrapping (and pings restored nodes). Queries from others are answered
  // even before start().
  void start();

  void on_datagram(std::span<const uint8_t> datagram, const Endpoint& from);
  void on_timer();
  int64_t next_deadline() const;

  // Lookup for `ih`, then announce_peer(port, implied_port = 0) to the k closest nodes
  // that gave a token (also when the deadline cuts the lookup short).
  OperationId announce(const InfoHash& ih, uint16_t port, LookupCallback cb);
  OperationId get_peers(const InfoHash& ih, LookupCallback cb);
  // Drops the operation; its callback will not run.
  void cancel(OperationId op);

  // Non-bad nodes of both tables, for the nodes file.
  std::vector<NodeInfo> nodes_snapshot() const;
  // Nodes-file records: added as unverified and pinged after start(). A zero ID means
  // "address only": it is pinged, not added (spec §3.5).
  void restore_nodes(std::span<const NodeInfo> nodes);

  void add_self_endpoint(const Endpoint& ep);
  // Replaces the bootstrap routers (the embedder resolves names off the loop, so they can
  // arrive after start()). A started node that is not bootstrapped tries them right away.
  void set_bootstrap(std::vector<Endpoint> routers);
  // Our external IPs (port 0) as the BEP 42 "ip" key of replies reports them, counting only
  // addresses that at least `min_reporters` distinct responder IPs agree on.
  std::vector<Endpoint> external_addresses(size_t min_reporters = 2) const {
    return external_.confirmed(min_reporters);
  }
  bool is_bootstrapped() const { return bootstrapped_; }
  const NodeId& id() const { return id_; }
  Stats stats() const;
  const RoutingTable* table(Family f) const;

  // Delay before bootstrap retry number `attempt` (0-based), with the ±25% jitter.
  static int64_t bootstrap_delay_ms(int attempt, int64_t base_ms, int64_t max_ms, Random& rng);

 private:
  enum class OpKind { Bootstrap, Refresh, GetPeers, Announce };
  enum class Phase { Lookup, Announcing, Finished };
  enum class RpcKind { LookupQuery, Announce, Ping };

  struct Operation {
    OpKind kind = OpKind::GetPeers;
    InfoHash target;
    uint16_t port = 0;
    std::vector<Lookup> lookups;   // one per family...
    std::vector<Family> families;  // ...in this order
    Phase phase = Phase::Lookup;
    size_t announce_pending = 0;
    LookupResult result;
    int64_t started_ms = 0;
    LookupCallback cb;
  };

  struct Pending {
    RpcKind kind = RpcKind::Ping;
    Endpoint to;
    std::optional<NodeId> expected;
    int64_t deadline = 0;
    OperationId op = 0;
    size_t lookup = 0;
    size_t slot = 0;
  };

  struct PingRequest {
    Endpoint ep;
    std::optional<NodeId> id;
  };

  RoutingTable* table_mut(Family f);
  bool family_enabled(Family f) const;
  bool is_self(const Endpoint& ep) const;
  bool acceptable_node(const NodeId& id, const Endpoint& ep);

  void handle_query(const Message& m, const Endpoint& from, int64_t now);
  void handle_reply(const Message& m, const Endpoint& from, int64_t now);
  void reply_error(const std::string& tid, int code, const std::string& msg, const Endpoint& to);
  void send_message(const Message& m, const Endpoint& to);
  std::string new_tid();
  void send_query(Message& m, const Endpoint& to, Pending p, int64_t now);
  void fill_nodes(Response& r, const NodeId& target, const Query& q, const Endpoint& from,
                  int64_t now) const;

  OperationId start_operation(OpKind kind, const InfoHash& target, uint16_t port,
                              std::optional<Family> only, LookupCallback cb, int64_t now);
  void learn(const NodeId& id, const Endpoint& ep, int64_t now);
  void queue_ping(const Endpoint& ep, const std::optional<NodeId>& id);
  void on_rpc_timeout(const Pending& p, int64_t now);
  void advance(int64_t now);
  void advance_operation(OperationId id, Operation& op, int64_t now);
  void finish_lookups(OperationId id, Operation& op, int64_t now);
  void maintenance(int64_t now);
  void fire_callbacks(int64_t now);
  void on_bootstrap_finished(int64_t now);

  DhtConfig cfg_;
  Transport& transport_;
  Clock& clock_;
  Random& rng_;
  NodeId id_;
  std::optional<RoutingTable> table4_, table6_;
  TokenManager tokens_;
  PeerStore peers_;
  RateLimiter limiter_;
  ExternalAddressVotes external_;
  DecodeLimits decode_limits_;
  Stats stats_;

  std::unordered_map<std::string, Pending> pending_;
  std::map<OperationId, Operation> ops_;
  OperationId next_op_ = 1;
  std::deque<PingRequest> ping_queue_;
  size_t pings_in_flight_ = 0;

  bool started_ = false;
  bool bootstrapped_ = false;
  int bootstrap_attempt_ = 0;
  int64_t next_bootstrap_ms_ = INT64_MAX;
  OperationId bootstrap_op_ = 0;
  OperationId refresh_op_ = 0;
  int64_t next_expiry_ms_ = 0;
};

}  // namespace wgmesh::dht
