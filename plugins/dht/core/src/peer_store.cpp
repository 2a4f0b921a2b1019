#include "wgmesh/dht/peer_store.h"

#include <algorithm>

#include "wgmesh/dht/env.h"

namespace wgmesh::dht {

void PeerStore::announce(const InfoHash& ih, const Endpoint& peer, int64_t now_ms) {
  auto it = map_.find(ih);
  if (it == map_.end()) {
    if (map_.size() >= limits_.max_infohashes) {
      // Evict the key announced least recently (a fully expired key is always such a
      // candidate). No full expiry sweep here: that scans every stored peer, and anyone
      // holding a token could trigger it once per packet. The timer sweeps instead.
      auto oldest = std::min_element(map_.begin(), map_.end(), [](const auto& a, const auto& b) {
        return a.second.newest < b.second.newest;
      });
      map_.erase(oldest);
    }
    it = map_.emplace(ih, Bucket{}).first;
  }
  Bucket& b = it->second;
  b.newest = now_ms;
  const int64_t expires = now_ms + limits_.ttl_ms;
  for (auto& e : b.peers) {
    if (e.ep == peer) {
      e.expires = expires;
      return;
    }
  }
  if (b.peers.size() >= limits_.max_peers_per_hash) {
    auto oldest =
        std::min_element(b.peers.begin(), b.peers.end(),
                         [](const Entry& x, const Entry& y) { return x.expires < y.expires; });
    *oldest = Entry{peer, expires};
    return;
  }
  b.peers.push_back(Entry{peer, expires});
}

std::vector<Endpoint> PeerStore::get(const InfoHash& ih, Family family, size_t max, int64_t now_ms,
                                     Random& rng) const {
  std::vector<Endpoint> out;
  auto it = map_.find(ih);
  if (it == map_.end()) return out;
  for (const auto& e : it->second.peers)
    if (e.expires > now_ms && e.ep.family == family) out.push_back(e.ep);
  // Partial Fisher-Yates: only the first `max` positions need to be random.
  for (size_t i = 0; i < out.size() && i < max; ++i) {
    size_t j = i + static_cast<size_t>(rng.uniform(out.size() - i));
    std::swap(out[i], out[j]);
  }
  if (out.size() > max) out.resize(max);
  return out;
}

void PeerStore::expire(int64_t now_ms) {
  for (auto it = map_.begin(); it != map_.end();) {
    auto& peers = it->second.peers;
    peers.erase(std::remove_if(peers.begin(), peers.end(),
                               [now_ms](const Entry& e) { return e.expires <= now_ms; }),
                peers.end());
    it = peers.empty() ? map_.erase(it) : std::next(it);
  }
}

size_t PeerStore::peer_count() const {
  size_t n = 0;
  for (const auto& [k, b] : map_) n += b.peers.size();
  return n;
}

}  // namespace wgmesh::dht

namespace wgmesh::dht {

size_t PeerStore::memory_bytes() const {
  // Per key: the hash node (key + Bucket + next pointer + cached hash) and a bucket slot.
  size_t n = sizeof(*this) + map_.bucket_count() * sizeof(void*);
  for (const auto& [k, b] : map_)
    n += sizeof(InfoHash) + sizeof(Bucket) + 2 * sizeof(void*) + b.peers.capacity() * sizeof(Entry);
  return n;
}

}  // namespace wgmesh::dht
