// Telling newcomers on the LAN from peers we keep hearing.
#include "core/peer_tracker.h"

#include <gtest/gtest.h>

#include <string>

using wgmesh::lan::NewPeerTracker;

TEST(NewPeerTracker, FirstSightingIsNewLaterOnesAreNot) {
  NewPeerTracker t(65000, 16);
  EXPECT_TRUE(t.observe("k1", 0));
  EXPECT_FALSE(t.observe("k1", 5000));
  EXPECT_FALSE(t.observe("k1", 35000));
  EXPECT_TRUE(t.observe("k2", 35000));
}

TEST(NewPeerTracker, APeerSilentLongerThanTheWindowIsNewAgain) {
  NewPeerTracker t(65000, 16);
  t.observe("k", 0);
  EXPECT_FALSE(t.observe("k", 65000)) << "exactly at the window: still known";
  EXPECT_TRUE(t.observe("k", 130001));
  EXPECT_FALSE(t.observe("k", 130002));
}

TEST(NewPeerTracker, BoundedTable) {
  NewPeerTracker t(65000, 2);
  t.observe("a", 0);
  t.observe("b", 0);
  t.observe("c", 0);  // evicts "a"
  EXPECT_EQ(t.size(), 2u);
  EXPECT_TRUE(t.observe("a", 1)) << "forgotten when evicted";
}

TEST(NewPeerTracker, ClockGoingBackwardsIsNotNew) {
  NewPeerTracker t(1000, 4);
  t.observe("a", 50000);
  EXPECT_FALSE(t.observe("a", 100));
}
