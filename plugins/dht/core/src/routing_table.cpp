#include "wgmesh/dht/routing_table.h"

#include <algorithm>

#include "wgmesh/dht/env.h"

namespace wgmesh::dht {

int64_t RoutingEntry::last_seen() const {
  return std::max({added_ms, last_response_ms, last_query_ms});
}

RoutingTable::RoutingTable(const NodeId& self, Family family, RoutingTableConfig cfg,
                           int64_t now_ms)
    : self_(self), family_(family), cfg_(cfg) {
  if (cfg_.k == 0) cfg_.k = 1;
  buckets_.emplace_back();
  buckets_.back().last_changed = now_ms;
}

size_t RoutingTable::index_for(const NodeId& id) const {
  return std::min(static_cast<size_t>(common_prefix_bits(self_, id)), buckets_.size() - 1);
}

NodeState RoutingTable::state(const RoutingEntry& e, int64_t now_ms) const {
  // Never-answered entries (nodes-file hints) get one chance; answered ones get
  // max_failures, so a single lost packet does not evict a long-lived node.
  if (!e.confirmed()) return e.fail_count >= 1 ? NodeState::Bad : NodeState::Questionable;
  if (e.fail_count >= cfg_.max_failures) return NodeState::Bad;
  const int64_t window = cfg_.questionable_after_ms;
  if (now_ms - e.last_response_ms < window) return NodeState::Good;
  if (e.last_query_ms >= 0 && now_ms - e.last_query_ms < window) return NodeState::Good;
  return NodeState::Questionable;
}

RoutingEntry* RoutingTable::find_mut(const NodeId& id) {
  Bucket& b = buckets_[index_for(id)];
  for (auto& e : b.nodes)
    if (e.id == id) return &e;
  return nullptr;
}

const RoutingEntry* RoutingTable::find(const NodeId& id) const {
  return const_cast<RoutingTable*>(this)->find_mut(id);
}

bool RoutingTable::find_endpoint(const Endpoint& ep, size_t& bucket, size_t& pos) const {
  for (size_t i = 0; i < buckets_.size(); ++i)
    for (size_t j = 0; j < buckets_[i].nodes.size(); ++j)
      if (buckets_[i].nodes[j].ep == ep) {
        bucket = i;
        pos = j;
        return true;
      }
  return false;
}

void RoutingTable::remove_at(size_t bucket, size_t pos) {
  Bucket& b = buckets_[bucket];
  b.nodes.erase(b.nodes.begin() + static_cast<std::ptrdiff_t>(pos));
  --size_;
  promote_replacement(b);
}

void RoutingTable::promote_replacement(Bucket& b) {
  if (b.cache.empty() || b.nodes.size() >= cfg_.k || size_ >= cfg_.max_nodes) return;
  // Prefer the newest entry that has proven reachable; otherwise the newest hint.
  auto it = std::find_if(b.cache.rbegin(), b.cache.rend(),
                         [](const RoutingEntry& e) { return e.confirmed(); });
  if (it == b.cache.rend()) it = b.cache.rbegin();
  b.nodes.push_back(*it);
  b.cache.erase(std::next(it).base());
  ++size_;
}

void RoutingTable::add_to_cache(Bucket& b, const RoutingEntry& e) {
  for (auto& c : b.cache)
    if (c.id == e.id || c.ep == e.ep) {
      c = e;
      return;
    }
  if (cfg_.replacements == 0) return;
  if (b.cache.size() >= cfg_.replacements) b.cache.erase(b.cache.begin());
  b.cache.push_back(e);
}

void RoutingTable::split(int64_t now_ms) {
  const size_t last = buckets_.size() - 1;
  buckets_.emplace_back();
  Bucket& old_b = buckets_[last];
  Bucket& new_b = buckets_[last + 1];
  auto moves = [&](std::vector<RoutingEntry>& from, std::vector<RoutingEntry>& to) {
    auto keep = std::stable_partition(from.begin(), from.end(), [&](const RoutingEntry& e) {
      return static_cast<size_t>(common_prefix_bits(self_, e.id)) == last;
    });
    std::move(keep, from.end(), std::back_inserter(to));
    from.erase(keep, from.end());
  };
  moves(old_b.nodes, new_b.nodes);
  moves(old_b.cache, new_b.cache);
  old_b.last_changed = new_b.last_changed = now_ms;
  // A split frees room on both sides; refill from the caches.
  while (old_b.nodes.size() < cfg_.k && !old_b.cache.empty() && size_ < cfg_.max_nodes)
    promote_replacement(old_b);
  while (new_b.nodes.size() < cfg_.k && !new_b.cache.empty() && size_ < cfg_.max_nodes)
    promote_replacement(new_b);
}

RoutingTable::InsertResult RoutingTable::heard_from(const NodeId& id, const Endpoint& ep,
                                                    bool responded, int64_t now_ms) {
  InsertResult res;
  if (id == self_ || id.is_zero() || ep.family != family_ || ep.port == 0) return res;

  if (RoutingEntry* e = find_mut(id)) {
    if (e->ep != ep) {
      // Same ID from a new address. Moving a live entry would let anyone who knows an ID
      // hijack its slot, so only dead or never-verified entries may move.
      if (state(*e, now_ms) != NodeState::Bad && e->confirmed()) return res;
      e->ep = ep;
      e->fail_count = 0;
    }
    if (responded) {
      e->last_response_ms = now_ms;
      e->fail_count = 0;
    }
    buckets_[index_for(id)].last_changed = now_ms;
    res.outcome = Outcome::Updated;
    return res;
  }

  // Same address, different ID: the node restarted with a new ID (or someone lies).
  // The live old entry wins until it stops answering.
  size_t ob = 0, op = 0;
  if (find_endpoint(ep, ob, op)) {
    const RoutingEntry& other = buckets_[ob].nodes[op];
    if (state(other, now_ms) != NodeState::Bad && other.confirmed()) return res;
    remove_at(ob, op);
  }

  RoutingEntry fresh;
  fresh.id = id;
  fresh.ep = ep;
  fresh.added_ms = now_ms;
  if (responded) fresh.last_response_ms = now_ms;

  for (;;) {
    const size_t idx = index_for(id);
    Bucket& b = buckets_[idx];
    if (b.nodes.size() < cfg_.k && size_ < cfg_.max_nodes) {
      b.nodes.push_back(fresh);
      ++size_;
      b.last_changed = now_ms;
      b.cache.erase(std::remove_if(b.cache.begin(), b.cache.end(),
                                   [&](const RoutingEntry& c) { return c.id == id; }),
                    b.cache.end());
      res.outcome = Outcome::Added;
      return res;
    }
    // Only a verified node may push out a bad one: an unverified hint is no better.
    if (responded) {
      for (auto& e : b.nodes) {
        if (state(e, now_ms) == NodeState::Bad) {
          e = fresh;
          b.last_changed = now_ms;
          res.outcome = Outcome::Added;
          return res;
        }
      }
    }
    if (idx == buckets_.size() - 1 && buckets_.size() < static_cast<size_t>(NodeId::kBits) &&
        b.nodes.size() >= cfg_.k) {
      split(now_ms);
      continue;
    }
    break;
  }

  Bucket& b = buckets_[index_for(id)];
  add_to_cache(b, fresh);
  res.outcome = Outcome::Cached;
  const RoutingEntry* oldest = nullptr;
  for (const auto& e : b.nodes)
    if (state(e, now_ms) == NodeState::Questionable &&
        (!oldest || e.last_seen() < oldest->last_seen()))
      oldest = &e;
  if (oldest) res.ping = *oldest;
  return res;
}

void RoutingTable::queried_by(const NodeId& id, const Endpoint& ep, int64_t now_ms) {
  RoutingEntry* e = find_mut(id);
  if (e && e->ep == ep) e->last_query_ms = now_ms;
}

void RoutingTable::failed(const NodeId& id, const Endpoint& ep, int64_t now_ms) {
  const size_t idx = index_for(id);
  Bucket& b = buckets_[idx];
  for (size_t i = 0; i < b.nodes.size(); ++i) {
    RoutingEntry& e = b.nodes[i];
    if (e.id != id || e.ep != ep) continue;
    ++e.fail_count;
    if (state(e, now_ms) != NodeState::Bad) return;
    // Dead: swap in a replacement if there is one. A dead entry without a replacement
    // stays (excluded from closest()) until a live node claims the slot; dropping it
    // would shrink the table on every burst of packet loss.
    if (!b.cache.empty() || !e.confirmed()) remove_at(idx, i);
    return;
  }
  b.cache.erase(std::remove_if(b.cache.begin(), b.cache.end(),
                               [&](const RoutingEntry& c) { return c.id == id && c.ep == ep; }),
                b.cache.end());
}

bool RoutingTable::would_accept(const NodeId& id, int64_t now_ms) const {
  if (id == self_ || id.is_zero()) return false;
  if (find(id)) return false;
  const size_t idx = index_for(id);
  const Bucket& b = buckets_[idx];
  if (b.nodes.size() < cfg_.k) return size_ < cfg_.max_nodes;
  if (idx == buckets_.size() - 1 && buckets_.size() < static_cast<size_t>(NodeId::kBits))
    return size_ < cfg_.max_nodes;
  for (const auto& e : b.nodes)
    if (state(e, now_ms) != NodeState::Good) return true;
  return false;
}

std::vector<NodeInfo> RoutingTable::closest(const NodeId& target, size_t n, int64_t now_ms) const {
  std::vector<const RoutingEntry*> all;
  all.reserve(size_);
  for (const auto& b : buckets_)
    for (const auto& e : b.nodes)
      if (state(e, now_ms) != NodeState::Bad) all.push_back(&e);
  const size_t m = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(m), all.end(),
                    [&](const RoutingEntry* a, const RoutingEntry* b) {
                      return closer_to(target, a->id, b->id);
                    });
  std::vector<NodeInfo> out;
  out.reserve(m);
  for (size_t i = 0; i < m; ++i) out.push_back({all[i]->id, all[i]->ep});
  return out;
}

