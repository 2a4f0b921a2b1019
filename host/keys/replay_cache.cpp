#include "keys/replay_cache.h"

#include <sodium.h>

#include "keys/bytes.h"
#include "keys/random.h"

namespace wgmesh::keys {

namespace {

std::array<uint8_t, 16> random_hash_key() {
  std::array<uint8_t, 16> key;
  system_random(key);
  return key;
}

}  // namespace

size_t ReplayCache::NonceHash::operator()(const GcmNonce& nonce) const {
  uint64_t h = 0;
  static_assert(crypto_shorthash_BYTES == sizeof(h));
  crypto_shorthash(reinterpret_cast<unsigned char*>(&h), nonce.data(), nonce.size(), key.data());
  return static_cast<size_t>(h);
}

ReplayCache::ReplayCache(ReplayCacheConfig config)
    : config_(config), entries_(0, NonceHash{random_hash_key()}) {
  system_random(fingerprint_key_);
}

ReplayCache::Fingerprint ReplayCache::fingerprint(std::string_view datagram,
                                                  std::string_view source) const {
  crypto_generichash_state state;
  crypto_generichash_init(&state, fingerprint_key_.data(), fingerprint_key_.size(),
                          sizeof(Fingerprint));
  // Length-prefix the source so (source, datagram) pairs cannot collide by concatenation.
  const uint64_t source_len = source.size();
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&source_len),
                            sizeof(source_len));
  crypto_generichash_update(&state, as_bytes(source).data(), source.size());
  crypto_generichash_update(&state, as_bytes(datagram).data(), datagram.size());
  Fingerprint out;
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

void ReplayCache::expire(TimePoint now) {
  while (!order_.empty() && now - order_.front().first >= config_.window) {
    entries_.erase(order_.front().second);
    order_.pop_front();
  }
}

ReplayVerdict ReplayCache::check(const GcmNonce& nonce, std::string_view datagram,
                                 std::string_view source, TimePoint now) {
  expire(now);
  const Fingerprint fp = fingerprint(datagram, source);
  if (const auto it = entries_.find(nonce); it != entries_.end()) {
    const bool identical = sodium_memcmp(it->second.fingerprint.data(), fp.data(), fp.size()) == 0;
    if (identical && now - it->second.first_seen <= config_.retransmit_window) {
      return ReplayVerdict::kRetransmission;
    }
    return ReplayVerdict::kReplay;
  }
  if (config_.max_entries == 0) return ReplayVerdict::kFresh;
  // Full: forget the oldest nonce. Under sustained load above max_entries/window messages
  // per second this shortens the protected window for the oldest entries.
  while (entries_.size() >= config_.max_entries && !order_.empty()) {
    entries_.erase(order_.front().second);
    order_.pop_front();
  }
  entries_.emplace(nonce, Entry{fp, now});
  order_.emplace_back(now, nonce);
  return ReplayVerdict::kFresh;
}

void ReplayCache::clear() {
  entries_.clear();
  order_.clear();
}

}  // namespace wgmesh::keys
