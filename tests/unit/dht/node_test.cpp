// DhtNode as a single node: how it answers others, what it drops, and its own timers.
#include "wgmesh/dht/node.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace wgmesh::dht {
namespace {

using test::bytes;
using test::CaptureTransport;
using test::ep4;
using test::FakeClock;
using test::SeededRandom;

class NodeTest : public ::testing::Test {
 protected:
  FakeClock clock;
  SeededRandom rng{42};
  CaptureTransport net;
  Endpoint self_ep = ep4(10, 0, 0, 1, 6881);
  std::unique_ptr<DhtNode> node;

  void make(DhtConfig cfg = {}) {
    cfg.self_endpoints.push_back(self_ep);
    node = std::make_unique<DhtNode>(std::move(cfg), net, clock, rng);
  }
  void SetUp() override { make(); }

  // Delivers a message and returns the decoded reply (if exactly one datagram came back).
  std::optional<Message> ask(const Message& m, const Endpoint& from) {
    net.sent.clear();
    std::string wire = encode_message(m);
    node->on_datagram(bytes(wire), from);
    for (const auto& s : net.sent) {
      if (s.to != from) continue;
      Decoded d = decode_message(bytes(s.data));
      if (d.ok() && d.message->tid == m.tid) return d.message;
    }
    return std::nullopt;
  }
  std::optional<Message> ask_raw(const std::string& wire, const Endpoint& from) {
    net.sent.clear();
    node->on_datagram(bytes(wire), from);
    if (net.sent.empty()) return std::nullopt;
    Decoded d = decode_message(bytes(net.sent.back().data));
    return d.message;
  }
};

TEST_F(NodeTest, AnswersPingWithIdAndObservedAddress) {
  Endpoint peer = ep4(10, 0, 0, 2, 5000);
  auto r = ask(make_query("p1", Method::Ping, NodeId::random(rng)), peer);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, MessageType::Response);
  EXPECT_EQ(r->response.id, node->id());
  ASSERT_TRUE(r->ip);
  EXPECT_EQ(*r->ip, peer);
  EXPECT_EQ(node->stats().ping_in, 1u);
  EXPECT_EQ(node->stats().responses_out, 1u);
}

TEST_F(NodeTest, StrangerIsPingedBeforeEnteringTheTable) {
  Endpoint peer = ep4(10, 0, 0, 2, 5000);
  NodeId pid = NodeId::random(rng);
  ask(make_query("p1", Method::Ping, pid), peer);
  EXPECT_EQ(node->stats().routing_table_v4, 0u);
  // Our verification ping went out; answer it.
  std::optional<Message> ping;
  for (const auto& s : net.sent) {
    Decoded d = decode_message(bytes(s.data));
    if (d.ok() && d.message->type == MessageType::Query && s.to == peer) ping = d.message;
  }
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->query.method, Method::Ping);
  Message pong = make_response(ping->tid, pid);
  node->on_datagram(bytes(encode_message(pong)), peer);
  EXPECT_EQ(node->stats().routing_table_v4, 1u);
}

TEST_F(NodeTest, GetPeersTokenAnnounceAndValues) {
  Endpoint peer = ep4(10, 0, 0, 3, 7000);
  NodeId pid = NodeId::random(rng);
  InfoHash ih = NodeId::random(rng);
  Message gp = make_query("g1", Method::GetPeers, pid);
  gp.query.info_hash = ih;
  auto r = ask(gp, peer);
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->response.token);
  EXPECT_TRUE(r->response.values.empty());

  Message an = make_query("a1", Method::AnnouncePeer, pid);
  an.query.info_hash = ih;
  an.query.token = *r->response.token;
  an.query.port = 51821;
  auto ack = ask(an, ep4(10, 0, 0, 3, 7001));  // token is IP-bound: other port is fine
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->type, MessageType::Response);

  // implied_port: the source port is stored instead of a.port.
  Message an2 = an;
  an2.tid = "a2";
  an2.query.implied_port = true;
  an2.query.port = 0;
  ASSERT_TRUE(ask(an2, ep4(10, 0, 0, 3, 7002)));

  Message gp2 = gp;
  gp2.tid = "g2";
  auto r2 = ask(gp2, ep4(10, 0, 0, 9, 1));
  ASSERT_TRUE(r2);
  ASSERT_EQ(r2->response.values.size(), 2u);
  std::set<uint16_t> ports;
  for (const auto& v : r2->response.values) {
    EXPECT_TRUE(v.same_ip(peer));
    ports.insert(v.port);
  }
  EXPECT_EQ(ports, (std::set<uint16_t>{51821, 7002}));
  EXPECT_EQ(node->stats().peers_stored, 2u);
}

