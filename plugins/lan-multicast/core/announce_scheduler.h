// When to multicast the next LAN announcement. Pure logic over an injected clock (ms); the
// plugin arms one host timer for next_due().
//
// The original (Go) announces at start and then every 5 s forever. This scheduler stays
// wire-compatible but is event-driven:
//  - at start, at once;
//  - when something worth telling changes (local node changed, a new peer appeared on the
//    LAN, so that the newcomer learns about us within milliseconds instead of up to 5 s),
//    at once; these extra sends are rate-limited to one per `trigger_spacing_ms`. The spacing
//    counts from the previous triggered send only, not from the periodic ones: when several
//    nodes start together, the first one's start announcement reaches nobody (the others
//    have not joined yet), and its answer to them must not wait for the spacing;
//  - otherwise with an exponential backoff min, 2·min, 4·min, ... capped at max.
// Every trigger also resets the backoff to min, so a datagram lost right after a change is
// repeated within about min_interval_ms instead of only after the long interval.
//
// Why a 30 s cap is safe next to Go peers: a Go node counts a peer as active for 5 minutes
// after its last sighting (and deletes it after 10), and the endpoint it learned through
// LAN ranks highest ("lan", rank 100) with no expiry of its own. Announcing every 30 s
// therefore keeps us active in every Go store with ten sightings per window, enough to
// ride out several lost datagrams, while cutting steady-state multicast traffic sixfold.
#pragma once

#include <cstdint>

namespace wgmesh::lan {

struct ScheduleParams {
  uint64_t min_interval_ms = 1000;
  uint64_t max_interval_ms = 30000;
  // Non-zero: the original's behaviour (start, then exactly every N ms; triggers ignored).
  uint64_t fixed_interval_ms = 0;
  // Smallest gap between two sends caused by triggers (bursts of changes coalesce).
  uint64_t trigger_spacing_ms = 50;
};

class AnnounceScheduler {
 public:
  enum class Trigger { LocalChange, NewPeer };

  explicit AnnounceScheduler(ScheduleParams params);

  // The first announcement is due at `now_ms`.
  void start(uint64_t now_ms);
  // An announcement went out (or was attempted) at `now_ms`: plan the next periodic one.
  void sent(uint64_t now_ms);
  // Something changed. Returns true if this moved next_due() earlier (re-arm the timer).
  bool trigger(Trigger why, uint64_t now_ms);

  uint64_t next_due() const { return next_due_ms_; }
  bool due(uint64_t now_ms) const { return started_ && now_ms >= next_due_ms_; }
  // The gap that the next sent() will plan (for logs and tests).
  uint64_t current_interval() const { return interval_ms_; }
  bool adaptive() const { return params_.fixed_interval_ms == 0; }

 private:
  ScheduleParams params_;
  bool started_ = false;
  bool trigger_pending_ = false;  // the next send carries a change or answers a newcomer
  bool has_triggered_send_ = false;
  uint64_t last_triggered_ms_ = 0;
  uint64_t next_due_ms_ = 0;
  uint64_t interval_ms_ = 0;
};

}  // namespace wgmesh::lan
