#include "mesh/handshake_starter.h"

#include <gtest/gtest.h>

namespace wgmesh {
namespace {

const std::string kLow(43, 'A');  // sorts before kMid
const std::string kMid(43, 'M');
const std::string kHigh(43, 'Z');

HandshakeStarter starter_for(const std::string& local) {
  return HandshakeStarter({.local_pubkey = local});
}

TEST(HandshakeStarter, TheSmallerKeyInitiatesAtOnceAndTheGreaterAnswers) {
  HandshakeStarter low = starter_for(kLow), high = starter_for(kHigh);
  EXPECT_TRUE(low.initiates(kHigh));
  EXPECT_FALSE(high.initiates(kLow));
  auto a = low.decide(kHigh, false, 1000);
  auto b = high.decide(kLow, false, 1000);
  EXPECT_TRUE(a.keepalive);
  EXPECT_FALSE(a.kick);
  EXPECT_FALSE(b.keepalive);  // answers instead of crossing
  EXPECT_FALSE(b.kick);
}

TEST(HandshakeStarter, InitiatorKicksOnAScheduleUntilTheHandshakeHappens) {
  HandshakeStarter s = starter_for(kLow);
  std::vector<int64_t> kicks;
  for (int64_t t = 0; t <= 6000; t += 10)
    if (s.decide(kHigh, false, t).kick) kicks.push_back(t);
  EXPECT_EQ(kicks, (std::vector<int64_t>{250, 750, 1250, 1750}));
  EXPECT_FALSE(s.next_due_ms());  // kicks exhausted: WireGuard's own retries take over
}

TEST(HandshakeStarter, AHandshakeEndsKicksAndGraceAndANewPeerStartsAfresh) {
  HandshakeStarter s = starter_for(kLow);
  EXPECT_FALSE(s.decide(kHigh, false, 0).kick);
  EXPECT_TRUE(s.decide(kHigh, false, 300).kick);
  auto done = s.decide(kHigh, true, 400);
  EXPECT_TRUE(done.keepalive);
  EXPECT_FALSE(done.kick);
  EXPECT_FALSE(s.next_due_ms());
  // Forgotten (e.g. evicted and back): the schedule restarts from its new first sight.
  s.retain({});
  EXPECT_FALSE(s.decide(kHigh, false, 10000).kick);
  EXPECT_EQ(s.next_due_ms(), 10250);
}

TEST(HandshakeStarter, ResponderTurnsItsKeepaliveOnAfterTheGraceOnly) {
  HandshakeStarter s = starter_for(kHigh);
  EXPECT_FALSE(s.decide(kMid, false, 0).keepalive);
  EXPECT_EQ(s.next_due_ms(), 2500);
  EXPECT_FALSE(s.decide(kMid, false, 2499).keepalive);
  EXPECT_TRUE(s.decide(kMid, false, 2500).keepalive);
  EXPECT_FALSE(s.next_due_ms());                   // nothing left to wait for: no busy re-run
  EXPECT_FALSE(s.decide(kMid, false, 9000).kick);  // the responder never kicks
}

TEST(HandshakeStarter, TheResponderGraceOutlastsTheInitiatorsKicks) {
  HandshakeStarterSettings d;
  EXPECT_GT(d.responder_grace_ms, d.first_kick_ms + (d.max_kicks - 1) * d.kick_spacing_ms);
}

TEST(HandshakeStarter, NextDueIsTheEarliestPendingMoment) {
  HandshakeStarter s = starter_for(kMid);
  s.decide(kHigh, false, 100);  // we initiate: first kick at 350
  s.decide(kLow, false, 0);     // we answer: grace ends at 2500
  EXPECT_EQ(s.next_due_ms(), 350);
  s.retain({kLow});
  EXPECT_EQ(s.next_due_ms(), 2500);
}

}  // namespace
}  // namespace wgmesh
