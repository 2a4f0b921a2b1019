// Schedule: the announce / query / save cadence (discovery.md §3.3-§3.5) and the faster
// convergence rules layered on it.
#include "logic/schedule.h"

#include <gtest/gtest.h>

#include "test_random.h"

namespace wgmesh::dht::plugin {
namespace {

constexpr int64_t kHourMs = 3600 * 1000;

struct ScheduleTest : ::testing::Test {
  test::SeededRandom rng{3};
  ScheduleConfig cfg;
  Schedule s{cfg, rng};
};

TEST_F(ScheduleTest, NothingBeforeStart) {
  EXPECT_FALSE(s.announce_due(0, 1));
  EXPECT_FALSE(s.query_due(0));
  EXPECT_FALSE(s.save_due(0));
  EXPECT_EQ(s.next_due(0, kHourMs), INT64_MAX);
}

TEST_F(ScheduleTest, AnnounceAndQueryImmediatelyAtStart) {
  s.start(1000);
  EXPECT_TRUE(s.announce_due(1000, 7));
  EXPECT_TRUE(s.query_due(1000));
  EXPECT_EQ(s.next_due(1000, kHourMs), 1000);
  EXPECT_FALSE(s.save_due(1000));
  EXPECT_TRUE(s.save_due(1000 + 5 * 60 * 1000));
}

TEST_F(ScheduleTest, AnnounceEveryIntervalAndOnHourChange) {
  s.start(0);
  s.query_started();  // (keeps the query out of next_due below)
  s.announce_started(7);
  EXPECT_FALSE(s.announce_due(0, 7));  // running
  s.announce_finished(500, 4);
  EXPECT_FALSE(s.announce_due(600, 7));
  // 15 min +-10%.
  EXPECT_FALSE(s.announce_due(500 + 13 * 60 * 1000, 7));
  EXPECT_TRUE(s.announce_due(500 + 17 * 60 * 1000, 7));
  // A new hour means a new infohash: announce at once.
  EXPECT_TRUE(s.announce_due(1000, 8));
  // next_due accounts for the hour boundary.
  EXPECT_EQ(s.next_due(1000, 2000), 1000 + 2000);
}

TEST_F(ScheduleTest, UnacknowledgedAnnounceIsRetriedSoonWithBackoff) {
  s.start(0);
  int64_t t = 0;
  int64_t prev_gap = 0;
  for (int i = 0; i < 6; ++i) {
    s.announce_started(1);
    s.announce_finished(t, 0);
    int64_t due = t;
    while (!s.announce_due(due, 1)) due += 10;
    const int64_t gap = due - t;
    const int64_t base = std::min<int64_t>(5000LL << i, cfg.announce_interval_ms);
    EXPECT_GE(gap, base * 3 / 4 - 10) << i;
    EXPECT_LE(gap, base * 5 / 4 + 10) << i;
    if (i > 0) {
      EXPECT_GT(gap, prev_gap / 2);
    }
    prev_gap = gap;
    t = due;
  }
  EXPECT_EQ(s.announce_failures(), 6);
  s.announce_started(1);
  s.announce_finished(t, 1);
  EXPECT_EQ(s.announce_failures(), 0);
}

TEST_F(ScheduleTest, QueryIntervalDoublesWithThreePeersAndComesBack) {
  s.start(0);
  s.query_started();
  EXPECT_FALSE(s.query_due(0));
  s.query_finished(100, 2);
  EXPECT_EQ(s.current_query_interval_ms(), 30000);
  EXPECT_FALSE(s.query_due(100 + 26000));
  EXPECT_TRUE(s.query_due(100 + 34000));
  s.query_started();
  s.query_finished(40000, 3);
  EXPECT_EQ(s.current_query_interval_ms(), 60000);
  EXPECT_FALSE(s.query_due(40000 + 53000));
  EXPECT_TRUE(s.query_due(40000 + 67000));
  s.query_started();
  s.query_finished(110000, 0);  // peers lost: fast again (the original never came back)
  EXPECT_EQ(s.current_query_interval_ms(), 30000);
}

TEST_F(ScheduleTest, QueryRightAfterBootstrapAndAfterOwnAnnounce) {
  s.start(0);
  s.query_started();
  s.query_finished(50, 0);
  s.announce_started(1);
  EXPECT_FALSE(s.query_due(100));
  s.bootstrapped(100, false);
  EXPECT_TRUE(s.query_due(100));
  s.query_started();
  s.query_finished(150, 0);
  EXPECT_FALSE(s.query_due(200));
  s.announce_finished(300, 5);  // our announce landed: look for the others now
  EXPECT_TRUE(s.query_due(300));
}

TEST_F(ScheduleTest, RequestsDuringARunningQueryAreNotLost) {
  s.start(0);
  s.query_started();
  s.bootstrapped(10, false);  // while querying
  EXPECT_FALSE(s.query_due(10));
  s.query_finished(20, 0);
  EXPECT_TRUE(s.query_due(20));
}

TEST_F(ScheduleTest, BootstrapAfterAFailedAnnounceReannounces) {
  s.start(0);
  s.announce_started(1);
  s.announce_finished(10, 0);  // nobody to announce to yet
  EXPECT_FALSE(s.announce_due(20, 1));
  s.bootstrapped(20, false);
  EXPECT_TRUE(s.announce_due(20, 1));
  // ...but not after an acknowledged one from a bootstrapped table,
  s.announce_started(1);
  s.announce_finished(30, 3);
  s.bootstrapped(40, false);
  EXPECT_FALSE(s.announce_due(40, 1));
  // ...unless that round ran on the routers alone.
  s.bootstrapped(50, true);
  EXPECT_TRUE(s.announce_due(50, 1));
}

TEST_F(ScheduleTest, BootstrapDuringAThinAnnounceAnnouncesAgainAfterIt) {
  s.start(0);
  s.announce_started(1);
  s.bootstrapped(10, true);
  EXPECT_FALSE(s.announce_due(10, 1));  // still running
  s.announce_finished(20, 2);
  EXPECT_TRUE(s.announce_due(20, 1));
}

TEST_F(ScheduleTest, NextDueNeverInThePast) {
  s.start(0);
  EXPECT_EQ(s.next_due(5000, kHourMs), 5000);
  s.announce_started(1);
  s.query_started();
  EXPECT_EQ(s.next_due(5000, kHourMs), 5 * 60 * 1000);  // only the save remains
}

}  // namespace
}  // namespace wgmesh::dht::plugin

namespace wgmesh::dht::plugin {
namespace {

TEST_F(ScheduleTest, HeldRoundsWaitWithoutSpinning) {
  s.start(0);
  s.hold(true);
  EXPECT_FALSE(s.announce_due(0, 1));
  EXPECT_FALSE(s.query_due(0));
  EXPECT_EQ(s.next_due(0, 1000), 5 * 60 * 1000);  // only the save
  s.hold(false);
  EXPECT_TRUE(s.announce_due(0, 1));
  EXPECT_TRUE(s.query_due(0));
}

}  // namespace
}  // namespace wgmesh::dht::plugin
