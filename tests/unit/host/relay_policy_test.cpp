// The relay decision (daemon.md §5.1, §5.3, §16 "Relay decision"), the pair-symmetric relay
// selection and the time-based hysteresis: pure functions over plain structs.
#include "mesh/relay_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace wgmesh::relay {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;  // wall clock, ms
constexpr int64_t kSec = 1000;

LocalFacts local_node(const std::string& nat = "") {
  LocalFacts l;
  l.pubkey = "LOCAL";
  l.nat_type = nat;
  return l;
}

PeerFacts peer(const std::string& key, const std::string& nat = "") {
  PeerFacts p;
  p.pubkey = key;
  p.endpoint = "203.0.113.50:51820";
  p.nat_type = nat;
  p.discovered_via = {"dht"};
  p.last_seen_ms = kNow - 5 * kSec;
  p.handshakes_read = true;
  p.configured_since_ms = kNow - 1 * kSec;  // inside the "try direct first" window
  return p;
}

PeerFacts introducer(const std::string& key) {
  PeerFacts p = peer(key);
  p.introducer = true;
  p.endpoint = "203.0.113.3:51820";
  return p;
}

Decision run(const LocalFacts& l, const PeerFacts& p, size_t candidates = 1,
             const Settings& s = {}) {
  return decide(l, p, candidates, kNow, s);
}

// ---- §5.1 candidates -------------------------------------------------------------------------

TEST(RelayCandidates, IntroducersHeardFromRecentlyWithAnEndpointSortedByKey) {
  std::vector<PeerFacts> peers = {introducer("R2"), introducer("R1"), peer("P")};
  PeerFacts offline = introducer("R3");
  offline.offline = true;
  PeerFacts no_endpoint = introducer("R4");
  no_endpoint.endpoint.clear();
  PeerFacts old = introducer("R5");
  old.last_seen_ms = kNow - 91 * kSec;
  PeerFacts edge = introducer("R6");
  edge.last_seen_ms = kNow - 90 * kSec;  // "≤ 90 s" includes the boundary
  PeerFacts self = introducer("LOCAL");
  PeerFacts empty_key = introducer("");
  for (const auto& p : {offline, no_endpoint, old, edge, self, empty_key}) peers.push_back(p);
  EXPECT_EQ(relay_candidates(local_node(), peers, kNow, {}),
            (std::vector<std::string>{"R1", "R2", "R6"}));
}

TEST(RelayCandidates, AFreshTunnelKeepsAnIntroducerACandidateWithoutDiscovery) {
  PeerFacts r = introducer("R");
  r.last_seen_ms = kNow - 200 * kSec;
  EXPECT_TRUE(relay_candidates(local_node(), {r}, kNow, {}).empty());
  r.last_handshake_ms = kNow - 100 * kSec;
  EXPECT_EQ(relay_candidates(local_node(), {r}, kNow, {}), std::vector<std::string>{"R"});
  r.last_handshake_ms = kNow - 150 * kSec;  // stale tunnel: no longer proof
  EXPECT_TRUE(relay_candidates(local_node(), {r}, kNow, {}).empty());
}

// ---- §5.3 rules --------------------------------------------------------------------------------

TEST(RelayDecision, Rule1IntroducerNeverRelays) {
  LocalFacts l = local_node("symmetric");
  l.introducer = true;
  l.force_relay = true;
  Decision d = run(l, peer("P", "symmetric"));
  EXPECT_FALSE(d.relay);
  EXPECT_EQ(d.rule, Rule::kLocalIntroducer);
}

TEST(RelayDecision, Rule2NobodyRelaysToAnIntroducer) {
  LocalFacts l = local_node("symmetric");
  l.force_relay = true;
  PeerFacts p = introducer("R");
  p.nat_type = "symmetric";
  Decision d = run(l, p);
  EXPECT_FALSE(d.relay);
  EXPECT_EQ(d.rule, Rule::kPeerIntroducer);
}

TEST(RelayDecision, Rule3LanPeersAreDirect) {
  LocalFacts l = local_node("symmetric");
  l.force_relay = true;
  PeerFacts p = peer("P", "symmetric");
  p.discovered_via = {"dht-transitive", "lan"};
  Decision d = run(l, p);
  EXPECT_FALSE(d.relay);
  EXPECT_EQ(d.rule, Rule::kLan);
}

