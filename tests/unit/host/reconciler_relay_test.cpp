// The reconciler's relay output against a fake WireGuard device: a relayed peer's prefixes on
// its relay's entry, its own entry kept without allowed IPs (removed with force_relay), kernel
// routes through the relay's mesh address, the way back to direct after hysteresis, and the
// route label the RPC shows.
#include <gtest/gtest.h>

#include <algorithm>

#include "mesh/peer_sources.h"
#include "mesh/peer_store.h"
#include "mesh/reconciler.h"
#include "runtime/event_loop.h"
#include "runtime/metrics.h"
#include "wireguard/backend.h"
#include "wireguard/diff.h"

namespace wgmesh {
namespace {

constexpr int64_t kStart = 1'700'000'000'000;

// Applies DeviceUpdates to an in-memory DeviceState the way WireGuard does.
class FakeBackend : public wg::Backend {
 public:
  std::string name() const override { return "fake"; }
  const std::string& ifname() const override { return ifname_; }
  Result<wg::DeviceState> get_device() override {
    ++reads;
    return state;
  }
  Status set_device(const wg::DeviceUpdate& u) override {
    for (const auto& pc : u.peers) {
      removes += pc.remove ? 1 : 0;
      auto it = std::find_if(state.peers.begin(), state.peers.end(),
                             [&](const wg::PeerState& p) { return p.public_key == pc.public_key; });
      if (pc.remove) {
        if (it != state.peers.end()) state.peers.erase(it);
        continue;
      }
      if (it == state.peers.end()) {
        if (pc.update_only) continue;
        state.peers.push_back(wg::PeerState{});
        it = std::prev(state.peers.end());
        it->public_key = pc.public_key;
      }
      if (pc.preshared_key)
        it->preshared_key = pc.preshared_key->is_zero() ? std::nullopt : pc.preshared_key;
      if (pc.endpoint) it->endpoint = pc.endpoint;
      if (pc.replace_allowed_ips) it->allowed_ips.clear();
      for (const auto& a : pc.allowed_ips) it->allowed_ips.push_back(a);
      if (pc.persistent_keepalive) it->persistent_keepalive = *pc.persistent_keepalive;
    }
    return {};
  }
  Status create_interface() override { return {}; }
  Status delete_interface() override { return {}; }
  bool interface_exists() override { return true; }

  wg::PeerState* peer(const std::string& key) {
    for (auto& p : state.peers)
      if (p.public_key.to_base64() == key) return &p;
    return nullptr;
  }
  std::vector<std::string> allowed(const std::string& key) {
    std::vector<std::string> out;
    if (auto* p = peer(key))
      for (const auto& a : wg::canonical_set(p->allowed_ips)) out.push_back(a.to_string());
    return out;
  }

  wg::DeviceState state;
  int reads = 0;
  int removes = 0;

 private:
  std::string ifname_ = "wg0";
};

std::string new_key() { return wg::Key::generate_private().public_key().to_base64(); }

class ReconcilerRelay : public ::testing::Test {
 protected:
  void SetUp() override {
    local_key = new_key();
    store.set_local_pubkey(local_key);
    relay_key = new_key();
    peer_key = new_key();
    other_key = new_key();
  }

  std::unique_ptr<Reconciler> make(ReconcileSettings rs = {}) {
    rs.ifname = "wg0";
    rs.local_pubkey = local_key;
    rs.handshake.responder_grace_ms = 0;  // keepalives on at once: these tests are about relaying
    rs.handshake.max_kicks = 0;
    auto r = std::make_unique<Reconciler>(loop, backend, nullptr, store, metrics, rs);
    r->set_clock([this] { return now; });
    r->set_local_networks_source([this] { return local_networks; });
    r->set_nat_type_source([this] { return local_nat; });
    r->set_offline_check([this](const std::string& k) { return offline.count(k) > 0; });
    return r;
  }

  void add(const std::string& key, const std::string& host, const std::string& ip,
           const std::string& endpoint, bool introducer, const std::string& nat,
           std::vector<std::string> nets = {}, const std::string& label = "dht") {
    PeerReport r;
    r.pubkey = key;
    r.hostname = host;
    r.mesh_ip = ip;
    r.mesh_ipv6 = "fd00:1::" + ip.substr(ip.rfind('.') + 1);
    r.endpoint = endpoint;
    r.introducer = introducer;
    r.nat_type = nat;
    r.routable_networks = std::move(nets);
    ASSERT_TRUE(store.update(r, label).ok());
  }

