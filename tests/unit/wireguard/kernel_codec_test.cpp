#include "wireguard/kernel_codec.h"

#include <gtest/gtest.h>
#include <linux/genetlink.h>
#include <linux/wireguard.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <cstring>

#include "test_keys.h"

namespace wgmesh::wg {
namespace {

using testing::endpoint;
using testing::prefix;
using testing::test_key;

constexpr int kFamily = 0x1b;  // any id: the codec never resolves it

// Decodes every message in order, as the kernel would apply them.
DeviceUpdate decode_all(const std::vector<genl::MsgPtr>& msgs, std::string* ifname = nullptr) {
  DeviceUpdate u;
  std::string name;
  for (const auto& m : msgs) {
    auto st = genl::decode_set_device(nlmsg_hdr(m.get()), name, u);
    EXPECT_TRUE(st) << st.message();
  }
  if (ifname) *ifname = name;
  return u;
}

PeerConfig full_peer(uint32_t i, std::size_t n_ips) {
  PeerConfig p;
  p.public_key = test_key(i);
  p.preshared_key = test_key(i, 0x5c);
  p.endpoint = i % 2 ? endpoint("198.51.100." + std::to_string(i % 250 + 1) + ":51820")
                     : endpoint("[2001:db8::" + std::to_string(i % 9999 + 1) + "]:51820");
  p.persistent_keepalive = 25;
  p.replace_allowed_ips = true;
  for (std::size_t k = 0; k < n_ips; ++k) {
    if (k % 3 == 2) {
      p.allowed_ips.push_back(prefix("fd00:" + std::to_string(k) + "::/64"));
    } else {
      p.allowed_ips.push_back(prefix("100." + std::to_string(64 + k % 64) + "." +
                                     std::to_string(i % 256) + "." + std::to_string(k % 256) +
                                     "/32"));
    }
  }
  return p;
}

TEST(KernelCodec, SmallUpdateRoundTrips) {
  DeviceUpdate u;
  u.private_key = test_key(7);
  u.listen_port = 51820;
  u.fwmark = 0x57;
  u.replace_peers = true;
  u.peers.push_back(full_peer(1, 3));
  PeerConfig removal;
  removal.public_key = test_key(2);
  removal.remove = true;
  u.peers.push_back(removal);
  PeerConfig change;
  change.public_key = test_key(3);
  change.update_only = true;
  change.persistent_keepalive = 0;
  change.preshared_key = Key{};  // removal of the PSK
  u.peers.push_back(change);

  auto msgs = genl::encode_set_device("wg0", kFamily, u);
  ASSERT_TRUE(msgs) << msgs.message();
  ASSERT_EQ(msgs->size(), 1u);
  const nlmsghdr* h = nlmsg_hdr((*msgs)[0].get());
  EXPECT_EQ(h->nlmsg_type, kFamily);
  EXPECT_TRUE(h->nlmsg_flags & NLM_F_ACK);
  std::string ifname;
  EXPECT_EQ(decode_all(*msgs, &ifname), u);
  EXPECT_EQ(ifname, "wg0");
}

TEST(KernelCodec, ThousandPeersSplitUnderTheLimitAndDecodeBack) {
  DeviceUpdate u;
  u.private_key = test_key(99);
  u.listen_port = 51820;
  u.replace_peers = true;
  for (uint32_t i = 0; i < 1000; ++i) u.peers.push_back(full_peer(i, 3));

  auto msgs = genl::encode_set_device("wgmesh0", kFamily, u, 8192);
  ASSERT_TRUE(msgs) << msgs.message();
  // ~200 bytes a peer: a thousand need well over 20 messages of 8 KiB.
  EXPECT_GT(msgs->size(), 20u);
  std::size_t total = 0;
  for (const auto& m : *msgs) {
    EXPECT_LE(nlmsg_hdr(m.get())->nlmsg_len, 8192u);
    total += nlmsg_hdr(m.get())->nlmsg_len;
  }
  EXPECT_GT(total / msgs->size(), 6000u) << "messages should be well filled";

  // Device attributes (and REPLACE_PEERS) only in the first message.
  DeviceUpdate second;
  std::string name;
  ASSERT_TRUE(genl::decode_set_device(nlmsg_hdr((*msgs)[1].get()), name, second));
  EXPECT_FALSE(second.private_key || second.listen_port || second.replace_peers);

  EXPECT_EQ(decode_all(*msgs), u);
}

TEST(KernelCodec, HugeAllowedIpListContinuesWithUpdateOnly) {
  DeviceUpdate u;
  u.peers.push_back(full_peer(1, 2));
  u.peers.push_back(full_peer(2, 2000));  // ~2000 x 36 bytes: several messages on its own
  u.peers.push_back(full_peer(3, 2));

  auto msgs = genl::encode_set_device("wg0", kFamily, u, 4096);
  ASSERT_TRUE(msgs) << msgs.message();
  ASSERT_GT(msgs->size(), 10u);
  for (const auto& m : *msgs) EXPECT_LE(nlmsg_hdr(m.get())->nlmsg_len, 4096u);

  // Decoded alone, a middle message shows the continuation entry as the kernel sees it:
  // only the key and allowed-IPs, UPDATE_ONLY, and no REPLACE_ALLOWEDIPS.
  DeviceUpdate mid;
  std::string name;
  ASSERT_TRUE(genl::decode_set_device(nlmsg_hdr((*msgs)[3].get()), name, mid));
  ASSERT_EQ(mid.peers.size(), 1u);
  EXPECT_EQ(mid.peers[0].public_key, test_key(2));
  EXPECT_TRUE(mid.peers[0].update_only);
  EXPECT_FALSE(mid.peers[0].replace_allowed_ips);
  EXPECT_FALSE(mid.peers[0].preshared_key || mid.peers[0].endpoint ||
               mid.peers[0].persistent_keepalive);
  EXPECT_GT(mid.peers[0].allowed_ips.size(), 50u);

  EXPECT_EQ(decode_all(*msgs), u);
}

TEST(KernelCodec, TinyLimitIsClampedAndStillWorks) {
  DeviceUpdate u;
  for (uint32_t i = 0; i < 20; ++i) u.peers.push_back(full_peer(i, 5));
  auto msgs = genl::encode_set_device("wg0", kFamily, u, 16);
  ASSERT_TRUE(msgs) << msgs.message();
  for (const auto& m : *msgs) EXPECT_LE(nlmsg_hdr(m.get())->nlmsg_len, 512u);
  EXPECT_EQ(decode_all(*msgs), u);
}

TEST(KernelCodec, EmptyUpdateIsOneMessage) {
  auto msgs = genl::encode_set_device("wg0", kFamily, DeviceUpdate{});
  ASSERT_TRUE(msgs);
  EXPECT_EQ(msgs->size(), 1u);
  EXPECT_EQ(decode_all(*msgs), DeviceUpdate{});
}

TEST(KernelCodec, RejectsBadInput) {
  EXPECT_FALSE(genl::encode_set_device("", kFamily, DeviceUpdate{}));
  EXPECT_FALSE(genl::encode_set_device("a-very-long-interface-name", kFamily, DeviceUpdate{}));
  DeviceUpdate u;
  u.peers.push_back(full_peer(1, 1));
  u.peers[0].allowed_ips[0].length = 33;
  EXPECT_FALSE(genl::encode_set_device("wg0", kFamily, u));
}

TEST(KernelCodec, GetRequest) {
  auto req = genl::encode_get_device("wg0", kFamily);
  ASSERT_TRUE(req);
  nlmsghdr* h = nlmsg_hdr(req->get());
  EXPECT_TRUE(h->nlmsg_flags & NLM_F_DUMP);
  EXPECT_FALSE(h->nlmsg_flags & NLM_F_ACK);
  const auto* gh = static_cast<const genlmsghdr*>(nlmsg_data(h));
  EXPECT_EQ(gh->cmd, WG_CMD_GET_DEVICE);
  nlattr* tb[WGDEVICE_A_MAX + 1] = {};
  ASSERT_EQ(genlmsg_parse(h, 0, tb, WGDEVICE_A_MAX, nullptr), 0);
  ASSERT_NE(tb[WGDEVICE_A_IFNAME], nullptr);
  EXPECT_STREQ(nla_get_string(tb[WGDEVICE_A_IFNAME]), "wg0");
}

// ---- GET_DEVICE replies, laid out as drivers/net/wireguard/netlink.c writes them ----

class ReplyBuilder {
 public:
  explicit ReplyBuilder(uint8_t cmd = WG_CMD_GET_DEVICE) : msg_(nlmsg_alloc_size(65536)) {
    genlmsg_put(msg_.get(), 0, 1, kFamily, 0, NLM_F_MULTI, cmd, WG_GENL_VERSION);
    nla_put_u32(msg_.get(), WGDEVICE_A_IFINDEX, 42);
    nla_put_string(msg_.get(), WGDEVICE_A_IFNAME, "wg7");
    nla_put(msg_.get(), WGDEVICE_A_PRIVATE_KEY, kKeyLen, test_key(100).data());
    nla_put(msg_.get(), WGDEVICE_A_PUBLIC_KEY, kKeyLen, test_key(101).data());
    nla_put_u16(msg_.get(), WGDEVICE_A_LISTEN_PORT, 51820);
    nla_put_u32(msg_.get(), WGDEVICE_A_FWMARK, 0);
    peers_ = nla_nest_start(msg_.get(), WGDEVICE_A_PEERS | NLA_F_NESTED);
  }
  // A peer's first appearance: every attribute.
  void full_peer(uint32_t i, const std::vector<std::string>& ips) {
    nlattr* p = nla_nest_start(msg_.get(), NLA_F_NESTED);
    nla_put(msg_.get(), WGPEER_A_PUBLIC_KEY, kKeyLen, test_key(i).data());
    nla_put(msg_.get(), WGPEER_A_PRESHARED_KEY, kKeyLen,
            i == 2 ? Key{}.data() : test_key(i, 0x77).data());
    sockaddr_storage ss{};
    const socklen_t len = endpoint("203.0.113." + std::to_string(i) + ":4500").to_sockaddr(ss);
    nla_put(msg_.get(), WGPEER_A_ENDPOINT, static_cast<int>(len), &ss);
    nla_put_u16(msg_.get(), WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 25);
    const int64_t ts[2] = {1700000000 + i, 999};
    nla_put(msg_.get(), WGPEER_A_LAST_HANDSHAKE_TIME, sizeof ts, ts);
    nla_put_u64(msg_.get(), WGPEER_A_RX_BYTES, 1000 + i);
    nla_put_u64(msg_.get(), WGPEER_A_TX_BYTES, 2000 + i);
    nla_put_u32(msg_.get(), WGPEER_A_PROTOCOL_VERSION, 1);
    put_ips(ips);
    nla_nest_end(msg_.get(), p);
  }
  // A peer resumed in a later message: key and the remaining allowed-IPs only.
  void continued_peer(uint32_t i, const std::vector<std::string>& ips) {
    nlattr* p = nla_nest_start(msg_.get(), NLA_F_NESTED);
    nla_put(msg_.get(), WGPEER_A_PUBLIC_KEY, kKeyLen, test_key(i).data());
    put_ips(ips);
    nla_nest_end(msg_.get(), p);
  }
  void raw_peer_attr(int type, const void* data, int len) {
    nlattr* p = nla_nest_start(msg_.get(), NLA_F_NESTED);
    nla_put(msg_.get(), type, len, data);
    nla_nest_end(msg_.get(), p);
  }
  const nlmsghdr* finish() {
    nla_nest_end(msg_.get(), peers_);
    return nlmsg_hdr(msg_.get());
  }