TEST(RelayDecision, Rule4LocalSubnetBeatsSymmetricNatAndForceRelay) {
  LocalFacts l = local_node("symmetric");
  l.local_networks = {*wg::IpPrefix::parse("192.168.7.0/24")};
  PeerFacts p = peer("P", "symmetric");
  p.endpoint = "192.168.7.20:51820";
  EXPECT_EQ(run(l, p).rule, Rule::kLocalSubnet);
  EXPECT_FALSE(run(l, p).relay);
  l.force_relay = true;
  EXPECT_FALSE(run(l, p).relay);
  EXPECT_EQ(run(l, p).rule, Rule::kLocalSubnet);
}

TEST(RelayDecision, LocalSubnetMatching) {
  std::vector<wg::IpPrefix> nets = {*wg::IpPrefix::parse("10.1.0.0/16"),
                                    *wg::IpPrefix::parse("2001:db8:5::/64")};
  EXPECT_TRUE(endpoint_in_networks("10.1.200.3:51820", nets));
  EXPECT_FALSE(endpoint_in_networks("10.2.0.1:51820", nets));
  EXPECT_TRUE(endpoint_in_networks("[2001:db8:5::9]:51820", nets));
  EXPECT_FALSE(endpoint_in_networks("[2001:db8:6::9]:51820", nets));
  EXPECT_FALSE(endpoint_in_networks("relay.example:51820", nets));  // hostname
  EXPECT_FALSE(endpoint_in_networks("not an endpoint", nets));
  EXPECT_FALSE(endpoint_in_networks("", nets));
}

TEST(RelayDecision, Rule5ForceRelayRelaysEvenWithAFreshHandshake) {
  LocalFacts l = local_node();
  l.force_relay = true;
  PeerFacts p = peer("P");
  p.last_handshake_ms = kNow - 10 * kSec;
  Decision d = run(l, p);
  EXPECT_TRUE(d.relay);
  EXPECT_EQ(d.rule, Rule::kForceRelay);
  Decision none = run(l, p, /*candidates=*/0);
  EXPECT_FALSE(none.relay);
  EXPECT_EQ(none.rule, Rule::kForceRelay);
}

TEST(RelayDecision, Rule6NoCandidatesMeansDirect) {
  Decision d = run(local_node("symmetric"), peer("P", "symmetric"), 0);
  EXPECT_FALSE(d.relay);
  EXPECT_EQ(d.rule, Rule::kNoCandidates);
}

TEST(RelayDecision, Rule7FreshHandshakeIsDirectEvenSymmetricSymmetric) {
  PeerFacts p = peer("P", "symmetric");
  p.last_handshake_ms = kNow - 30 * kSec;
  Decision d = run(local_node("symmetric"), p);
  EXPECT_FALSE(d.relay);
  EXPECT_EQ(d.rule, Rule::kFreshHandshake);
}

TEST(RelayDecision, Rule8StaleHandshakeFd8b650Semantics) {
  PeerFacts p = peer("P", "symmetric");
  p.last_handshake_ms = kNow - 5 * 60 * kSec;
  Decision sym = run(local_node("symmetric"), p);
  EXPECT_TRUE(sym.relay);
  EXPECT_EQ(sym.rule, Rule::kStaleHandshake);

  PeerFacts cone = p;
  cone.nat_type = "cone";
  Decision d = run(local_node("cone"), cone);
  EXPECT_FALSE(d.relay) << "fd8b650: a stale cone/cone handshake stays direct";
  EXPECT_EQ(d.rule, Rule::kStaleHandshake);

  PeerFacts transitive = cone;
  transitive.discovered_via = {"dht-transitive"};
  EXPECT_TRUE(run(local_node("cone"), transitive).relay);
  transitive.discovered_via = {"dht-transitive", "dht"};
  EXPECT_FALSE(run(local_node("cone"), transitive).relay);

  Settings upstream;
  upstream.stale_always_relays = true;
  EXPECT_TRUE(run(local_node("cone"), cone, 1, upstream).relay)
      << "later upstream: any stale handshake relays";
  // Exactly 150 s is stale.
  cone.last_handshake_ms = kNow - 150 * kSec;
  EXPECT_EQ(run(local_node("cone"), cone).rule, Rule::kStaleHandshake);
}