  void add_relay() { add(relay_key, "relay-host", "10.99.0.3", "203.0.113.3:51820", true, "cone"); }
  void add_peer(std::vector<std::string> nets = {"192.0.2.0/24"}) {
    add(peer_key, "peer-host", "10.99.0.7", "203.0.113.130:51820", false, "symmetric",
        std::move(nets));
  }
  void handshake(const std::string& key, int64_t at_ms) {
    ASSERT_NE(backend.peer(key), nullptr);
    backend.peer(key)->last_handshake = wg::Timespec{at_ms / 1000, 0};
  }
  void run(Reconciler& r) { ASSERT_TRUE(r.run_once().ok()); }

  int64_t now = kStart;
  EventLoop loop;
  FakeBackend backend;
  SourceRegistry sources;
  PeerStore store{sources, [this] { return now; }};
  Metrics metrics;
  std::vector<wg::IpPrefix> local_networks;
  std::string local_nat = "symmetric";
  std::set<std::string> offline;
  std::string local_key, relay_key, peer_key, other_key;
};

using Strings = std::vector<std::string>;

TEST_F(ReconcilerRelay, RelayedPeerPrefixesGoOnTheRelayAndItsDirectEntryStaysEmpty) {
  add_relay();
  add_peer();
  auto r = make();
  run(*r);
  EXPECT_EQ(backend.allowed(relay_key), (Strings{"10.99.0.3/32", "10.99.0.7/32", "192.0.2.0/24",
                                                 "fd00:1::3/128", "fd00:1::7/128"}));
  // The direct entry is still there, with endpoint and keepalive, so handshakes continue.
  wg::PeerState* direct = backend.peer(peer_key);
  ASSERT_NE(direct, nullptr);
  EXPECT_TRUE(direct->allowed_ips.empty());
  ASSERT_TRUE(direct->endpoint.has_value());
  EXPECT_EQ(direct->endpoint->to_string(), "203.0.113.130:51820");
  EXPECT_EQ(direct->persistent_keepalive, 25);
  EXPECT_EQ(r->relay_of(peer_key), relay_key);
  EXPECT_EQ(r->route_label(peer_key), "relay:relay-host");
  EXPECT_EQ(r->route_label(relay_key), "direct");
  EXPECT_EQ(metrics.gauges().at("relay.peers_relayed"), 1);
  EXPECT_EQ(metrics.counter("relay.switches"), 1u);
  EXPECT_EQ(metrics.counter("relay.switches_to_relay"), 1u);
  // The routable network goes through the relay's mesh address.
  ASSERT_EQ(r->last_routes().size(), 1u);
  EXPECT_EQ(r->last_routes()[0].destination.to_string(), "192.0.2.0/24");
  ASSERT_TRUE(r->last_routes()[0].gateway.has_value());
  EXPECT_EQ(r->last_routes()[0].gateway->to_string(), "10.99.0.3");
  // A second run changes nothing and counts no new switch.
  run(*r);
  EXPECT_EQ(metrics.counter("relay.switches"), 1u);
  EXPECT_TRUE(backend.peer(peer_key)->allowed_ips.empty());
}

TEST_F(ReconcilerRelay, DirectHandshakeMovesThePrefixesBackAfterHysteresis) {
  add_relay();
  add_peer();
  auto r = make();
  run(*r);
  ASSERT_EQ(r->relay_of(peer_key), relay_key);
  handshake(peer_key, now);  // the kept direct entry completed a handshake
  for (int i = 1; i <= 2; ++i) {
    now += 5000;
    run(*r);
    EXPECT_EQ(r->relay_of(peer_key), relay_key) << "evaluation " << i;
    EXPECT_TRUE(backend.peer(peer_key)->allowed_ips.empty());
  }
  now += 5000;
  run(*r);
  EXPECT_EQ(r->relay_of(peer_key), "");
  EXPECT_EQ(r->route_label(peer_key), "direct");
  EXPECT_EQ(backend.allowed(peer_key), (Strings{"10.99.0.7/32", "192.0.2.0/24", "fd00:1::7/128"}));
  EXPECT_EQ(backend.allowed(relay_key), (Strings{"10.99.0.3/32", "fd00:1::3/128"}));
  ASSERT_EQ(r->last_routes().size(), 1u);
  EXPECT_FALSE(r->last_routes()[0].gateway.has_value());
  EXPECT_EQ(metrics.counter("relay.switches_to_direct"), 1u);
  EXPECT_EQ(metrics.gauges().at("relay.peers_relayed"), 0);
}

TEST_F(ReconcilerRelay, ForceRelayRemovesTheDirectEntry) {
  local_nat = "cone";
  add_relay();
  add(peer_key, "peer-host", "10.99.0.7", "203.0.113.130:51820", false, "cone");
  ReconcileSettings rs;
  rs.force_relay = true;
  auto r = make(rs);
  run(*r);
  EXPECT_EQ(backend.peer(peer_key), nullptr);
  EXPECT_EQ(backend.allowed(relay_key),
            (Strings{"10.99.0.3/32", "10.99.0.7/32", "fd00:1::3/128", "fd00:1::7/128"}));
  EXPECT_EQ(r->route_label(peer_key), "relay:relay-host");
}

TEST_F(ReconcilerRelay, NeverHandshakingPeerIsRelayedAfterTheDirectWindow) {
  local_nat = "cone";
  add_relay();
  add(peer_key, "", "10.99.0.7", "203.0.113.130:51820", false, "cone");
  auto r = make();
  run(*r);
  EXPECT_EQ(r->relay_of(peer_key), "");
  EXPECT_EQ(backend.allowed(peer_key), (Strings{"10.99.0.7/32", "fd00:1::7/128"}));
  now += 11000;
  ASSERT_TRUE(
      store.update(PeerReport{.pubkey = relay_key}, "dht").ok());  // still hearing from the relay
  run(*r);
  EXPECT_EQ(r->relay_of(peer_key), "");
  now += 1000;
  run(*r);
  EXPECT_EQ(r->relay_of(peer_key), relay_key);
  EXPECT_TRUE(backend.peer(peer_key)->allowed_ips.empty());
  EXPECT_EQ(r->route_label(peer_key), "relay:relay-host");
  // Without a hostname the label uses the short key.
  EXPECT_EQ(r->route_label(relay_key), "direct");
}

TEST_F(ReconcilerRelay, IntroducerNeverRelaysAndNoCandidateMeansDirect) {
  add_peer();
  add(other_key, "other", "10.99.0.9", "203.0.113.131:51820", false, "symmetric");
  auto r = make();
  run(*r);  // no introducer known: direct
  EXPECT_EQ(backend.allowed(peer_key), (Strings{"10.99.0.7/32", "192.0.2.0/24", "fd00:1::7/128"}));
  add_relay();
  ReconcileSettings rs;
  rs.introducer = true;
  auto intro = make(rs);
  run(*intro);
  EXPECT_EQ(intro->relay_of(peer_key), "");
  EXPECT_EQ(intro->relay_of(other_key), "");
  EXPECT_EQ(backend.allowed(other_key), (Strings{"10.99.0.9/32", "fd00:1::9/128"}));
}

TEST_F(ReconcilerRelay, OfflinePeerLosesItsEntryAndItsRelay) {
  add_relay();
  add_peer();
  add(other_key, "other", "10.99.0.9", "203.0.113.131:51820", false, "symmetric");
  auto r = make();
  run(*r);
  ASSERT_EQ(r->relay_of(peer_key), relay_key);
  ASSERT_EQ(r->relay_of(other_key), relay_key);
  offline.insert(peer_key);
  run(*r);
  EXPECT_EQ(r->relay_of(peer_key), "");
  EXPECT_EQ(r->relay_of(other_key), relay_key);
  EXPECT_EQ(backend.peer(peer_key), nullptr);
  EXPECT_EQ(backend.allowed(relay_key),
            (Strings{"10.99.0.3/32", "10.99.0.9/32", "fd00:1::3/128", "fd00:1::9/128"}));
  EXPECT_TRUE(r->last_routes().empty());
}

TEST_F(ReconcilerRelay, LanPeerStaysDirect) {
  add_relay();
  add(peer_key, "peer-host", "10.99.0.7", "198.51.100.7:51820", false, "symmetric", {}, "lan");
  auto r = make();
  run(*r);
  EXPECT_EQ(r->relay_of(peer_key), "");
  local_networks = {*wg::IpPrefix::parse("203.0.113.0/24")};  // rule 4 for the others
  add(other_key, "other", "10.99.0.9", "203.0.113.131:51820", false, "symmetric");
  run(*r);
  EXPECT_EQ(r->relay_of(other_key), "");
  EXPECT_EQ(backend.allowed(other_key), (Strings{"10.99.0.9/32", "fd00:1::9/128"}));
}

TEST_F(ReconcilerRelay, ContestedNetworkKeepsItsOwnerWhenTheOwnerIsRelayed) {
  add_relay();
  // Both announce 192.0.2.0/24; the lower key owns it whether relayed or not.
  add_peer({"192.0.2.0/24"});
  add(other_key, "other", "10.99.0.9", "203.0.113.131:51820", false, "cone", {"192.0.2.0/24"});
  auto r = make();
  run(*r);
  const std::string& owner = std::min(peer_key, other_key);
  std::string carrier = r->relay_of(owner).empty() ? owner : r->relay_of(owner);
  auto nets = backend.allowed(carrier);
  EXPECT_NE(std::find(nets.begin(), nets.end(), "192.0.2.0/24"), nets.end());
  ASSERT_EQ(r->last_routes().size(), 1u);
}

}  // namespace
}  // namespace wgmesh

