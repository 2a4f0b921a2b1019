#include "wireguard/uapi_protocol.h"

#include <gtest/gtest.h>

#include "test_keys.h"

namespace wgmesh::wg {
namespace {

using testing::endpoint;
using testing::prefix;
using testing::test_key;

// A real `get=1` reply from wireguard-go 0.0.20220316 (keys replaced by patterns).
const std::string kGetReply =
    "private_key=1011111111111111111111111111111111111111111111111111111111111151\n"
    "listen_port=51820\n"
    "fwmark=87\n"
    "public_key=2222222222222222222222222222222222222222222222222222222222222222\n"
    "preshared_key=3333333333333333333333333333333333333333333333333333333333333333\n"
    "protocol_version=1\n"
    "endpoint=[2001:db8::1]:1234\n"
    "last_handshake_time_sec=1700000000\n"
    "last_handshake_time_nsec=123456789\n"
    "tx_bytes=92\n"
    "rx_bytes=148\n"
    "persistent_keepalive_interval=25\n"
    "allowed_ip=10.0.0.0/24\n"
    "allowed_ip=fd00::/64\n"
    "public_key=4444444444444444444444444444444444444444444444444444444444444444\n"
    "preshared_key=0000000000000000000000000000000000000000000000000000000000000000\n"
    "protocol_version=1\n"
    "last_handshake_time_sec=0\n"
    "last_handshake_time_nsec=0\n"
    "tx_bytes=0\n"
    "rx_bytes=0\n"
    "persistent_keepalive_interval=0\n"
    "errno=0\n"
    "\n";

TEST(UapiEncode, DeviceAndPeers) {
  DeviceUpdate u;
  u.private_key = test_key(1);
  u.listen_port = 51820;
  u.fwmark = 0;
  u.replace_peers = true;
  PeerConfig p;
  p.public_key = test_key(2);
  p.preshared_key = test_key(3);
  p.endpoint = endpoint("[2001:db8::1]:51820");
  p.persistent_keepalive = 25;
  p.replace_allowed_ips = true;
  p.allowed_ips = {prefix("100.64.0.2/32"), prefix("fd00::/64")};
  u.peers.push_back(p);
  PeerConfig r;
  r.public_key = test_key(4);
  r.remove = true;
  r.allowed_ips = {prefix("10.0.0.0/8")};  // ignored for a removal
  u.peers.push_back(r);
  PeerConfig m;
  m.public_key = test_key(5);
  m.update_only = true;
  m.endpoint = endpoint("192.0.2.9:9");
  u.peers.push_back(m);

  auto text = uapi::encode_set(u);
  ASSERT_TRUE(text) << text.message();
  EXPECT_EQ(*text,
            "set=1\n"
            "private_key=" +
                test_key(1).to_hex() +
                "\n"
                "listen_port=51820\n"
                "fwmark=0\n"
                "replace_peers=true\n"
                "public_key=" +
                test_key(2).to_hex() +
                "\n"
                "preshared_key=" +
                test_key(3).to_hex() +
                "\n"
                "endpoint=[2001:db8::1]:51820\n"
                "persistent_keepalive_interval=25\n"
                "replace_allowed_ips=true\n"
                "allowed_ip=100.64.0.2/32\n"
                "allowed_ip=fd00::/64\n"
                "public_key=" +
                test_key(4).to_hex() +
                "\n"
                "remove=true\n"
                "public_key=" +
                test_key(5).to_hex() +
                "\n"
                "update_only=true\n"
                "endpoint=192.0.2.9:9\n"
                "\n");
}

TEST(UapiEncode, EmptyUpdateIsJustTheHeader) {
  EXPECT_EQ(*uapi::encode_set(DeviceUpdate{}), "set=1\n\n");
}

TEST(UapiEncode, InvalidValuesFailBeforeAnythingIsSent) {
  DeviceUpdate u;
  for (uint32_t i = 0; i < 2000; ++i) {
    PeerConfig p;
    p.public_key = test_key(i);
    p.allowed_ips = {prefix("10.0.0.0/8")};
    u.peers.push_back(p);
  }
  u.peers.back().allowed_ips[0].length = 40;  // impossible for IPv4
  int calls = 0;
  auto st = uapi::encode_set(u, [&](std::string_view) -> Status {
    ++calls;
    return {};
  });
  EXPECT_FALSE(st);
  EXPECT_EQ(calls, 0);
  u.peers.back().allowed_ips[0].length = 8;
  u.peers.back().endpoint = Endpoint{};  // port 0
  EXPECT_FALSE(uapi::encode_set(u));
}

TEST(UapiEncode, LargeUpdatesAreStreamedInPieces) {
  DeviceUpdate u;
  for (uint32_t i = 0; i < 1000; ++i) {
    PeerConfig p;
    p.public_key = test_key(i);
    p.preshared_key = test_key(i, 0x33);
    p.endpoint = endpoint("198.51.100.1:" + std::to_string(1000 + i));
    p.allowed_ips = {prefix("100.64.0.1/32"), prefix("10.0.0.0/16")};
    u.peers.push_back(p);
  }
  std::string joined;
  int pieces = 0;
  ASSERT_TRUE(uapi::encode_set(u, [&](std::string_view piece) -> Status {
    joined.append(piece);
    ++pieces;
    return {};
  }));
  EXPECT_GT(pieces, 10);
  EXPECT_EQ(joined, *uapi::encode_set(u));
  EXPECT_EQ(joined.substr(joined.size() - 2), "\n\n");

  // A failing sink stops the encoder at once.
  int calls = 0;
  auto st = uapi::encode_set(u, [&](std::string_view) -> Status {
    ++calls;
    return Error{"socket gone"};
  });
  EXPECT_EQ(st.message(), "socket gone");
  EXPECT_EQ(calls, 1);
}

TEST(UapiSetReply, Errno) {
  EXPECT_TRUE(uapi::parse_set_response("errno=0\n\n"));
  for (const char* reply : {"errno=-22\n\n", "errno=22\n\n"}) {
    auto st = uapi::parse_set_response(reply);
    ASSERT_FALSE(st) << reply;
    EXPECT_NE(st.message().find("Invalid argument"), std::string::npos) << st.message();
  }
  EXPECT_FALSE(uapi::parse_set_response(""));
  EXPECT_FALSE(uapi::parse_set_response("errno=0\n"));
  EXPECT_FALSE(uapi::parse_set_response("errno=x\n\n"));
  EXPECT_FALSE(uapi::parse_set_response("errno=0\n\nmore"));
  EXPECT_FALSE(uapi::parse_set_response("hello\n\n"));
}

TEST(UapiGetReply, ParsesWireguardGoOutput) {
  auto dev = uapi::parse_get_response(kGetReply);
  ASSERT_TRUE(dev) << dev.message();
  ASSERT_TRUE(dev->private_key);
  EXPECT_EQ(dev->private_key->to_hex(),
            "1011111111111111111111111111111111111111111111111111111111111151");
  ASSERT_TRUE(dev->public_key);
  EXPECT_EQ(*dev->public_key, dev->private_key->public_key());
  EXPECT_EQ(dev->listen_port, 51820);
  EXPECT_EQ(dev->fwmark, 87u);
  ASSERT_EQ(dev->peers.size(), 2u);
  const PeerState& a = dev->peers[0];
  EXPECT_EQ(a.public_key.to_hex(), std::string(64, '2'));
  ASSERT_TRUE(a.preshared_key);
  EXPECT_EQ(a.preshared_key->to_hex(), std::string(64, '3'));
  EXPECT_EQ(a.endpoint->to_string(), "[2001:db8::1]:1234");
  EXPECT_EQ(a.last_handshake, (Timespec{1700000000, 123456789}));
  EXPECT_EQ(a.tx_bytes, 92u);
  EXPECT_EQ(a.rx_bytes, 148u);
  EXPECT_EQ(a.persistent_keepalive, 25);
  EXPECT_EQ(a.protocol_version, 1u);
  ASSERT_EQ(a.allowed_ips.size(), 2u);
  EXPECT_EQ(a.allowed_ips[1].to_string(), "fd00::/64");
  const PeerState& b = dev->peers[1];
  EXPECT_FALSE(b.preshared_key);  // all-zero means none
  EXPECT_FALSE(b.endpoint);
  EXPECT_TRUE(b.last_handshake.is_zero());
  EXPECT_TRUE(b.allowed_ips.empty());
}

TEST(UapiGetReply, EmptyDevice) {
  auto dev = uapi::parse_get_response("listen_port=0\nerrno=0\n\n");
  ASSERT_TRUE(dev) << dev.message();
  EXPECT_FALSE(dev->private_key);
  EXPECT_FALSE(dev->public_key);
  EXPECT_TRUE(dev->peers.empty());
}

TEST(UapiGetReply, SkipsUnknownKeys) {
  auto dev = uapi::parse_get_response("jc=4\nlisten_port=1\npublic_key=" + std::string(64, 'a') +
                                      "\nfuture_key=whatever\nallowed_ip=10.0.0.0/8\nerrno=0\n\n");
  ASSERT_TRUE(dev) << dev.message();
  ASSERT_EQ(dev->peers.size(), 1u);
  EXPECT_EQ(dev->peers[0].allowed_ips.size(), 1u);
}

TEST(UapiGetReply, Errors) {
  struct Case {
    std::string reply, expect;
  };
  const std::string pk = "public_key=" + std::string(64, 'a') + "\n";
  const Case cases[] = {
      {"", "no errno"},
      {"listen_port=1\n", "no errno"},
      {"listen_port=1", "no newline"},
      {"listen_port=1\n\n", "blank line"},
      {"errno=0\n", "blank line"},
      {"errno=0\n\nlisten_port=1\n", "blank line"},
      {"errno=-2\n\n", "No such file"},
      {"listen_port\nerrno=0\n\n", "key=value"},
      {"listen_port=70000\nerrno=0\n\n", "bad port"},
      {"listen_port=-1\nerrno=0\n\n", "bad port"},
      {"private_key=abc\nerrno=0\n\n", "hex"},
      {"public_key=" + std::string(64, 'g') + "\nerrno=0\n\n", "hex"},
      {pk + "endpoint=nonsense\nerrno=0\n\n", "endpoint"},
      {pk + "allowed_ip=10.0.0.1\nerrno=0\n\n", "bad prefix"},
      {pk + "allowed_ip=10.0.0.0/33\nerrno=0\n\n", "bad prefix"},
      {pk + "rx_bytes=1x\nerrno=0\n\n", "bad number"},
      {pk + "persistent_keepalive_interval=65536\nerrno=0\n\n", "bad interval"},
  };
  for (const auto& c : cases) {
    auto dev = uapi::parse_get_response(c.reply);
    ASSERT_FALSE(dev) << c.reply;
    EXPECT_NE(dev.message().find(c.expect), std::string::npos)
        << "reply: " << c.reply << "\nmessage: " << dev.message();
  }
}

TEST(UapiGetReply, CompletenessDetection) {
  EXPECT_FALSE(uapi::response_complete(""));
  EXPECT_FALSE(uapi::response_complete("errno=0\n"));
  EXPECT_TRUE(uapi::response_complete("errno=0\n\n"));
  EXPECT_TRUE(uapi::response_complete("\n"));
  EXPECT_FALSE(uapi::response_complete(kGetReply.substr(0, kGetReply.size() - 1)));
  EXPECT_TRUE(uapi::response_complete(kGetReply));
}

}  // namespace
}  // namespace wgmesh::wg