std::vector<RoutingEntry> RoutingTable::entries() const {
  std::vector<RoutingEntry> out;
  out.reserve(size_);
  for (const auto& b : buckets_) out.insert(out.end(), b.nodes.begin(), b.nodes.end());
  return out;
}

size_t RoutingTable::good_count(int64_t now_ms) const {
  size_t n = 0;
  for (const auto& b : buckets_)
    for (const auto& e : b.nodes)
      if (state(e, now_ms) == NodeState::Good) ++n;
  return n;
}

size_t RoutingTable::confirmed_count() const {
  size_t n = 0;
  for (const auto& b : buckets_)
    for (const auto& e : b.nodes)
      if (e.confirmed() && e.fail_count < cfg_.max_failures) ++n;
  return n;
}

size_t RoutingTable::replacement_count() const {
  size_t n = 0;
  for (const auto& b : buckets_) n += b.cache.size();
  return n;
}

int64_t RoutingTable::next_refresh_ms() const {
  int64_t t = INT64_MAX;
  for (const auto& b : buckets_) t = std::min(t, b.last_changed + cfg_.refresh_interval_ms);
  return t;
}

std::optional<NodeId> RoutingTable::take_refresh_target(int64_t now_ms, Random& rng) {
  for (size_t i = 0; i < buckets_.size(); ++i) {
    Bucket& b = buckets_[i];
    if (now_ms < b.last_changed + cfg_.refresh_interval_ms) continue;
    b.last_changed = now_ms;
    if (i + 1 == buckets_.size()) {
      // The last bucket covers every ID sharing >= i bits with us: keep that prefix,
      // randomise the rest.
      NodeId id = NodeId::random(rng);
      for (size_t bit = 0; bit < i; ++bit) {
        auto byte = bit / 8;
        uint8_t mask = static_cast<uint8_t>(0x80 >> (bit % 8));
        id.bytes[byte] =
            static_cast<uint8_t>((id.bytes[byte] & ~mask) | (self_.bytes[byte] & mask));
      }
      return id;
    }
    return random_id_in_bucket(self_, static_cast<int>(i), rng);
  }
  return std::nullopt;
}

size_t RoutingTable::memory_bytes() const {
  size_t n = sizeof(*this) + buckets_.capacity() * sizeof(Bucket);
  for (const auto& b : buckets_)
    n += (b.nodes.capacity() + b.cache.capacity()) * sizeof(RoutingEntry);
  return n;
}

}  // namespace wgmesh::dht
