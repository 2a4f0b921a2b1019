#include "core/announce_scheduler.h"

#include <algorithm>

namespace wgmesh::lan {

AnnounceScheduler::AnnounceScheduler(ScheduleParams params) : params_(params) {
  // Keep the arithmetic sane whatever the caller passes (config validation is elsewhere).
  params_.min_interval_ms = std::max<uint64_t>(params_.min_interval_ms, 1);
  params_.max_interval_ms = std::max(params_.max_interval_ms, params_.min_interval_ms);
  interval_ms_ = adaptive() ? params_.min_interval_ms : params_.fixed_interval_ms;
}

void AnnounceScheduler::start(uint64_t now_ms) {
  started_ = true;
  trigger_pending_ = false;
  has_triggered_send_ = false;
  next_due_ms_ = now_ms;
  interval_ms_ = adaptive() ? params_.min_interval_ms : params_.fixed_interval_ms;
}

void AnnounceScheduler::sent(uint64_t now_ms) {
  if (trigger_pending_) {
    // Whatever made this send happen, it carried the pending change: it is the one the
    // spacing counts from.
    trigger_pending_ = false;
    has_triggered_send_ = true;
    last_triggered_ms_ = now_ms;
  }
  if (!adaptive()) {
    // Like Go's time.Ticker: ticks stay on the start + k·interval grid, a late send does not
    // shift later ones, and ticks missed while busy are skipped rather than bunched up.
    uint64_t anchor = std::min(next_due_ms_, now_ms);
    next_due_ms_ = anchor + ((now_ms - anchor) / interval_ms_ + 1) * interval_ms_;
    return;
  }
  next_due_ms_ = now_ms + interval_ms_;
  interval_ms_ = std::min(interval_ms_ * 2, params_.max_interval_ms);
}

bool AnnounceScheduler::trigger(Trigger, uint64_t now_ms) {
  // Both kinds of trigger are handled alike; the enum documents call sites and lets a
  // future policy tell them apart.
  if (!started_ || !adaptive()) return false;
  interval_ms_ = params_.min_interval_ms;
  trigger_pending_ = true;
  uint64_t earliest = now_ms;
  if (has_triggered_send_)
    earliest = std::max(earliest, last_triggered_ms_ + params_.trigger_spacing_ms);
  if (earliest >= next_due_ms_) return false;
  next_due_ms_ = earliest;
  return true;
}

}  // namespace wgmesh::lan
