#include <gtest/gtest.h>

#include "mesh/peer_store.h"

using namespace wgmesh;

namespace {
const std::string kA = "35VcJ4vOc15vdCi2WaUniV8r4nq6kuzgoj2vEbyWxFY=";
const std::string kB = "bQ7JLSjGSaCjNjSMNAkLvwXwSGwYofdcw7qwOqFIn3o=";
const std::string kSelf = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

struct Fixture : ::testing::Test {
  int64_t now = 1'800'000'000'000;
  SourceRegistry sources;
  PeerStore store{sources, [this] { return now; }};
  std::vector<std::pair<PeerEvent, std::string>> events;
  void SetUp() override {
    store.set_local_pubkey(kSelf);
    store.set_listener([this](PeerEvent e, const std::string& k) { events.emplace_back(e, k); });
  }
  PeerReport report(const std::string& key, const std::string& ep = "") {
    PeerReport r;
    r.pubkey = key;
    r.mesh_ip = "10.20.1.2";
    if (!ep.empty()) r.endpoint = ep;
    return r;
  }
};
}  // namespace

TEST_F(Fixture, InsertGetAndEvents) {
  ASSERT_TRUE(store.update(report(kA, "192.0.2.1:51820"), "lan").ok());
  const PeerRecord* p = store.get(kA);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->mesh_ip, "10.20.1.2");
  EXPECT_EQ(store.endpoint_of(*p), "192.0.2.1:51820");
  EXPECT_EQ(p->discovered_via, (std::vector<std::string>{"lan"}));
  ASSERT_TRUE(store.update(report(kA), "dht").ok());
  store.flush_events();
  ASSERT_EQ(events.size(), 1u) << "New+Updated before delivery coalesce into New";
  EXPECT_EQ(events[0].first, PeerEvent::New);
  EXPECT_EQ(store.get(kA)->discovered_via, (std::vector<std::string>{"lan", "dht"}));
}

// An idle mesh hears every peer's announcement every 30 s (a Go peer's every 5 s): a report
// that only refreshes liveness must not wake collision checks and reconcile each time.
TEST_F(Fixture, PureLivenessRefreshRaisesNoEventButChangesDo) {
  auto deliver = [&] {
    events.clear();
    store.flush_events();
    return events.size();
  };
  ASSERT_TRUE(store.update(report(kA, "192.0.2.1:51820"), "lan").ok());
  EXPECT_EQ(deliver(), 1u);
  now += 30'000;
  ASSERT_TRUE(store.update(report(kA, "192.0.2.1:51820"), "lan").ok());
  EXPECT_EQ(deliver(), 0u) << "the same report again: a refresh only";
  EXPECT_EQ(store.get(kA)->last_seen_ms, now) << "liveness is still refreshed";
  now += 30'000;
  ASSERT_TRUE(store.update(report(kA, "192.0.2.9:51820"), "lan").ok());
  EXPECT_EQ(deliver(), 1u) << "endpoint changed";
  now += 1'000;
  PeerReport named = report(kA, "192.0.2.9:51820");
  named.hostname = "h1";
  ASSERT_TRUE(store.update(named, "lan").ok());
  EXPECT_EQ(deliver(), 1u) << "hostname changed";
  now += 1'000;
  ASSERT_TRUE(store.update(named, "dht").ok());
  EXPECT_EQ(deliver(), 1u) << "a new source (discovered_via, candidate)";
  now += 1'000;
  PeerReport routed = named;
  routed.routable_networks = std::vector<std::string>{"192.168.7.0/24"};
  ASSERT_TRUE(store.update(routed, "lan").ok());
  EXPECT_EQ(deliver(), 1u) << "routes changed";
  now += 59'000;
  ASSERT_TRUE(store.update(routed, "lan").ok());
  EXPECT_EQ(deliver(), 0u);
  now += 60'000;
  ASSERT_TRUE(store.update(routed, "lan").ok());
  EXPECT_EQ(deliver(), 1u) << "a refresh after quiet_refresh_ms still tells listeners";
  now += 5 * 60 * 1000;  // inactive now
  ASSERT_TRUE(store.update(routed, "lan").ok());
  EXPECT_EQ(deliver(), 1u) << "back to active";

  // Updates of one peer do not hide another's.
  events.clear();
  ASSERT_TRUE(store.update(report(kB), "dht").ok());
  ASSERT_TRUE(store.update(routed, "lan").ok());
  store.flush_events();
  EXPECT_EQ(events, (std::vector<std::pair<PeerEvent, std::string>>{{PeerEvent::New, kB}}));
}

