// Peers announced to us (announce_peer), served back in get_peers "values".
// Memory is bounded on both axes: at most max_infohashes keys and max_peers_per_hash
// peers per key; entries expire after `ttl_ms` unless re-announced.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "wgmesh/dht/endpoint.h"
#include "wgmesh/dht/node_id.h"

namespace wgmesh::dht {

class Random;

struct PeerStoreLimits {
  size_t max_infohashes = 2000;
  size_t max_peers_per_hash = 100;
  int64_t ttl_ms = 30 * 60 * 1000;
};

class PeerStore {
 public:
  explicit PeerStore(PeerStoreLimits limits = {}) : limits_(limits) {}

  // Adds or refreshes a peer. When the infohash table is full the key whose newest
  // announce is oldest is evicted; when a key is full its oldest peer is replaced.
  void announce(const InfoHash& ih, const Endpoint& peer, int64_t now_ms);

  // Up to `max` live peers of the given family, in random order so every stored peer
  // gets handed out eventually even when there are more than fit in one reply.
  std::vector<Endpoint> get(const InfoHash& ih, Family family, size_t max, int64_t now_ms,
                            Random& rng) const;

  void expire(int64_t now_ms);
  size_t infohash_count() const { return map_.size(); }
  size_t peer_count() const;
  // Approximate heap footprint (entries, vectors, hash nodes), for the memory figures.
  size_t memory_bytes() const;

 private:
  struct Entry {
    Endpoint ep;
    int64_t expires;
  };
  struct Bucket {
    std::vector<Entry> peers;
    int64_t newest = 0;
  };
  PeerStoreLimits limits_;
  std::unordered_map<InfoHash, Bucket, NodeIdHash> map_;
};

}  // namespace wgmesh::dht
