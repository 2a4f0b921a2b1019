// A small bounded map that evicts the least recently used entry when full. Per-source tables
// (rate limiters, the LAN peer tracker) are keyed by attacker-controlled input, so they must
// never grow without bound. Header-only with no host dependencies, so the bundled plugins
// can include it without linking anything of the host.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <unordered_map>
#include <utility>

namespace wgmesh {

template <typename Key, typename Value, typename Hash = std::hash<Key>>
class LruMap {
 public:
  // A capacity of 0 acts as 1: "remember nothing" would make every lookup a fresh entry.
  explicit LruMap(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // The value for `key`, marked as most recently used; nullptr if absent.
  Value* find(const Key& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  // Inserts (or replaces) `key`, evicting the least recently used entry when full.
  Value& put(const Key& key, Value value) {
    if (Value* existing = find(key)) {
      *existing = std::move(value);
      return *existing;
    }
    if (order_.size() >= capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
    return order_.front().second;
  }

  size_t size() const { return order_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  using Entry = std::pair<Key, Value>;
  size_t capacity_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<Key, typename std::list<Entry>::iterator, Hash> index_;
};

}  // namespace wgmesh
