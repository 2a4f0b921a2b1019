// Replay protection for received envelopes (crypto.md §10 item 3, discovery.md §2.2
// "Improvement"): Go accepts any captured envelope until its timestamp is 600 s old on the
// receiver's clock. This cache remembers the nonces of authenticated envelopes for the
// whole acceptance window (>= 1200 s, so skewed clocks cannot outlive it) and classifies a
// repeat:
//  - identical bytes from the same source within 5 s of the first sighting are a
//    retransmission: Go resends the very same HELLO every 100 ms while hole punching, so
//    these must be answered again (rate-limited) without re-applying state changes;
//  - any other reuse of a nonce (later, other bytes, other type, other source) is a replay.
//
// Record only envelopes that authenticated: recording unauthenticated datagrams would let
// anyone plant nonces. Do not use the cache for re-reads of the same registry text.
// Not thread-safe: one cache per receiving socket, used from its receive loop.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string_view>
#include <unordered_map>

#include "keys/primitives.h"

namespace wgmesh::keys {

enum class ReplayVerdict {
  kFresh,           // first sighting of this nonce: process normally
  kRetransmission,  // same bytes, same source, within the retransmit window: answer again
  kReplay,          // nonce reuse otherwise: drop
};

struct ReplayCacheConfig {
  std::chrono::seconds window{1200};
  std::chrono::seconds retransmit_window{5};
  size_t max_entries = 65536;
};

class ReplayCache {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit ReplayCache(ReplayCacheConfig config = {});

  // Classifies an authenticated envelope and records its nonce if it is new. O(1) amortised.
  ReplayVerdict check(const GcmNonce& nonce, std::string_view datagram, std::string_view source,
                      TimePoint now);

  size_t size() const { return entries_.size(); }
  void clear();

 private:
  using Fingerprint = std::array<uint8_t, 16>;

  struct Entry {
    Fingerprint fingerprint;  // keyed hash of (source, datagram)
    TimePoint first_seen;
  };

  // Keyed SipHash over the nonce, so that peers cannot aim nonces at one hash bucket.
  struct NonceHash {
    std::array<uint8_t, 16> key;
    size_t operator()(const GcmNonce& nonce) const;
  };

  Fingerprint fingerprint(std::string_view datagram, std::string_view source) const;
  void expire(TimePoint now);

  ReplayCacheConfig config_;
  std::array<uint8_t, 32> fingerprint_key_{};
  std::unordered_map<GcmNonce, Entry, NonceHash> entries_;
  std::deque<std::pair<TimePoint, GcmNonce>> order_;  // insertion order, oldest first
};

}  // namespace wgmesh::keys