TEST_F(Fixture, RejectsSelfBadKeysUnknownLabelsAndBadIps) {
  EXPECT_FALSE(store.update(report(kSelf), "lan").ok());
  EXPECT_FALSE(store.update(report("not-a-key"), "lan").ok());
  EXPECT_FALSE(store.update(report(kA), "no-such-label").ok());
  PeerReport r = report(kA);
  r.mesh_ip = "10.0.0.1/24";
  EXPECT_FALSE(store.update(r, "lan").ok());
  EXPECT_EQ(store.count(), 0u);
}

TEST_F(Fixture, EndpointRankingPrefersHigherRankThenIpv6) {
  ASSERT_TRUE(store.update(report(kA, "198.51.100.7:51820"), "dht").ok());
  ASSERT_TRUE(store.update(report(kA, "203.0.113.9:51820"), "dht-transitive").ok());
  EXPECT_EQ(store.endpoint_of(*store.get(kA)), "198.51.100.7:51820") << "transitive loses to dht";
  ASSERT_TRUE(store.update(report(kA, "192.0.2.5:51820"), "lan").ok());
  EXPECT_EQ(store.endpoint_of(*store.get(kA)), "192.0.2.5:51820");
  // Equal rank: IPv6 beats IPv4.
  ASSERT_TRUE(store.update(report(kB, "198.51.100.8:51820"), "dht").ok());
  ASSERT_TRUE(store.update(report(kB, "[2001:db8::8]:51820"), "gossip").ok());
  EXPECT_EQ(store.endpoint_of(*store.get(kB)), "198.51.100.8:51820") << "gossip (65) < dht (70)";
  store.set_allow_ipv6_endpoints(false);
  EXPECT_EQ(store.endpoint_of(*store.get(kB)), "198.51.100.8:51820");
}

TEST_F(Fixture, StaleHighRankEndpointYieldsToFreshLowerRank) {
  ASSERT_TRUE(store.update(report(kA, "192.0.2.5:51820"), "lan").ok());
  now += 10 * 60 * 1000;  // the laptop left the LAN ten minutes ago
  ASSERT_TRUE(store.update(report(kA, "203.0.113.50:40000"), "dht").ok());
  EXPECT_EQ(store.endpoint_of(*store.get(kA)), "203.0.113.50:40000");
}

TEST_F(Fixture, WildcardEndpointsAreNotCandidates) {
  ASSERT_TRUE(store.update(report(kA, "0.0.0.0:51820"), "dht").ok());
  EXPECT_EQ(store.endpoint_of(*store.get(kA)), "");
}

TEST_F(Fixture, PresenceLetsAPeerWithdrawRoutes) {
  PeerReport r = report(kA);
  r.routable_networks = std::vector<std::string>{"192.168.1.7/24", "bogus", "10.9.0.0/16"};
  ASSERT_TRUE(store.update(r, "dht").ok());
  EXPECT_EQ(store.get(kA)->routable_networks,
            (std::vector<std::string>{"192.168.1.0/24", "10.9.0.0/16"}));
  ASSERT_TRUE(store.update(report(kA), "dht").ok());  // routes not reported: kept
  EXPECT_EQ(store.get(kA)->routable_networks.size(), 2u);
  r.routable_networks = std::vector<std::string>{};
  ASSERT_TRUE(store.update(r, "dht").ok());  // reported empty: withdrawn
  EXPECT_TRUE(store.get(kA)->routable_networks.empty());
}

