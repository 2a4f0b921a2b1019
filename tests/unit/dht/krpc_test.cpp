#include "wgmesh/dht/krpc.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace wgmesh::dht {
namespace {

using test::bytes;
using test::ep4;

NodeId id_of(char c) {
  NodeId id;
  id.bytes.fill(static_cast<uint8_t>(c));
  return id;
}

Message round_trip(const Message& m) {
  std::string wire = encode_message(m);
  Decoded d = decode_message(bytes(wire));
  EXPECT_TRUE(d.ok()) << d.failure.reason << " in " << wire;
  return d.ok() ? *d.message : Message{};
}

TEST(Krpc, PingQueryMatchesBep5Example) {
  Message m = make_query("aa", Method::Ping, *NodeId::from_string("abcdefghij0123456789"));
  EXPECT_EQ(encode_message(m), "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe");
  Message back = round_trip(m);
  EXPECT_EQ(back.type, MessageType::Query);
  EXPECT_EQ(back.query.method, Method::Ping);
  EXPECT_EQ(back.tid, "aa");
}

TEST(Krpc, FindNodeQueryAndResponseWithNodesAndNodes6) {
  Message q = make_query("t1", Method::FindNode, id_of('a'));
  q.query.target = id_of('m');
  q.query.want_n4 = q.query.want_n6 = true;
  Message bq = round_trip(q);
  EXPECT_EQ(bq.query.method, Method::FindNode);
  EXPECT_EQ(bq.query.target, id_of('m'));
  EXPECT_TRUE(bq.query.want_n4);
  EXPECT_TRUE(bq.query.want_n6);

  Message r = make_response("t1", id_of('b'));
  r.response.nodes = {{id_of('c'), ep4(1, 2, 3, 4, 6881)}, {id_of('d'), ep4(5, 6, 7, 8, 1)}};
  r.response.nodes6 = {{id_of('e'), *Endpoint::parse("[2001:db8::1]:6881")}};
  r.ip = ep4(203, 0, 113, 5, 4000);
  std::string wire = encode_message(r);
  EXPECT_NE(wire.find("5:nodes52:"), std::string::npos);   // 2 x 26 bytes
  EXPECT_NE(wire.find("6:nodes638:"), std::string::npos);  // 1 x 38 bytes
  Message br = round_trip(r);
  EXPECT_EQ(br.type, MessageType::Response);
  EXPECT_EQ(br.response.id, id_of('b'));
  EXPECT_EQ(br.response.nodes, r.response.nodes);
  EXPECT_EQ(br.response.nodes6, r.response.nodes6);
  ASSERT_TRUE(br.ip);
  EXPECT_EQ(*br.ip, *r.ip);
}

TEST(Krpc, GetPeersQueryAndResponsesWithValuesAndToken) {
  Message q = make_query("gp", Method::GetPeers, id_of('a'));
  q.query.info_hash = id_of('i');
  Message bq = round_trip(q);
  EXPECT_EQ(bq.query.method, Method::GetPeers);
  EXPECT_EQ(bq.query.info_hash, id_of('i'));
  EXPECT_FALSE(bq.query.want_n4);

  Message r = make_response("gp", id_of('b'));
  r.response.token = "tok";
  r.response.values = {ep4(10, 0, 0, 1, 51820), *Endpoint::parse("[2001:db8::2]:7000")};
  Message br = round_trip(r);
  ASSERT_TRUE(br.response.token);
  EXPECT_EQ(*br.response.token, "tok");
  EXPECT_EQ(br.response.values, r.response.values);
}

TEST(Krpc, AnnouncePeerOmitsImpliedPortUnlessSet) {
  Message q = make_query("an", Method::AnnouncePeer, id_of('a'));
  q.query.info_hash = id_of('i');
  q.query.token = "secret";
  q.query.port = 51821;
  std::string wire = encode_message(q);
  EXPECT_EQ(wire.find("implied_port"), std::string::npos);
  Message bq = round_trip(q);
  EXPECT_EQ(bq.query.port, 51821);
  EXPECT_FALSE(bq.query.implied_port);
  EXPECT_EQ(bq.query.token, "secret");

  q.query.implied_port = true;
  q.query.port = 0;
  Message bi = round_trip(q);
  EXPECT_TRUE(bi.query.implied_port);
}

TEST(Krpc, ErrorMessage) {
  Message e = make_error("xy", kErrProtocol, "bad token");
  EXPECT_EQ(encode_message(e), "d1:eli203e9:bad tokene1:t2:xy1:y1:ee");
  Message be = round_trip(e);
  EXPECT_EQ(be.type, MessageType::Error);
  EXPECT_EQ(be.error.code, 203);
  EXPECT_EQ(be.error.message, "bad token");
}

TEST(Krpc, VersionAndReadOnly) {
  Message q = make_query("v1", Method::Ping, id_of('a'));
  q.version = "WG01";
  q.query.read_only = true;
  Message b = round_trip(q);
  EXPECT_EQ(b.version, "WG01");
  EXPECT_TRUE(b.query.read_only);
}

TEST(Krpc, UnknownMethodGets204WithTid) {
  Decoded d =
      decode_message(bytes("d1:ad2:id20:abcdefghij0123456789e1:q9:vote_spam1:t2:zz1:y1:qe"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.failure.code, kErrMethodUnknown);
  EXPECT_TRUE(d.failure.reply_allowed);
  EXPECT_EQ(d.failure.tid, "zz");
}

TEST(Krpc, MalformedQueryGets203) {
  // find_node without target
  Decoded d =
      decode_message(bytes("d1:ad2:id20:abcdefghij0123456789e1:q9:find_node1:t2:zz1:y1:qe"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.failure.code, kErrProtocol);
  EXPECT_TRUE(d.failure.reply_allowed);
  // short id
  d = decode_message(bytes("d1:ad2:id3:abce1:q4:ping1:t2:zz1:y1:qe"));
  ASSERT_FALSE(d.ok());
  EXPECT_TRUE(d.failure.reply_allowed);
  // announce_peer without port and without implied_port
  d = decode_message(
      bytes("d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234565:token1:xe1:q13:"
            "announce_peer1:t2:zz1:y1:qe"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.failure.code, kErrProtocol);
  // port out of range
  d = decode_message(bytes(
      "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234564:porti70000e5:token1:"
      "xe1:q13:announce_peer1:t2:zz1:y1:qe"));
  ASSERT_FALSE(d.ok());
}

TEST(Krpc, NoReplyWithoutSaneTidOrForResponses) {
  // no t
  Decoded d = decode_message(bytes("d1:ad2:id3:abce1:q4:ping1:y1:qe"));
  EXPECT_FALSE(d.ok());
  EXPECT_FALSE(d.failure.reply_allowed);
  // t too long
  d = decode_message(bytes("d1:ad2:id3:abce1:q4:ping1:t17:aaaaaaaaaaaaaaaaa1:y1:qe"));
  EXPECT_FALSE(d.failure.reply_allowed);
  // malformed response: never answered
  d = decode_message(bytes("d1:rd2:id3:abce1:t2:aa1:y1:re"));
  EXPECT_FALSE(d.ok());
  EXPECT_FALSE(d.failure.reply_allowed);
  // not bencode
  d = decode_message(bytes("hello"));
  EXPECT_FALSE(d.failure.reply_allowed);
  // missing y
  d = decode_message(bytes("d1:t2:aae"));
  EXPECT_FALSE(d.failure.reply_allowed);
}

TEST(Krpc, RejectsBadCompactNodes) {
  // nodes length not a multiple of 26
  std::string r =
      "d1:rd2:id20:abcdefghij01234567895:nodes25:" + std::string(25, 'x') + "e1:t2:aa1:y1:re";
  EXPECT_FALSE(decode_message(bytes(r)).ok());
  std::string r6 =
      "d1:rd2:id20:abcdefghij01234567896:nodes626:" + std::string(26, 'x') + "e1:t2:aa1:y1:re";
  EXPECT_FALSE(decode_message(bytes(r6)).ok());
}

TEST(Krpc, SkipsJunkValuesButKeepsGoodOnes) {
  std::string good = encode_compact(ep4(1, 2, 3, 4, 5));
  std::string r = "d1:rd2:id20:abcdefghij01234567896:valuesl3:abci7e6:" + good + "ee1:t2:aa1:y1:re";
  Decoded d = decode_message(bytes(r));
  ASSERT_TRUE(d.ok()) << d.failure.reason;
  ASSERT_EQ(d.message->response.values.size(), 1u);
  EXPECT_EQ(d.message->response.values[0], ep4(1, 2, 3, 4, 5));
}

TEST(Krpc, CapsValuesPerResponse) {
  std::string vals;
  for (int i = 0; i < 300; ++i)
    vals +=
        "6:" + encode_compact(ep4(1, 2, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i), 80));
  std::string r = "d1:rd2:id20:abcdefghij01234567896:valuesl" + vals + "ee1:t2:aa1:y1:re";
  DecodeLimits lim;
  lim.max_values = 100;
  Decoded d = decode_message(bytes(r), lim);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.message->response.values.size(), 100u);
}

TEST(Krpc, ToleratesUnknownKeysAndBadIpField) {
  Decoded d = decode_message(
      bytes("d1:ad2:id20:abcdefghij01234567893:zzzi1ee2:ip3:abc1:q4:ping1:t2:aa1:y1:q3:xyz0:e"));
  ASSERT_TRUE(d.ok()) << d.failure.reason;
  EXPECT_FALSE(d.message->ip);
}

}  // namespace
}  // namespace wgmesh::dht
