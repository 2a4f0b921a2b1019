// What the plugin added to the DHT core: BEP 42 external-address votes, bootstrap routers
// that arrive after start(), and nodes-file saves that may overlap.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "test_random.h"
#include "wgmesh/dht/external_address.h"
#include "wgmesh/dht/node.h"
#include "wgmesh/dht/nodes_file.h"

namespace wgmesh::dht {
namespace {

using plugin::test::ep4;

TEST(ExternalAddressVotes, NeedsDistinctReporters) {
  ExternalAddressVotes v;
  const Endpoint me = ep4(203, 0, 113, 5, 40000);
  v.record(me, ep4(198, 51, 100, 1, 6881), 0);
  v.record(me, ep4(198, 51, 100, 1, 6882), 1);  // same reporter IP, other port
  EXPECT_TRUE(v.confirmed(2).empty());
  ASSERT_EQ(v.confirmed(1).size(), 1u);
  EXPECT_EQ(v.confirmed(1)[0].port, 0);                                // the IP is what counts
  v.record(ep4(203, 0, 113, 5, 1234), ep4(198, 51, 100, 2, 6881), 2);  // NAT: other port
  ASSERT_EQ(v.confirmed(2).size(), 1u);
  EXPECT_TRUE(v.confirmed(2)[0].same_ip(me));
}

TEST(ExternalAddressVotes, FloodOfInventedAddressesKeepsTheConfirmedOne) {
  ExternalAddressVotes v;
  const Endpoint me = ep4(203, 0, 113, 5, 0);
  for (uint8_t r = 1; r <= 5; ++r) v.record(me, ep4(198, 51, 100, r, 1), r);
  for (int i = 0; i < 1000; ++i)
    v.record(ep4(192, 0, 2, static_cast<uint8_t>(i), 0), ep4(192, 0, 2, 250, 1), 100 + i);
  EXPECT_LE(v.candidates(), ExternalAddressVotes::kMaxCandidates);
  auto c = v.confirmed(2);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_TRUE(c[0].same_ip(me));
  EXPECT_TRUE(v.confirmed(0).size() <= ExternalAddressVotes::kMaxCandidates);
}

TEST(ExternalAddressVotes, IgnoresUnspecified) {
  ExternalAddressVotes v;
  v.record(ep4(0, 0, 0, 0, 0), ep4(198, 51, 100, 1, 1), 0);
  EXPECT_EQ(v.candidates(), 0u);
}

class Capture : public Transport {
 public:
  std::vector<Endpoint> to;
  bool send(std::span<const uint8_t>, const Endpoint& e) override {
    to.push_back(e);
    return true;
  }
};

class ManualClock : public Clock {
 public:
  int64_t now = 1000;
  int64_t now_ms() override { return now; }
};

TEST(DhtNodeExtensions, LateBootstrapRoutersAreTriedAtOnce) {
  Capture tx;
  ManualClock clock;
  plugin::test::SeededRandom rng;
  DhtConfig cfg;
  DhtNode node(cfg, tx, clock, rng);
  node.start();
  // Nothing to ask: the first attempt finds no candidate and backs off.
  for (int i = 0; i < 5; ++i) {
    clock.now = std::max(clock.now, node.next_deadline());
    node.on_timer();
  }
  EXPECT_TRUE(tx.to.empty());
  const Endpoint router = ep4(10, 0, 0, 9, 6881);
  node.set_bootstrap({router});
  EXPECT_LE(node.next_deadline(), clock.now);  // due now, not after the backoff
  node.on_timer();
  ASSERT_FALSE(tx.to.empty());
  EXPECT_EQ(tx.to.front(), router);
}

TEST(DhtNodeExtensions, StatsCarryTheTableFootprint) {
  Capture tx;
  ManualClock clock;
  plugin::test::SeededRandom rng;
  DhtNode node(DhtConfig{}, tx, clock, rng);
  EXPECT_GT(node.stats().routing_table_bytes, 0u);
  EXPECT_TRUE(node.external_addresses().empty());
}

// npm bittorrent-dht answers find_node with every close node it has (70+ in a big swarm):
// the reply is used, with the first max_nodes records.
TEST(Krpc, MoreNodesThanTheLimitAreTruncatedNotRejected) {
  plugin::test::SeededRandom rng;
  Message r = make_response("aa", NodeId::random(rng));
  for (uint8_t i = 0; i < 70; ++i)
    r.response.nodes.push_back({NodeId::random(rng), ep4(10, 0, 1, i, 6881)});
  const std::string wire = encode_message(r);
  EXPECT_GT(wire.size(), 1800u);
  Decoded d = decode_message({reinterpret_cast<const uint8_t*>(wire.data()), wire.size()});
  ASSERT_TRUE(d.ok()) << d.failure.reason;
  ASSERT_EQ(d.message->response.nodes.size(), DecodeLimits{}.max_nodes);
  EXPECT_EQ(d.message->response.nodes.front(), r.response.nodes.front());
}

TEST(NodesFile, OverlappingSavesDoNotTearEachOther) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("dht-nodes-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / "wg0-a11c420b66cd7877-dht.nodes";
  plugin::test::SeededRandom rng;
  std::vector<NodeInfo> a, b;
  for (uint8_t i = 1; i <= 50; ++i) a.push_back({NodeId::random(rng), ep4(10, 0, 0, i, 6881)});
  for (uint8_t i = 1; i <= 80; ++i) b.push_back({NodeId::random(rng), ep4(10, 0, 1, i, 6881)});
  std::thread t([&] {
    for (int k = 0; k < 50; ++k) EXPECT_TRUE(save_nodes_file(path, a).ok());
  });
  for (int k = 0; k < 50; ++k) EXPECT_TRUE(save_nodes_file(path, b).ok());
  t.join();
  auto loaded = load_nodes_file(path);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  EXPECT_TRUE(*loaded == a || *loaded == b);
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);  // no temp file left behind
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wgmesh::dht