TEST(RelayDecision, Rule9Ipv6EndpointIsDirectUnlessNoIpv6) {
  PeerFacts p = peer("P", "symmetric");
  p.endpoint = "[2001:db8::7]:51820";
  Decision d = run(local_node("symmetric"), p);
  EXPECT_FALSE(d.relay);
  EXPECT_EQ(d.rule, Rule::kIpv6Endpoint);
  LocalFacts l = local_node("symmetric");
  l.no_ipv6 = true;
  EXPECT_EQ(run(l, p).rule, Rule::kBothSymmetric);
}

TEST(RelayDecision, Rule10SymmetricSymmetricWithoutHandshakeRelays) {
  Decision d = run(local_node("symmetric"), peer("P", "symmetric"));
  EXPECT_TRUE(d.relay);
  EXPECT_EQ(d.rule, Rule::kBothSymmetric);
  // §16: every other combination tries direct first.
  for (auto [l, p] : std::vector<std::pair<std::string, std::string>>{{"cone", "cone"},
                                                                      {"cone", "symmetric"},
                                                                      {"symmetric", "cone"},
                                                                      {"unknown", "unknown"},
                                                                      {"cone", "unknown"},
                                                                      {"", ""}}) {
    Decision x = run(local_node(l), peer("P", p));
    EXPECT_FALSE(x.relay) << l << "/" << p;
    EXPECT_EQ(x.rule, Rule::kTryDirect) << l << "/" << p;
  }
}

TEST(RelayDecision, Rule11TransitiveWithoutHandshakeRelays) {
  PeerFacts p = peer("P", "cone");
  p.discovered_via = {"dht-transitive", "dht"};  // later upstream: also with dht
  Decision d = run(local_node("cone"), p);
  EXPECT_TRUE(d.relay);
  EXPECT_EQ(d.rule, Rule::kTransitiveNoHandshake);
  p.handshakes_read = false;  // no handshake table: nothing is known
  EXPECT_EQ(run(local_node("cone"), p).rule, Rule::kTryDirect);
}

TEST(RelayDecision, Rule12TriesDirectFirstThenRelaysANeverHandshakingEntry) {
  PeerFacts p = peer("P", "cone");
  p.configured_since_ms = kNow - 11 * kSec;
  Decision d = run(local_node("cone"), p);
  EXPECT_FALSE(d.relay);
  EXPECT_EQ(d.rule, Rule::kTryDirect);
  p.configured_since_ms = kNow - 12 * kSec;
  d = run(local_node("cone"), p);
  EXPECT_TRUE(d.relay);
  EXPECT_EQ(d.rule, Rule::kNoHandshake);
  p.configured_since_ms = 0;  // not configured yet: its window has not started
  EXPECT_EQ(run(local_node("cone"), p).rule, Rule::kTryDirect);
}

// ---- relay selection ---------------------------------------------------------------------------

TEST(RelaySelection, Fnv1a64KnownVectors) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(RelaySelection, HashesSmallerKeyZeroByteGreaterKey) {
  std::string bytes = std::string("AAA") + '\0' + "BBB";
  EXPECT_EQ(pair_hash("AAA", "BBB"), fnv1a64(bytes));
  EXPECT_EQ(pair_hash("BBB", "AAA"), fnv1a64(bytes));
  std::vector<std::string> c = {"R3", "R1", "R2"};
  EXPECT_EQ(*select_relay("BBB", "AAA", c),
            (std::vector<std::string>{"R1", "R2", "R3"})[fnv1a64(bytes) % 3]);
  EXPECT_FALSE(select_relay("A", "B", {}).has_value());
  EXPECT_FALSE(select_relay("A", "B", {""}).has_value());
}

TEST(RelaySelection, BothEndsOfAPairPickTheSameRelay) {
  std::mt19937_64 rng(42);
  auto key = [&] {
    std::array<uint8_t, 32> b{};
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    return wg::Key(b).to_base64();
  };
  std::map<std::string, int> used;
  for (int round = 0; round < 500; ++round) {
    std::string a = key(), b = key();
    std::vector<std::string> candidates;
    int n = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < n; ++i) candidates.push_back(key());
    std::vector<std::string> shuffled = candidates;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    auto from_a = select_relay(a, b, candidates);
    auto from_b = select_relay(b, a, shuffled);
    ASSERT_TRUE(from_a && from_b);
    ASSERT_EQ(*from_a, *from_b) << a << " / " << b;
    if (n == 2) ++used[*from_a == std::min(candidates[0], candidates[1]) ? "first" : "second"];
  }
  // The pair hash spreads pairs over the relays (not everyone through the same one).
  EXPECT_GT(used["first"], 10);
  EXPECT_GT(used["second"], 10);
}