 private:
  void put_ips(const std::vector<std::string>& ips) {
    nlattr* list = nla_nest_start(msg_.get(), WGPEER_A_ALLOWEDIPS | NLA_F_NESTED);
    for (const auto& text : ips) {
      const IpPrefix ip = prefix(text);
      nlattr* one = nla_nest_start(msg_.get(), NLA_F_NESTED);
      nla_put_u16(msg_.get(), WGALLOWEDIP_A_FAMILY, static_cast<uint16_t>(ip.family()));
      nla_put(msg_.get(), WGALLOWEDIP_A_IPADDR, static_cast<int>(ip.address.size()),
              ip.address.data());
      nla_put_u8(msg_.get(), WGALLOWEDIP_A_CIDR_MASK, ip.length);
      nla_nest_end(msg_.get(), one);
    }
    nla_nest_end(msg_.get(), list);
  }
  genl::MsgPtr msg_;
  nlattr* peers_;
};

TEST(KernelCodec, DecodesDumpWithPeerSplitAcrossMessages) {
  ReplyBuilder m1;
  m1.full_peer(1, {"100.64.0.1/32"});
  m1.full_peer(2, {"100.64.0.2/32", "10.2.0.0/16"});
  ReplyBuilder m2;
  m2.continued_peer(2, {"fd00:2::/64", "10.22.0.0/16"});
  m2.full_peer(3, {});

  DeviceState st;
  ASSERT_TRUE(genl::decode_get_device(m1.finish(), st));
  ASSERT_TRUE(genl::decode_get_device(m2.finish(), st));
  EXPECT_EQ(st.ifname, "wg7");
  EXPECT_EQ(st.ifindex, 42u);
  EXPECT_EQ(st.private_key, test_key(100));
  EXPECT_EQ(st.public_key, test_key(101));
  EXPECT_EQ(st.listen_port, 51820);
  ASSERT_EQ(st.peers.size(), 3u);
  const PeerState& p1 = st.peers[0];
  EXPECT_EQ(p1.public_key, test_key(1));
  EXPECT_EQ(p1.preshared_key, test_key(1, 0x77));
  EXPECT_EQ(p1.endpoint->to_string(), "203.0.113.1:4500");
  EXPECT_EQ(p1.persistent_keepalive, 25);
  EXPECT_EQ(p1.last_handshake, (Timespec{1700000001, 999}));
  EXPECT_EQ(p1.rx_bytes, 1001u);
  EXPECT_EQ(p1.tx_bytes, 2001u);
  EXPECT_EQ(p1.protocol_version, 1u);
  const PeerState& p2 = st.peers[1];
  EXPECT_FALSE(p2.preshared_key);  // all-zero on the wire
  ASSERT_EQ(p2.allowed_ips.size(), 4u);
  EXPECT_EQ(p2.allowed_ips[2].to_string(), "fd00:2::/64");
  EXPECT_EQ(p2.rx_bytes, 1002u);  // the continuation did not reset counters
  EXPECT_TRUE(st.peers[2].allowed_ips.empty());
}

TEST(KernelCodec, RejectsMalformedReplies) {
  DeviceState st;
  {
    ReplyBuilder wrong_cmd(WG_CMD_SET_DEVICE);
    EXPECT_FALSE(genl::decode_get_device(wrong_cmd.finish(), st));
  }
  {
    ReplyBuilder no_key;
    const uint32_t flags = 0;
    no_key.raw_peer_attr(WGPEER_A_FLAGS, &flags, sizeof flags);
    auto r = genl::decode_get_device(no_key.finish(), st);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("public key"), std::string::npos) << r.message();
  }
  {
    ReplyBuilder short_key;
    short_key.raw_peer_attr(WGPEER_A_PUBLIC_KEY, "abc", 3);
    EXPECT_FALSE(genl::decode_get_device(short_key.finish(), st));
  }
  {
    ReplyBuilder bad_cidr;
    bad_cidr.full_peer(1, {"10.0.0.0/8"});
    const nlmsghdr* h = bad_cidr.finish();
    // Corrupt the last byte attribute (the CIDR mask) to 200.
    std::vector<uint8_t> copy(reinterpret_cast<const uint8_t*>(h),
                              reinterpret_cast<const uint8_t*>(h) + h->nlmsg_len);
    for (std::size_t i = copy.size() - 8; i + 4 < copy.size(); ++i) {
      uint16_t len, type;
      std::memcpy(&len, &copy[i], 2);
      std::memcpy(&type, &copy[i + 2], 2);
      if (len == 5 && type == WGALLOWEDIP_A_CIDR_MASK) copy[i + 4] = 200;
    }
    auto r = genl::decode_get_device(reinterpret_cast<const nlmsghdr*>(copy.data()), st);
    EXPECT_FALSE(r);
  }
  {
    nlmsghdr tiny{};
    tiny.nlmsg_len = sizeof tiny;
    EXPECT_FALSE(genl::decode_get_device(&tiny, st));
  }
}

}  // namespace
}  // namespace wgmesh::wg
