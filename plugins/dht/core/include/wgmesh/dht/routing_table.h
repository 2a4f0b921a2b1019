// Kademlia routing table (BEP 5): k-buckets keyed by shared-prefix length with our own
// ID. Only the bucket that covers our own ID is split, so the table holds at most
// 160 buckets of k nodes plus a small replacement cache each, and `max_nodes` caps the
// live entries on top of that: memory is bounded whatever the network sends us.
//
// One table per address family (BEP 32 keeps the IPv4 and IPv6 DHTs separate).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "wgmesh/dht/endpoint.h"
#include "wgmesh/dht/krpc.h"
#include "wgmesh/dht/node_id.h"

namespace wgmesh::dht {

class Random;

enum class NodeState { Good, Questionable, Bad };

struct RoutingEntry {
  NodeId id;
  Endpoint ep;
  int64_t added_ms = 0;
  int64_t last_response_ms = -1;  // -1: has never answered one of our queries
  int64_t last_query_ms = -1;     // last time it sent us a query
  int fail_count = 0;             // consecutive unanswered queries
  bool confirmed() const { return last_response_ms >= 0; }
  int64_t last_seen() const;
};

struct RoutingTableConfig {
  size_t k = 8;
  size_t replacements = 8;                         // cache per bucket
  size_t max_nodes = 1280;                         // live entries, all buckets together
  int64_t questionable_after_ms = 15 * 60 * 1000;  // BEP 5 "good" window
  int64_t refresh_interval_ms = 15 * 60 * 1000;
  int max_failures = 2;  // a confirmed node turns bad after this many misses in a row
};

class RoutingTable {
 public:
  enum class Outcome { Added, Updated, Cached, Rejected };
  struct InsertResult {
    Outcome outcome = Outcome::Rejected;
    // When the node was only cached because its bucket is full of live-looking nodes:
    // the least recently seen questionable node, which the caller should ping. If that
    // ping fails, failed() swaps in the cached node.
    std::optional<RoutingEntry> ping;
  };

  RoutingTable(const NodeId& self, Family family, RoutingTableConfig cfg, int64_t now_ms);

  // `responded`: the node answered a query of ours (it is reachable, hence good).
  // Otherwise it is an unverified hint (nodes file), kept as questionable until it answers.
  InsertResult heard_from(const NodeId& id, const Endpoint& ep, bool responded, int64_t now_ms);
  // The node sent us a query: refreshes an existing entry only (see DhtNode for why).
  void queried_by(const NodeId& id, const Endpoint& ep, int64_t now_ms);
  // A query to it went unanswered (or was answered by a different ID).
  void failed(const NodeId& id, const Endpoint& ep, int64_t now_ms);

  // Whether heard_from(id, ..., true) could store the node now (free slot, a bad node to
  // evict, or a splittable bucket). Used to decide if verifying a stranger is worth a ping.
  bool would_accept(const NodeId& id, int64_t now_ms) const;

  const RoutingEntry* find(const NodeId& id) const;
  NodeState state(const RoutingEntry& e, int64_t now_ms) const;

  // The n closest non-bad nodes to target, closest first.
  std::vector<NodeInfo> closest(const NodeId& target, size_t n, int64_t now_ms) const;
  std::vector<RoutingEntry> entries() const;

  size_t size() const { return size_; }
  size_t good_count(int64_t now_ms) const;
  size_t confirmed_count() const;
  size_t bucket_count() const { return buckets_.size(); }
  size_t replacement_count() const;
  Family family() const { return family_; }
  const NodeId& self() const { return self_; }

  // Bucket refresh (BEP 5: a bucket untouched for 15 min gets a lookup for a random ID in
  // its range). take_refresh_target() returns such an ID and marks the bucket refreshed.
  int64_t next_refresh_ms() const;
  std::optional<NodeId> take_refresh_target(int64_t now_ms, Random& rng);

  // Approximate heap + object footprint, for the memory-bound figures.
  size_t memory_bytes() const;

 private:
  struct Bucket {
    std::vector<RoutingEntry> nodes;
    std::vector<RoutingEntry> cache;  // replacement candidates, oldest first
    int64_t last_changed = 0;
  };

  size_t index_for(const NodeId& id) const;
  RoutingEntry* find_mut(const NodeId& id);
  bool find_endpoint(const Endpoint& ep, size_t& bucket, size_t& pos) const;
  void remove_at(size_t bucket, size_t pos);
  void promote_replacement(Bucket& b);
  void add_to_cache(Bucket& b, const RoutingEntry& e);
  void split(int64_t now_ms);

  NodeId self_;
  Family family_;
  RoutingTableConfig cfg_;
  std::vector<Bucket> buckets_;
  size_t size_ = 0;
};

}  // namespace wgmesh::dht