// ---- hysteresis and the stateful policy -------------------------------------------------------

struct Scene {
  LocalFacts local = local_node("symmetric");
  PeerFacts r = introducer("R");
  PeerFacts p = peer("P", "symmetric");
  std::vector<PeerFacts> all() const { return {r, p}; }
};

const Outcome& outcome(const Evaluation& ev, const std::string& key) {
  for (const auto& o : ev.outcomes)
    if (o.pubkey == key) return o;
  throw std::runtime_error("no outcome for " + key);
}

TEST(RelayHysteresis, FreshHandshakeGoesDirectOnlyOnTheThirdSpacedEvaluation) {
  RelayPolicy policy;
  Scene s;
  Evaluation ev = policy.evaluate(s.local, s.all(), kNow);
  EXPECT_EQ(outcome(ev, "P").relay, "R");
  EXPECT_TRUE(outcome(ev, "P").changed);
  EXPECT_EQ(outcome(ev, "R").relay, "");

  s.p.last_handshake_ms = kNow + 1 * kSec;  // the direct entry's handshake succeeded
  ev = policy.evaluate(s.local, s.all(), kNow + 2 * kSec);
  EXPECT_EQ(outcome(ev, "P").relay, "R");
  EXPECT_FALSE(outcome(ev, "P").changed);
  EXPECT_EQ(policy.direct_streak("P"), 1);
  // Event-driven bursts do not count as evaluations.
  for (int i = 0; i < 5; ++i) policy.evaluate(s.local, s.all(), kNow + 2 * kSec + 100 * i);
  EXPECT_EQ(policy.direct_streak("P"), 1);
  ev = policy.evaluate(s.local, s.all(), kNow + 7 * kSec);
  EXPECT_EQ(outcome(ev, "P").relay, "R");
  EXPECT_EQ(policy.direct_streak("P"), 2);
  ev = policy.evaluate(s.local, s.all(), kNow + 12 * kSec);
  EXPECT_EQ(outcome(ev, "P").relay, "");
  EXPECT_TRUE(outcome(ev, "P").changed);
  EXPECT_EQ(outcome(ev, "P").previous_relay, "R");
  EXPECT_EQ(policy.relayed_count(), 0u);
}

TEST(RelayHysteresis, StaleHandshakeRelaysWithinOneEvaluation) {
  RelayPolicy policy;
  Scene s;
  s.p.last_handshake_ms = kNow - 20 * kSec;
  EXPECT_EQ(outcome(policy.evaluate(s.local, s.all(), kNow), "P").relay, "");
  s.r.last_seen_ms = kNow + 130 * kSec;
  Evaluation ev = policy.evaluate(s.local, s.all(), kNow + 131 * kSec);
  EXPECT_EQ(outcome(ev, "P").relay, "R");
  EXPECT_EQ(outcome(ev, "P").rule, Rule::kStaleHandshake);
}

TEST(RelayHysteresis, AlternatingFreshAndStaleNeverDropsTheRelay) {
  for (bool upstream : {false, true}) {
    Settings settings;
    settings.stale_always_relays = upstream;
    RelayPolicy policy(settings);
    Scene s;
    if (upstream) s.local.nat_type = s.p.nat_type = "cone";
    s.p.last_handshake_ms = kNow - 200 * kSec;
    int64_t t = kNow;
    EXPECT_EQ(outcome(policy.evaluate(s.local, s.all(), t), "P").relay, "R");
    for (int cycle = 0; cycle < 10; ++cycle) {
      t += 5 * kSec;
      s.p.last_handshake_ms = (cycle % 2 == 0) ? t - 1 * kSec : t - 200 * kSec;
      EXPECT_EQ(outcome(policy.evaluate(s.local, s.all(), t), "P").relay, "R") << "cycle " << cycle;
    }
  }
}

