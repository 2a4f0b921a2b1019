#include "exchange_gate.h"

#include <algorithm>
#include <cmath>

namespace wgmesh::dht::plugin {

namespace {
double burst_of(const GateLimits& l) {
  return static_cast<double>(std::max<size_t>(1, std::min<size_t>(l.max_in_flight, l.per_minute)));
}
}  // namespace

ExchangeGate::ExchangeGate(GateLimits limits, int64_t now_ms)
    : limits_(limits), tokens_(burst_of(limits)), refilled_ms_(now_ms) {}

void ExchangeGate::refill(int64_t now_ms) const {
  if (now_ms <= refilled_ms_) return;
  const double per_ms = static_cast<double>(limits_.per_minute) / 60000.0;
  tokens_ =
      std::min(burst_of(limits_), tokens_ + per_ms * static_cast<double>(now_ms - refilled_ms_));
  refilled_ms_ = now_ms;
}

// Forgets idle addresses whose dedup window has passed; false if still no room.
bool ExchangeGate::make_room(int64_t now_ms) {
  if (tracks_.size() < limits_.max_tracked) return true;
  for (auto it = tracks_.begin(); it != tracks_.end();) {
    if (it->second.state == State::Idle && now_ms - it->second.last_start >= limits_.recontact_ms)
      it = tracks_.erase(it);
    else
      ++it;
  }
  return tracks_.size() < limits_.max_tracked;
}

ExchangeGate::Verdict ExchangeGate::offer(const Endpoint& addr, int64_t now_ms) {
  auto it = tracks_.find(addr);
  if (it != tracks_.end()) {
    Track& t = it->second;
    if (t.state != State::Idle) return Verdict::Duplicate;
    if (t.last_start >= 0 && now_ms - t.last_start < limits_.recontact_ms)
      return Verdict::Duplicate;
    if (queue_.size() >= limits_.max_queue) return Verdict::Full;
    t = Track{};
    queue_.push_back(addr);
    return Verdict::Queued;
  }
  if (queue_.size() >= limits_.max_queue || !make_room(now_ms)) return Verdict::Full;
  tracks_.emplace(addr, Track{});
  queue_.push_back(addr);
  return Verdict::Queued;
}

std::vector<Endpoint> ExchangeGate::take_ready(int64_t now_ms) {
  std::vector<Endpoint> out;
  refill(now_ms);
  auto start = [&](const Endpoint& addr, Track& t) {
    t.state = State::InFlight;
    t.last_start = now_ms;
    ++t.attempts;
    ++in_flight_;
    tokens_ -= 1.0;
    out.push_back(addr);
  };
  // Retries first: they were offered earlier than anything still queued.
  if (retry_count_ > 0) {
    for (auto& [addr, t] : tracks_) {
      if (in_flight_ >= limits_.max_in_flight || tokens_ < 1.0) break;
      if (t.state == State::RetryWait && t.retry_at <= now_ms) {
        --retry_count_;
        start(addr, t);
      }
    }
  }
  while (!queue_.empty() && in_flight_ < limits_.max_in_flight && tokens_ >= 1.0) {
    const Endpoint addr = queue_.front();
    queue_.pop_front();
    start(addr, tracks_[addr]);
  }
  return out;
}

void ExchangeGate::finished(const Endpoint& addr, bool ok, int64_t now_ms, Random& rng) {
  auto it = tracks_.find(addr);
  if (it == tracks_.end() || it->second.state != State::InFlight) return;
  Track& t = it->second;
  --in_flight_;
  if (!ok && t.attempts <= limits_.max_retries) {
    // Backoff base, 2x base, ...; each x[0.75, 1.25] so that a crowd of nodes which found
    // the same dead address at the same moment does not retry in lockstep.
    const double backoff = static_cast<double>(limits_.retry_base_ms) *
                           static_cast<double>(1u << std::min(t.attempts - 1, 10)) *
                           (0.75 + 0.5 * rng.unit());
    t.state = State::RetryWait;
    t.retry_at = now_ms + static_cast<int64_t>(std::llround(backoff));
    ++retry_count_;
    ++retries_;
    return;
  }
  t.state = State::Idle;
  t.idle_since = now_ms;
}

int64_t ExchangeGate::next_due(int64_t now_ms) const {
  if (in_flight_ >= limits_.max_in_flight) return INT64_MAX;
  int64_t due = INT64_MAX;
  if (!queue_.empty()) due = now_ms;
  if (retry_count_ > 0)
    for (const auto& [addr, t] : tracks_)
      if (t.state == State::RetryWait) due = std::min(due, std::max(t.retry_at, now_ms));
  if (due == INT64_MAX) return due;
  refill(now_ms);
  if (tokens_ >= 1.0) return due;
  const double per_ms = static_cast<double>(limits_.per_minute) / 60000.0;
  const auto wait = static_cast<int64_t>(std::ceil((1.0 - tokens_) / per_ms));
  return std::max(due, now_ms + wait);
}

}  // namespace wgmesh::dht::plugin