TEST_F(NodeTest, AnnounceWithBadTokenIsRefusedWith203) {
  Message an = make_query("a1", Method::AnnouncePeer, NodeId::random(rng));
  an.query.info_hash = NodeId::random(rng);
  an.query.token = "forged!!";
  an.query.port = 1;
  auto r = ask(an, ep4(10, 0, 0, 4, 1));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, MessageType::Error);
  EXPECT_EQ(r->error.code, kErrProtocol);
  EXPECT_EQ(node->stats().bad_tokens, 1u);
  EXPECT_EQ(node->stats().peer_store_peers, 0u);
}

TEST_F(NodeTest, UnknownMethodAndMalformedQueriesGetErrorsGarbageIsDropped) {
  Endpoint from = ep4(10, 0, 0, 5, 1);
  auto r = ask_raw("d1:ad2:id20:abcdefghij0123456789e1:q4:vote1:t2:xx1:y1:qe", from);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, MessageType::Error);
  EXPECT_EQ(r->error.code, kErrMethodUnknown);
  EXPECT_EQ(r->tid, "xx");

  r = ask_raw("d1:ad2:id2:abe1:q4:ping1:t2:yy1:y1:qe", from);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->error.code, kErrProtocol);

  EXPECT_FALSE(ask_raw("this is not bencode", from));
  EXPECT_FALSE(ask_raw("d1:rd2:id2:abe1:t2:zz1:y1:re", from));  // bad response: silent
  EXPECT_FALSE(ask_raw(std::string(5000, 'x'), from));
  Stats s = node->stats();
  EXPECT_EQ(s.malformed_dropped, 4u);
  EXPECT_EQ(s.oversized_dropped, 1u);
  EXPECT_EQ(s.errors_sent, 2u);
}

TEST_F(NodeTest, RateLimitsQueriesPerSourceIp) {
  DhtConfig cfg;
  cfg.rate_limit = {10.0, 20.0, 4096};
  make(cfg);
  int answered = 0;
  for (int i = 0; i < 100; ++i) {
    Message q = make_query("r" + std::to_string(i), Method::Ping, NodeId::random(rng));
    if (ask(q, ep4(10, 0, 0, 6, static_cast<uint16_t>(1000 + i)))) ++answered;
  }
  EXPECT_EQ(answered, 20);
  EXPECT_EQ(node->stats().rate_limited, 80u);
  EXPECT_TRUE(ask(make_query("other", Method::Ping, NodeId::random(rng)), ep4(10, 0, 0, 7, 1)));
  clock.now += 1000;
  int later = 0;
  for (int i = 0; i < 30; ++i)
    later += ask(make_query("s" + std::to_string(i), Method::Ping, NodeId::random(rng)),
                 ep4(10, 0, 0, 6, 1))
                 ? 1
                 : 0;
  EXPECT_EQ(later, 10);
}

