#include "icmp_prober.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <vector>

namespace wgmesh::bench {
namespace {

// An IPv4 packet as a raw ICMP socket delivers it: `header_words` 32-bit words of IP header
// (5 = no options), source 10.1.2.3, then `icmp`.
std::vector<uint8_t> ip_packet(const std::vector<uint8_t>& icmp, int header_words = 5,
                               uint8_t protocol = 1) {
  std::vector<uint8_t> p(static_cast<size_t>(header_words) * 4, 0);
  p[0] = static_cast<uint8_t>(0x40 | header_words);
  size_t total = p.size() + icmp.size();
  p[2] = static_cast<uint8_t>(total >> 8);
  p[3] = static_cast<uint8_t>(total);
  p[8] = 64;
  p[9] = protocol;
  p[12] = 10, p[13] = 1, p[14] = 2, p[15] = 3;
  p[16] = 10, p[17] = 1, p[18] = 2, p[19] = 4;
  p.insert(p.end(), icmp.begin(), icmp.end());
  return p;
}

// The reply the kernel sends to `request`: type 0, same id/seq/payload, checksum redone.
std::vector<uint8_t> reply_to(const std::vector<uint8_t>& request) {
  std::vector<uint8_t> r = request;
  r[0] = 0;
  r[2] = r[3] = 0;
  uint16_t c = internet_checksum(r);
  r[2] = static_cast<uint8_t>(c >> 8);
  r[3] = static_cast<uint8_t>(c);
  return r;
}

std::vector<uint8_t> request(const ProbeTag& tag) {
  auto a = build_echo_request(tag);
  return {a.begin(), a.end()};
}

TEST(IcmpChecksum, MatchesRfc1071Example) {
  // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum (end-around carry) to ddf2.
  const std::vector<uint8_t> data = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(internet_checksum(data), static_cast<uint16_t>(~0xddf2));
}

TEST(IcmpChecksum, PadsAnOddLastByte) {
  EXPECT_EQ(internet_checksum(std::vector<uint8_t>{0x12}),
            internet_checksum(std::vector<uint8_t>{0x12, 0x00}));
  EXPECT_EQ(internet_checksum(std::vector<uint8_t>{}), 0xffff);
}

TEST(ProbeTag, EncodesGenerationAndFromInIdAndRoundAndToInSeq) {
  ProbeTag tag{.generation = 3, .from = 7, .to = 200, .round = 255};
  auto [id, seq] = encode_tag(tag);
  EXPECT_EQ(id, 0x0307);
  EXPECT_EQ(seq, 0xffc8);
  EXPECT_EQ(decode_tag(id, seq), tag);
  for (int from : {0, 1, 24, 255})
    for (int to : {0, 2, 23, 255}) {
      ProbeTag t{.generation = 9,
                 .from = static_cast<uint8_t>(from),
                 .to = static_cast<uint8_t>(to),
                 .round = 17};
      auto [i, s] = encode_tag(t);
      EXPECT_EQ(decode_tag(i, s), t);
    }
}

TEST(EchoRequest, IsTypeEightWithTagAndValidChecksum) {
  auto msg = request({.generation = 1, .from = 2, .to = 3, .round = 4});
  ASSERT_EQ(msg.size(), kEchoRequestSize);
  EXPECT_EQ(msg[0], 8);  // echo request
  EXPECT_EQ(msg[1], 0);
  EXPECT_EQ(internet_checksum(msg), 0);  // a filled-in checksum makes the sum verify
  EXPECT_EQ(msg[4], 1);                  // id = generation << 8 | from
  EXPECT_EQ(msg[5], 2);
  EXPECT_EQ(msg[6], 4);  // seq = round << 8 | to
  EXPECT_EQ(msg[7], 3);
}

TEST(EchoReply, ParsesTheKernelsReplyToOurRequest) {
  ProbeTag tag{.generation = 5, .from = 0, .to = 24, .round = 99};
  auto parsed = parse_echo_reply(ip_packet(reply_to(request(tag))));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->source, 0x0a010203u);
  EXPECT_EQ(parsed->tag, tag);
}

TEST(EchoReply, SkipsIpOptions) {
  ProbeTag tag{.generation = 1, .from = 1, .to = 2, .round = 0};
  auto parsed = parse_echo_reply(ip_packet(reply_to(request(tag)), /*header_words=*/6));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->tag, tag);
}

TEST(EchoReply, RejectsEverythingElse) {
  auto good = reply_to(request({.generation = 1, .from = 1, .to = 2, .round = 0}));
  // An echo request (another host pinging this one).
  EXPECT_FALSE(parse_echo_reply(ip_packet(request({.generation = 1, .from = 1, .to = 2}))));
  // A corrupted reply: the checksum no longer verifies.
  auto corrupt = good;
  corrupt[9] ^= 0x40;
  EXPECT_FALSE(parse_echo_reply(ip_packet(corrupt)));
  // Somebody else's ping (other payload, checksum valid).
  auto foreign = good;
  foreign[8] = 'x';
  foreign[2] = foreign[3] = 0;
  uint16_t c = internet_checksum(foreign);
  foreign[2] = static_cast<uint8_t>(c >> 8);
  foreign[3] = static_cast<uint8_t>(c);
  EXPECT_FALSE(parse_echo_reply(ip_packet(foreign)));
  // Not ICMP, truncated, not IPv4.
  EXPECT_FALSE(parse_echo_reply(ip_packet(good, 5, /*protocol=*/17)));
  auto truncated = ip_packet(good);
  truncated.resize(truncated.size() - 1);
  EXPECT_FALSE(parse_echo_reply(truncated));
  EXPECT_FALSE(parse_echo_reply(std::vector<uint8_t>(10, 0)));
  auto v6 = ip_packet(good);
  v6[0] = 0x65;
  EXPECT_FALSE(parse_echo_reply(v6));
}

TEST(RttEstimator, FollowsRfc6298AndClamps) {
  using std::chrono::milliseconds;
  RttEstimator e;
  EXPECT_FALSE(e.has_sample());
  EXPECT_EQ(e.rto(milliseconds(10), milliseconds(100)), milliseconds(10));  // no sample: lo
  e.sample(milliseconds(8));  // first: SRTT = R, RTTVAR = R/2, RTO = 8 + 4*4 = 24
  EXPECT_EQ(e.srtt(), milliseconds(8));
  EXPECT_EQ(e.rto(milliseconds(10), milliseconds(100)), milliseconds(24));
  e.sample(milliseconds(16));  // RTTVAR = (3*4 + 8)/4 = 5, SRTT = (7*8 + 16)/8 = 9, RTO = 29
  EXPECT_EQ(e.srtt(), milliseconds(9));
  EXPECT_EQ(e.rto(milliseconds(10), milliseconds(100)), milliseconds(29));
  EXPECT_EQ(e.rto(milliseconds(10), milliseconds(20)), milliseconds(20));   // clamped high
  EXPECT_EQ(e.rto(milliseconds(50), milliseconds(100)), milliseconds(50));  // clamped low
}

}  // namespace
}  // namespace wgmesh::bench
