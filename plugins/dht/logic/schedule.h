// When the plugin announces, queries and saves its node table (discovery.md §3.3-§3.5),
// as a passive state machine over monotonic milliseconds.
//
// The original's cadence, kept: announce at start, then every announce_interval (15 min)
// and whenever the hour (hence the infohash) changes; query at start, then every
// query_interval (30 s), doubled while the store holds >= 3 peers. Changes, for fast and
// robust convergence:
//   - query again as soon as the bootstrap completes and as soon as one of our own announce
//     rounds completes (a node that announced late finds the earlier ones at once instead
//     of 30 s later);
//   - an announce round nobody acknowledged is retried after 5, 10, 20... s (capped at the
//     announce interval), with jitter, instead of waiting 15 min;
//   - the interval goes back to the fast one when peers are lost (the original never did);
//   - every interval gets +-10% jitter so nodes started together do not stay in lockstep;
//   - rounds can be held while the node has no DHT contact at all (after the first ones at
//     start): they could only re-ask the bootstrap routers, which the node's own bootstrap
//     retry (with backoff) already does, so an offline or LAN-only node stays quiet.
#pragma once

#include <cstdint>

#include "wgmesh/dht/env.h"

namespace wgmesh::dht::plugin {

struct ScheduleConfig {
  int64_t query_interval_ms = 30000;
  int64_t announce_interval_ms = 15 * 60 * 1000;
  int64_t save_interval_ms = 5 * 60 * 1000;
  int64_t announce_retry_base_ms = 5000;
  size_t many_peers = 3;  // at or above this many peers, query half as often
};

class Schedule {
 public:
  Schedule(ScheduleConfig cfg, Random& rng) : cfg_(cfg), rng_(rng) {}

  void start(int64_t now_ms);

  bool announce_due(int64_t now_ms, int64_t hour) const;
  void announce_started(int64_t hour);
  // `acks`: announce_peer replies over the whole round (both infohashes).
  void announce_finished(int64_t now_ms, size_t acks);

  bool query_due(int64_t now_ms) const;
  void query_started();
  void query_finished(int64_t now_ms, size_t peer_count);

  bool save_due(int64_t now_ms) const { return started_ && now_ms >= save_at_; }
  void saved(int64_t now_ms) { save_at_ = now_ms + cfg_.save_interval_ms; }

  // The DHT node finished its first bootstrap (or a re-bootstrap). `thin_announce`: the last
  // announce round started before that, from the routers alone, so it may have reached only
  // a few of the nodes closest to the infohash (nodes that store values answer get_peers
  // with values and no nodes, which stops a lookup early): announce again now.
  void bootstrapped(int64_t now_ms, bool thin_announce);
  // While held, announce and query rounds wait (their due times are kept).
  void hold(bool held) { held_ = held; }
  bool held() const { return held_; }

  // The earliest time anything above becomes due; `ms_to_next_hour` moves the announce.
  int64_t next_due(int64_t now_ms, int64_t ms_to_next_hour) const;

  bool announcing() const { return announcing_; }
  bool querying() const { return querying_; }
  int64_t current_query_interval_ms() const { return query_interval_; }
  int announce_failures() const { return announce_failures_; }

 private:
  int64_t jitter(int64_t ms, double spread);

  ScheduleConfig cfg_;
  Random& rng_;
  bool started_ = false;
  bool announcing_ = false, querying_ = false;
  bool requery_ = false;  // a query was asked for while one was running
  bool held_ = false;
  bool reannounce_ = false;  // announce again as soon as the running round ends
  int64_t announce_at_ = INT64_MAX, query_at_ = INT64_MAX, save_at_ = INT64_MAX;
  int64_t announced_hour_ = -1;
  int announce_failures_ = 0;
  bool last_announce_acked_ = false;
  int64_t query_interval_ = 0;
};

}  // namespace wgmesh::dht::plugin