TEST_F(NodeTest, RepliesFromTheWrongAddressAreIgnored) {
  DhtConfig cfg;
  Endpoint router = ep4(10, 0, 0, 50, 6881);
  cfg.bootstrap = {router};
  make(cfg);
  node->start();
  ASSERT_FALSE(net.sent.empty());
  Decoded q = decode_message(bytes(net.sent.back().data));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(net.sent.back().to, router);
  EXPECT_EQ(q.message->query.method, Method::FindNode);
  EXPECT_EQ(q.message->query.target, node->id());  // bootstrap target: our own random ID
  Message r = make_response(q.message->tid, NodeId::random(rng));
  node->on_datagram(bytes(encode_message(r)), ep4(10, 0, 0, 51, 6881));
  EXPECT_EQ(node->stats().unexpected_responses, 1u);
  EXPECT_EQ(node->stats().routing_table_v4, 0u);
  node->on_datagram(bytes(encode_message(r)), router);
  EXPECT_EQ(node->stats().routing_table_v4, 1u);
}

TEST_F(NodeTest, NeverAddsItselfByIdOrAddress) {
  std::vector<NodeInfo> recs = {{node->id(), ep4(10, 0, 0, 9, 1)},
                                {NodeId::random(rng), self_ep},
                                {NodeId::random(rng), ep4(10, 0, 0, 10, 1)}};
  node->restore_nodes(recs);
  EXPECT_EQ(node->stats().routing_table_v4, 1u);
  // A reply that carries our own ID (we reached ourselves via another address).
  net.sent.clear();
  node->start();
  Endpoint other_self = ep4(10, 0, 0, 10, 1);
  auto sent = net.sent;
  for (const auto& s : sent) {
    Decoded d = decode_message(bytes(s.data));
    if (s.to != other_self || !d.ok()) continue;
    node->on_datagram(bytes(encode_message(make_response(d.message->tid, node->id()))), other_self);
  }
  EXPECT_GE(node->stats().self_contacts, 1u);
  for (const auto& n : node->nodes_snapshot()) EXPECT_NE(n.id, node->id());
}

TEST_F(NodeTest, ZeroIdRecordIsPingedNotAdded) {
  std::vector<NodeInfo> recs = {{NodeId{}, ep4(10, 0, 0, 11, 1)}};
  node->restore_nodes(recs);
  EXPECT_EQ(node->stats().routing_table_v4, 0u);
  node->on_timer();
  ASSERT_EQ(net.sent.size(), 1u);
  EXPECT_EQ(net.sent[0].to, ep4(10, 0, 0, 11, 1));
  EXPECT_EQ(decode_message(bytes(net.sent[0].data)).message->query.method, Method::Ping);
}

TEST_F(NodeTest, SnapshotRestoreRoundTrip) {
  std::vector<NodeInfo> recs;
  for (int i = 0; i < 20; ++i)
    recs.push_back({NodeId::random(rng), ep4(10, 1, 0, static_cast<uint8_t>(i), 6881)});
  node->restore_nodes(recs);
  auto snap = node->nodes_snapshot();
  EXPECT_EQ(snap.size(), node->stats().routing_table_v4);
  EXPECT_GE(snap.size(), 8u);
}