namespace wgmesh {
namespace {

// The event path (a store change) diffs against the cached device state instead of reading a
// device that may hold 1000 peers; the periodic pass reads it and repairs drift.
TEST_F(ReconcilerRelay, EventPassUsesTheCachedStateAndAFreshPassRepairsDrift) {
  auto r = make();
  add_peer();
  run(*r);
  ASSERT_NE(backend.peer(peer_key), nullptr);
  const int reads = backend.reads;
  add(peer_key, "peer-host", "10.99.0.7", "203.0.113.131:51820", false, "symmetric",
      {"192.0.2.0/24"});
  ASSERT_TRUE(r->run_once(/*fresh_read=*/false).ok());
  EXPECT_EQ(backend.reads, reads) << "an event pass must not read the device";
  EXPECT_EQ(backend.peer(peer_key)->endpoint->to_string(), "203.0.113.131:51820");
  backend.state.peers.clear();  // someone ran `wg set wg0 peer ... remove`
  ASSERT_TRUE(r->run_once(/*fresh_read=*/true).ok());
  EXPECT_EQ(backend.reads, reads + 1);
  ASSERT_NE(backend.peer(peer_key), nullptr);
  EXPECT_EQ(backend.allowed(peer_key), (Strings{"10.99.0.7/32", "192.0.2.0/24", "fd00:1::7/128"}));
}

class ReconcilerHandshakeStart : public ReconcilerRelay {
 protected:
  // A peer key on the chosen side of ours.
  std::string peer_key_that(bool greater_than_local) {
    for (;;) {
      std::string k = new_key();
      if ((k > local_key) == greater_than_local) return k;
    }
  }
  std::unique_ptr<Reconciler> make_default() {
    ReconcileSettings rs;
    rs.ifname = "wg0";
    rs.local_pubkey = local_key;
    auto r = std::make_unique<Reconciler>(loop, backend, nullptr, store, metrics, rs);
    r->set_clock([this] { return now; });
    r->set_local_networks_source([this] { return local_networks; });
    r->set_nat_type_source([this] { return local_nat; });
    return r;
  }
};

TEST_F(ReconcilerHandshakeStart, TheSmallerKeyInitiatesAndKicksUntilTheHandshake) {
  peer_key = peer_key_that(/*greater_than_local=*/true);
  auto r = make_default();
  add_peer();
  run(*r);
  ASSERT_NE(backend.peer(peer_key), nullptr);
  EXPECT_EQ(backend.peer(peer_key)->persistent_keepalive, 25);
  EXPECT_EQ(backend.removes, 0);
  now += 300;
  run(*r);  // no handshake yet: restart the initiation (remove + add in one write)
  EXPECT_EQ(backend.removes, 1);
  ASSERT_NE(backend.peer(peer_key), nullptr);
  EXPECT_EQ(backend.allowed(peer_key), (Strings{"10.99.0.7/32", "192.0.2.0/24", "fd00:1::7/128"}));
  handshake(peer_key, now);
  now += 600;
  run(*r);
  EXPECT_EQ(backend.removes, 1) << "a peer with a handshake is never kicked";
}

TEST_F(ReconcilerHandshakeStart, TheGreaterKeyAnswersUntilItsGraceEnds) {
  peer_key = peer_key_that(/*greater_than_local=*/false);
  auto r = make_default();
  add_peer();
  run(*r);
  ASSERT_NE(backend.peer(peer_key), nullptr);
  EXPECT_EQ(backend.peer(peer_key)->persistent_keepalive, 0);
  now += 2600;
  run(*r);
  EXPECT_EQ(backend.peer(peer_key)->persistent_keepalive, 25);
  EXPECT_EQ(backend.removes, 0) << "the answering side never kicks";
}

// Not relaying, but it needs this fake device: RPC reads share a recent device read.
TEST_F(ReconcilerRelay, RefreshFactsSharesAReadNoOlderThanAsked) {
  auto r = make();
  run(*r);  // a fresh read
  const int reads = backend.reads;
  now += 100;
  ASSERT_TRUE(r->refresh_facts(250).ok());
  EXPECT_EQ(backend.reads, reads);  // 100 ms old: shared
  now += 200;
  ASSERT_TRUE(r->refresh_facts(250).ok());
  EXPECT_EQ(backend.reads, reads + 1);  // 300 ms old: read again
  ASSERT_TRUE(r->refresh_facts().ok());
  EXPECT_EQ(backend.reads, reads + 2);  // no age given: always read
  now -= 60'000;  // the wall clock stepped back: never trust the old read's age
  ASSERT_TRUE(r->refresh_facts(250).ok());
  EXPECT_EQ(backend.reads, reads + 3);
}

}  // namespace
}  // namespace wgmesh