TEST_F(Fixture, TransitiveCannotOverwriteDirectIdentityOrRefreshLiveness) {
  PeerReport r = report(kA);
  r.introducer = true;
  ASSERT_TRUE(store.update(r, "dht").ok());
  int64_t seen = store.get(kA)->last_seen_ms;
  now += 1000;
  PeerReport t = report(kA);
  t.mesh_ip = "10.20.9.9";
  t.introducer = false;
  ASSERT_TRUE(store.update(t, "dht-transitive").ok());
  EXPECT_EQ(store.get(kA)->mesh_ip, "10.20.1.2");
  EXPECT_TRUE(store.get(kA)->introducer);
  EXPECT_EQ(store.get(kA)->last_seen_ms, seen) << "second-hand reports do not keep a peer alive";
}

TEST_F(Fixture, LivenessExpiryAndCap) {
  ASSERT_TRUE(store.update(report(kA), "dht").ok());
  EXPECT_EQ(store.active().size(), 1u);
  now += 5 * 60 * 1000;
  EXPECT_EQ(store.active().size(), 0u) << "inactive at exactly 5 min";
  EXPECT_TRUE(store.expire().empty());
  now += 5 * 60 * 1000 + 1;
  EXPECT_EQ(store.expire(), (std::vector<std::string>{kA}));
  EXPECT_EQ(store.count(), 0u);

  PeerStore small(sources, [this] { return now; }, PeerStoreLimits{.max_peers = 1});
  ASSERT_TRUE(small.update(report(kA), "dht").ok());
  EXPECT_FALSE(small.update(report(kB), "dht").ok());
  EXPECT_TRUE(small.update(report(kA), "lan").ok()) << "updates of known peers pass at the cap";
}

TEST_F(Fixture, GoodbyeTombstoneBlocksTransitiveResurrection) {
  ASSERT_TRUE(store.update(report(kA), "dht").ok());
  EXPECT_TRUE(store.remove(kA, true));
  EXPECT_FALSE(store.update(report(kA), "dht-transitive").ok());
  EXPECT_FALSE(store.update(report(kA), "gossip-transitive").ok());
  ASSERT_TRUE(store.update(report(kA), "dht").ok()) << "a first-hand report brings it back";
  store.flush_events();
}

TEST_F(Fixture, ParsePeerReportPresence) {
  auto r = parse_peer_report(R"({"wg_pubkey":")" + kA +
                             R"(","routable_networks":[],"introducer":false,"wg_endpoint":"1.2.3.4:5"})");
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_TRUE(r->routable_networks.has_value());
  EXPECT_TRUE(r->routable_networks->empty());
  EXPECT_FALSE(r->hostname.has_value());
  EXPECT_EQ(*r->endpoint, "1.2.3.4:5");
  EXPECT_FALSE(parse_peer_report("[]").ok());
  EXPECT_FALSE(parse_peer_report(R"({"hostname":"x"})").ok());
  EXPECT_FALSE(parse_peer_report(R"({"wg_pubkey":"k","introducer":"yes"})").ok());
}

TEST(PeerText, CanonicalCidrAndEndpoints) {
  EXPECT_EQ(canonical_cidr("192.168.1.7/24"), "192.168.1.0/24");
  EXPECT_EQ(canonical_cidr("10.0.0.0/08"), "10.0.0.0/8");
  EXPECT_EQ(canonical_cidr("2001:db8::1/64"), "2001:db8::/64");
  EXPECT_EQ(canonical_cidr("10.0.0.1"), "");
  EXPECT_EQ(canonical_cidr("10.0.0.0/33"), "");
  EXPECT_TRUE(is_ipv6_endpoint("[2001:db8::1]:51820"));
  EXPECT_FALSE(is_ipv6_endpoint("[::ffff:1.2.3.4]:51820"));
  EXPECT_FALSE(is_ipv6_endpoint("1.2.3.4:51820"));
  EXPECT_TRUE(is_valid_wg_pubkey(kA));
  EXPECT_FALSE(is_valid_wg_pubkey("AAAA"));
}