TEST_F(NodeTest, DualStackAnswersFollowWant) {
  DhtConfig cfg;
  cfg.ipv6 = true;
  make(cfg);
  std::vector<NodeInfo> recs;
  for (int i = 1; i <= 10; ++i) {
    recs.push_back({NodeId::random(rng), ep4(10, 2, 0, static_cast<uint8_t>(i), 6881)});
    std::array<uint8_t, 16> a{0xfd, 0, 0, 0, 0, 0, 0, 0,
                              0,    0, 0, 0, 0, 0, 0, static_cast<uint8_t>(i)};
    recs.push_back({NodeId::random(rng), Endpoint::v6(a, 6881)});
  }
  node->restore_nodes(recs);
  Message q = make_query("w1", Method::FindNode, NodeId::random(rng));
  q.query.target = NodeId::random(rng);
  auto plain4 = ask(q, ep4(10, 3, 0, 1, 1));  // no want: the requester's family
  ASSERT_TRUE(plain4);
  EXPECT_EQ(plain4->response.nodes.size(), 8u);
  EXPECT_TRUE(plain4->response.nodes6.empty());
  auto plain6 = ask(q, *Endpoint::parse("[fd00::99]:1"));
  ASSERT_TRUE(plain6);
  EXPECT_TRUE(plain6->response.nodes.empty());
  EXPECT_EQ(plain6->response.nodes6.size(), 8u);
  q.query.want_n4 = q.query.want_n6 = true;
  auto both = ask(q, ep4(10, 3, 0, 2, 1));
  ASSERT_TRUE(both);
  EXPECT_EQ(both->response.nodes.size(), 8u);
  EXPECT_EQ(both->response.nodes6.size(), 8u);
  // Our own lookups ask for both families when we can use both.
  net.sent.clear();
  node->get_peers(NodeId::random(rng), [](const LookupResult&) {});
  ASSERT_FALSE(net.sent.empty());
  for (const auto& s : net.sent) {
    Decoded d = decode_message(bytes(s.data));
    if (d.ok() && d.message->query.method == Method::GetPeers) {
      EXPECT_TRUE(d.message->query.want_n4);
      EXPECT_TRUE(d.message->query.want_n6);
    }
  }
}

TEST(BootstrapDelay, SequenceAndJitter) {
  SeededRandom rng(9);
  const int64_t expect[] = {5000, 10000, 20000, 40000, 60000, 60000, 60000};
  for (int a = 0; a < 7; ++a) {
    for (int i = 0; i < 1000; ++i) {
      int64_t d = DhtNode::bootstrap_delay_ms(a, 5000, 60000, rng);
      ASSERT_GE(d, expect[a] * 3 / 4);
      ASSERT_LE(d, expect[a] * 5 / 4);
    }
  }
}

TEST_F(NodeTest, NoReachableBootstrapKeepsRunningQuietly) {
  DhtConfig cfg;
  cfg.bootstrap = {ep4(10, 9, 9, 9, 6881)};  // never answers
  make(cfg);
  node->start();
  const int64_t t0 = clock.now;
  int timer_calls = 0;
  // Drive by deadlines for one hour of simulated time.
  while (clock.now < t0 + 3600 * 1000) {
    int64_t d = node->next_deadline();
    ASSERT_GE(d, clock.now);
    ASSERT_GT(d, clock.now - 1);
    clock.now = std::max(clock.now + 1, d);
    node->on_timer();
    ASSERT_LT(++timer_calls, 10000) << "busy loop";
  }
  EXPECT_FALSE(node->is_bootstrapped());
  // ~1 attempt a minute after the backoff ramps up, 2 sends each (one retry).
  Stats s = node->stats();
  EXPECT_GE(s.bootstrap_attempts, 40u);
  EXPECT_LE(s.bootstrap_attempts, 90u);
  EXPECT_LE(net.sent.size(), 2 * s.bootstrap_attempts);
  EXPECT_GT(s.timeouts, 0u);
}

TEST_F(NodeTest, EmptyBootstrapListDoesNotSpin) {
  node->start();
  int64_t d = node->next_deadline();
  EXPECT_GT(d, clock.now);  // next retry is seconds away, not now
  EXPECT_TRUE(net.sent.empty());
}

TEST_F(NodeTest, OperationsAreBoundedAndCallbacksAreDeferred) {
  DhtConfig cfg;
  cfg.max_operations = 4;
  make(cfg);
  int called = 0;
  std::vector<OperationId> ids;
  for (int i = 0; i < 10; ++i)
    ids.push_back(node->get_peers(NodeId::random(rng), [&](const LookupResult&) { ++called; }));
  EXPECT_EQ(std::count(ids.begin(), ids.end(), OperationId{0}), 6);
  EXPECT_EQ(called, 0);  // never from inside get_peers()
  EXPECT_EQ(node->next_deadline(), clock.now);
  node->on_timer();
  EXPECT_EQ(called, 4);  // nothing to ask: they finish at once, in the loop
}

}  // namespace
}  // namespace wgmesh::dht
