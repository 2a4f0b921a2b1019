// The announcement schedule: immediate start, exponential backoff to the cap, immediate (but
// spaced) sends on triggers, and the original's fixed-interval mode.
#include "core/announce_scheduler.h"

#include <gtest/gtest.h>

#include <vector>

using wgmesh::lan::AnnounceScheduler;
using wgmesh::lan::ScheduleParams;
using Trigger = AnnounceScheduler::Trigger;

namespace {

// Sends whenever due, from t=0 to `until`, and returns the send times.
std::vector<uint64_t> simulate(AnnounceScheduler& s, uint64_t until) {
  std::vector<uint64_t> sends;
  for (uint64_t t = 0; t <= until; t = s.next_due()) {
    if (s.due(t)) {
      s.sent(t);
      sends.push_back(t);
    }
  }
  return sends;
}

}  // namespace

TEST(AnnounceScheduler, NothingIsDueBeforeStart) {
  AnnounceScheduler s({});
  EXPECT_FALSE(s.due(0));
  EXPECT_FALSE(s.due(1000000));
  EXPECT_FALSE(s.trigger(Trigger::LocalChange, 5));
}

TEST(AnnounceScheduler, FirstAnnouncementIsImmediate) {
  AnnounceScheduler s({});
  s.start(1234);
  EXPECT_TRUE(s.due(1234));
  EXPECT_EQ(s.next_due(), 1234u);
}

TEST(AnnounceScheduler, BacksOffExponentiallyToTheCap) {
  AnnounceScheduler s({1000, 30000, 0, 500});
  s.start(0);
  auto sends = simulate(s, 200000);
  std::vector<uint64_t> expected = {0,     1000,  3000,   7000,   15000, 31000,
                                    61000, 91000, 121000, 151000, 181000};
  EXPECT_EQ(sends, expected);
}

TEST(AnnounceScheduler, IntervalsDoubleFromMinimum) {
  AnnounceScheduler s({250, 2000, 0, 500});
  s.start(0);
  std::vector<uint64_t> gaps;
  uint64_t t = 0;
  for (int i = 0; i < 6; ++i) {
    s.sent(t);
    gaps.push_back(s.next_due() - t);
    t = s.next_due();
  }
  EXPECT_EQ(gaps, (std::vector<uint64_t>{250, 500, 1000, 2000, 2000, 2000}));
}

TEST(AnnounceScheduler, TriggerSendsAtOnceAndResetsTheBackoff) {
  AnnounceScheduler s({1000, 30000, 0, 500});
  s.start(0);
  simulate(s, 100000);  // deep in the 30 s regime
  uint64_t last = 91000;
  ASSERT_EQ(s.next_due(), last + 30000);
  EXPECT_TRUE(s.trigger(Trigger::LocalChange, 100000));
  EXPECT_EQ(s.next_due(), 100000u) << "well past the spacing: immediately";
  s.sent(100000);
  EXPECT_EQ(s.next_due(), 101000u) << "backoff restarts at the minimum";
  s.sent(101000);
  EXPECT_EQ(s.next_due(), 103000u);
}

TEST(AnnounceScheduler, TriggeredSendsAreSpaced) {
  AnnounceScheduler s({1000, 30000, 0, 500});
  s.start(0);
  s.sent(0);
  EXPECT_TRUE(s.trigger(Trigger::NewPeer, 100));
  EXPECT_EQ(s.next_due(), 100u) << "a periodic send just before does not delay an answer";
  s.sent(100);
  EXPECT_TRUE(s.trigger(Trigger::NewPeer, 200));
  EXPECT_EQ(s.next_due(), 600u) << "no closer than 500 ms to the previous triggered send";
  EXPECT_FALSE(s.trigger(Trigger::NewPeer, 300)) << "a third trigger coalesces";
  EXPECT_EQ(s.next_due(), 600u);
  s.sent(600);
  EXPECT_TRUE(s.trigger(Trigger::LocalChange, 700));
  EXPECT_EQ(s.next_due(), 1100u);
}

TEST(AnnounceScheduler, APeriodicSendCarryingAPendingTriggerCountsAsTriggered) {
  AnnounceScheduler s({1000, 30000, 0, 2000});
  s.start(0);
  s.sent(0);
  EXPECT_TRUE(s.trigger(Trigger::NewPeer, 100));
  s.sent(100);  // triggered; next periodic at 1100
  EXPECT_FALSE(s.trigger(Trigger::NewPeer, 200)) << "spacing allows 2100, the periodic is earlier";
  EXPECT_EQ(s.next_due(), 1100u);
  s.sent(1100);  // carried the second trigger
  EXPECT_EQ(s.next_due(), 2100u) << "backoff was reset to the minimum";
  EXPECT_FALSE(s.trigger(Trigger::NewPeer, 1200))
      << "spaced from 1100, the send that carried the last trigger (not from 100)";
  EXPECT_EQ(s.next_due(), 2100u);
}

TEST(AnnounceScheduler, TriggerNeverDelaysAnEarlierPeriodicSend) {
  AnnounceScheduler s({1000, 30000, 0, 2000});
  s.start(0);
  s.trigger(Trigger::LocalChange, 0);
  s.sent(0);  // a triggered send; the next periodic one is at 1000
  EXPECT_FALSE(s.trigger(Trigger::NewPeer, 100)) << "the spacing alone would allow only 2000";
  EXPECT_EQ(s.next_due(), 1000u);
}

TEST(AnnounceScheduler, TriggerBeforeTheFirstSendIsImmediate) {
  AnnounceScheduler s({1000, 30000, 0, 500});
  s.start(0);
  EXPECT_FALSE(s.trigger(Trigger::LocalChange, 0)) << "already due now";
  EXPECT_TRUE(s.due(0));
}

TEST(AnnounceScheduler, FixedModeIsTheOriginalsTicker) {
  AnnounceScheduler s({1000, 30000, 5000, 500});
  s.start(0);
  auto sends = simulate(s, 30000);
  EXPECT_EQ(sends, (std::vector<uint64_t>{0, 5000, 10000, 15000, 20000, 25000, 30000}));
  EXPECT_FALSE(s.trigger(Trigger::LocalChange, 30100)) << "compat mode ignores triggers";
  EXPECT_EQ(s.next_due(), 35000u);
}

TEST(AnnounceScheduler, FixedModeKeepsTheGridWhenLate) {
  AnnounceScheduler s({1000, 30000, 5000, 500});
  s.start(0);
  s.sent(0);
  s.sent(5040);  // fired 40 ms late
  EXPECT_EQ(s.next_due(), 10000u) << "a late tick does not shift later ones";
  s.sent(21000);  // the loop was blocked past two ticks
  EXPECT_EQ(s.next_due(), 25000u) << "missed ticks are skipped, not bunched";
}
