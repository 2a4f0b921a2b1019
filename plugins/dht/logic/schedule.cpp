#include "schedule.h"

#include <algorithm>
#include <cmath>

namespace wgmesh::dht::plugin {

int64_t Schedule::jitter(int64_t ms, double spread) {
  const double f = 1.0 - spread + 2.0 * spread * rng_.unit();
  return std::max<int64_t>(1, static_cast<int64_t>(std::llround(static_cast<double>(ms) * f)));
}

void Schedule::start(int64_t now_ms) {
  started_ = true;
  announce_at_ = now_ms;
  query_at_ = now_ms;
  save_at_ = now_ms + cfg_.save_interval_ms;
  query_interval_ = cfg_.query_interval_ms;
}

bool Schedule::announce_due(int64_t now_ms, int64_t hour) const {
  if (!started_ || announcing_ || held_) return false;
  return now_ms >= announce_at_ || (announced_hour_ >= 0 && hour != announced_hour_);
}

void Schedule::announce_started(int64_t hour) {
  announcing_ = true;
  announced_hour_ = hour;
}

void Schedule::announce_finished(int64_t now_ms, size_t acks) {
  announcing_ = false;
  last_announce_acked_ = acks > 0;
  if (last_announce_acked_) {
    announce_failures_ = 0;
    announce_at_ = now_ms + jitter(cfg_.announce_interval_ms, 0.1);
  } else {
    const int64_t backoff = std::min(
        cfg_.announce_interval_ms, cfg_.announce_retry_base_ms << std::min(announce_failures_, 20));
    ++announce_failures_;
    announce_at_ = now_ms + jitter(backoff, 0.25);
  }
  if (reannounce_) {
    reannounce_ = false;
    announce_at_ = now_ms;
  }
  // Whoever announced last finds the others by looking now.
  if (querying_)
    requery_ = true;
  else
    query_at_ = std::min(query_at_, now_ms);
}

bool Schedule::query_due(int64_t now_ms) const {
  return started_ && !querying_ && !held_ && now_ms >= query_at_;
}

void Schedule::query_started() {
  querying_ = true;
  requery_ = false;
}

void Schedule::query_finished(int64_t now_ms, size_t peer_count) {
  querying_ = false;
  query_interval_ =
      peer_count >= cfg_.many_peers ? 2 * cfg_.query_interval_ms : cfg_.query_interval_ms;
  query_at_ = requery_ ? now_ms : now_ms + jitter(query_interval_, 0.1);
  requery_ = false;
}

void Schedule::bootstrapped(int64_t now_ms, bool thin_announce) {
  if (!started_) return;
  if (querying_)
    requery_ = true;
  else
    query_at_ = std::min(query_at_, now_ms);
  // An announce that went out before the table had real nodes may have reached nobody, or
  // only the routers.
  if (!thin_announce && last_announce_acked_) return;
  if (announcing_)
    reannounce_ = true;
  else
    announce_at_ = std::min(announce_at_, now_ms);
}

int64_t Schedule::next_due(int64_t now_ms, int64_t ms_to_next_hour) const {
  if (!started_) return INT64_MAX;
  int64_t t = save_at_;
  if (!announcing_ && !held_)
    t = std::min({t, announce_at_, now_ms + std::max<int64_t>(ms_to_next_hour, 0)});
  if (!querying_ && !held_) t = std::min(t, query_at_);
  return std::max(t, now_ms);
}

}  // namespace wgmesh::dht::plugin