TEST(RelayHysteresis, ForgetClearsOnlyThatPeer) {
  RelayPolicy policy;
  Scene s;
  PeerFacts q = peer("Q", "symmetric");
  policy.evaluate(s.local, {s.r, s.p, q}, kNow);
  EXPECT_EQ(policy.relayed_count(), 2u);
  policy.forget("P");
  EXPECT_EQ(policy.relay_of("P"), "");
  EXPECT_EQ(policy.relay_of("Q"), "R");
  // A peer missing from an evaluation (evicted, expired) is forgotten too.
  policy.evaluate(s.local, {s.r, q}, kNow + 1);
  policy.evaluate(s.local, {s.r}, kNow + 2);
  EXPECT_EQ(policy.relayed_count(), 0u);
}

TEST(RelayHysteresis, LosingEveryCandidateGoesDirectAtOnce) {
  RelayPolicy policy;
  Scene s;
  policy.evaluate(s.local, s.all(), kNow);
  Evaluation ev = policy.evaluate(s.local, {s.p}, kNow + 1);
  EXPECT_EQ(outcome(ev, "P").relay, "");
  EXPECT_TRUE(outcome(ev, "P").changed);
  EXPECT_EQ(outcome(ev, "P").rule, Rule::kNoCandidates);
}

TEST(RelayHysteresis, OfflinePeerLosesItsRelay) {
  RelayPolicy policy;
  Scene s;
  policy.evaluate(s.local, s.all(), kNow);
  s.p.offline = true;
  Evaluation ev = policy.evaluate(s.local, s.all(), kNow + 1);
  EXPECT_EQ(outcome(ev, "P").relay, "");
  EXPECT_TRUE(outcome(ev, "P").changed);
  EXPECT_EQ(policy.relay_of("P"), "");
}

TEST(RelayHysteresis, ANewCandidateSetMovesThePairToItsNewRelay) {
  RelayPolicy policy;
  Scene s;
  policy.evaluate(s.local, s.all(), kNow);
  std::vector<PeerFacts> more = s.all();
  for (int i = 0; i < 8; ++i) more.push_back(introducer("R" + std::to_string(i)));
  std::vector<std::string> keys;
  for (const auto& p : more)
    if (p.introducer) keys.push_back(p.pubkey);
  Evaluation ev = policy.evaluate(s.local, more, kNow + 1);
  EXPECT_EQ(outcome(ev, "P").relay, *select_relay("LOCAL", "P", keys));
}

TEST(RelayHysteresis, ForceRelayKeepsRelayingDespiteAFreshHandshake) {
  RelayPolicy policy;
  Scene s;
  s.local.force_relay = true;
  s.local.nat_type = s.p.nat_type = "cone";
  for (int i = 0; i < 5; ++i) {
    s.p.last_handshake_ms = kNow + i * 5 * kSec - 1;
    Evaluation ev = policy.evaluate(s.local, s.all(), kNow + i * 5 * kSec);
    EXPECT_EQ(outcome(ev, "P").relay, "R");
    EXPECT_EQ(outcome(ev, "P").rule, Rule::kForceRelay);
  }
}

TEST(RelayPolicyRecheck, AsksForAReevaluationOnlyWhileSomethingCanChange) {
  RelayPolicy policy;
  Scene s;
  s.local.nat_type = s.p.nat_type = "cone";
  s.p.configured_since_ms = kNow - 2 * kSec;
  Evaluation ev = policy.evaluate(s.local, s.all(), kNow);
  ASSERT_TRUE(ev.recheck_at_ms.has_value());
  EXPECT_EQ(*ev.recheck_at_ms, kNow + 10 * kSec) << "when P's direct window ends";
  ev = policy.evaluate(s.local, s.all(), kNow + 10 * kSec);
  EXPECT_EQ(outcome(ev, "P").relay, "R");
  EXPECT_EQ(*ev.recheck_at_ms, kNow + 15 * kSec) << "relayed: every hysteresis spacing";

  LocalFacts intro = s.local;
  intro.introducer = true;
  RelayPolicy relay_node;
  EXPECT_FALSE(relay_node.evaluate(intro, s.all(), kNow).recheck_at_ms.has_value());
  // No introducer anywhere: a new one would arrive as a store event.
  RelayPolicy lonely;
  EXPECT_FALSE(lonely.evaluate(s.local, {s.p}, kNow).recheck_at_ms.has_value());
}

}  // namespace
}  // namespace wgmesh::relay
