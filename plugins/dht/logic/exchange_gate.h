// Which addresses found in the DHT get a HELLO/REPLY exchange, and when.
//
// A DHT value is an unauthenticated claim: any node, even without the mesh secret, can
// return thousands of arbitrary addresses, and each exchange sends a victim up to 40 HELLOs
// (punching). The original had no cap (discovery.md §3.4). The gate bounds that:
//   - at most `max_in_flight` exchanges at a time;
//   - a token bucket of `per_minute` starts (burst up to max_in_flight);
//   - each address at most once per `recontact_ms` (the original's 60 s dedup), whether it
//     succeeded or not, and never while it is queued, running or waiting for a retry;
//   - a failed exchange is retried up to `max_retries` times after a jittered backoff
//     (retry_base_ms, doubling), because the peer may simply not have been up yet;
//   - bounded memory: a queue of `max_queue` and `max_tracked` remembered addresses.
// The plugin filters values (port, family, self) before offering them; the gate only
// schedules. It is a passive state machine: no clock or timer of its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "wgmesh/dht/endpoint.h"
#include "wgmesh/dht/env.h"

namespace wgmesh::dht::plugin {

struct GateLimits {
  size_t max_in_flight = 8;
  uint32_t per_minute = 60;
  int64_t recontact_ms = 60000;
  size_t max_queue = 256;
  size_t max_tracked = 4096;
  int max_retries = 2;
  int64_t retry_base_ms = 10000;
};

class ExchangeGate {
 public:
  enum class Verdict { Queued, Duplicate, Full };

  ExchangeGate(GateLimits limits, int64_t now_ms);

  Verdict offer(const Endpoint& addr, int64_t now_ms);
  // Addresses to exchange with now; they count as in flight until finished().
  std::vector<Endpoint> take_ready(int64_t now_ms);
  // The outcome of an exchange take_ready() handed out.
  void finished(const Endpoint& addr, bool ok, int64_t now_ms, Random& rng);
  // When take_ready() may next return something: INT64_MAX when nothing waits (or only a
  // finished() can unblock it, which the caller sees anyway).
  int64_t next_due(int64_t now_ms) const;

  size_t in_flight() const { return in_flight_; }
  size_t queued() const { return queue_.size() + retry_count_; }
  size_t tracked() const { return tracks_.size(); }
  uint64_t retries_scheduled() const { return retries_; }

 private:
  enum class State { Queued, InFlight, RetryWait, Idle };
  struct Track {
    State state = State::Queued;
    int attempts = 0;         // exchanges started for the current offer
    int64_t last_start = -1;  // when the last exchange started
    int64_t retry_at = 0;     // RetryWait: when it may start again
    int64_t idle_since = 0;
  };

  void refill(int64_t now_ms) const;
  bool make_room(int64_t now_ms);

  GateLimits limits_;
  std::map<Endpoint, Track> tracks_;
  std::deque<Endpoint> queue_;  // Queued, FIFO
  size_t retry_count_ = 0;      // tracks in RetryWait
  size_t in_flight_ = 0;
  uint64_t retries_ = 0;
  // Token bucket (mutable: refilling is an observation of elapsed time, not a change).
  mutable double tokens_;
  mutable int64_t refilled_ms_;
};

}  // namespace wgmesh::dht::plugin
