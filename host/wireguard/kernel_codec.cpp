#include "wireguard/kernel_codec.h"

#include <linux/genetlink.h>
#include <linux/wireguard.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <tuple>

namespace wgmesh::wg::genl {

void MsgDeleter::operator()(nl_msg* msg) const {
  if (msg == nullptr) return;
  nlmsghdr* h = nlmsg_hdr(msg);
  if (h != nullptr) sodium_memzero(h, h->nlmsg_len);
  nlmsg_free(msg);
}

namespace {

enum class Fit { kAll, kPartial, kNone };

// Adds as much of `p` as fits. `next_ip` is the first allowed-IP still to send and
// `header_sent` whether the peer's other attributes went out in an earlier message; both are
// advanced. kAll: the peer is complete. kPartial: the message is full and the peer continues
// in the next one. kNone: nothing of it fits here.
Fit put_peer(nl_msg* msg, const PeerConfig& p, std::size_t& next_ip, bool& header_sent) {
  nlattr* peer = nla_nest_start(msg, NLA_F_NESTED);
  if (peer == nullptr) return Fit::kNone;
  const auto none = [&] {
    nla_nest_cancel(msg, peer);
    return Fit::kNone;
  };
  if (nla_put(msg, WGPEER_A_PUBLIC_KEY, kKeyLen, p.public_key.data()) < 0) return none();
  uint32_t flags = 0;
  if (p.remove) flags |= WGPEER_F_REMOVE_ME;
  if (p.update_only || header_sent) flags |= WGPEER_F_UPDATE_ONLY;
  if (!header_sent) {
    if (p.replace_allowed_ips) flags |= WGPEER_F_REPLACE_ALLOWEDIPS;
    if (p.preshared_key &&
        nla_put(msg, WGPEER_A_PRESHARED_KEY, kKeyLen, p.preshared_key->data()) < 0)
      return none();
    if (p.endpoint) {
      sockaddr_storage ss{};
      const socklen_t len = p.endpoint->to_sockaddr(ss);
      if (nla_put(msg, WGPEER_A_ENDPOINT, static_cast<int>(len), &ss) < 0) return none();
    }
    if (p.persistent_keepalive &&
        nla_put_u16(msg, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, *p.persistent_keepalive) < 0)
      return none();
  }
  if (flags != 0 && nla_put_u32(msg, WGPEER_A_FLAGS, flags) < 0) return none();

  if (!p.remove && next_ip < p.allowed_ips.size()) {
    const auto full = [&](nlattr* ips, std::size_t added) {
      // A continuation entry without a single allowed-IP would only repeat the key.
      if (added == 0 && header_sent) return none();
      if (ips != nullptr) nla_nest_end(msg, ips);  // libnl drops it again if empty
      nla_nest_end(msg, peer);
      header_sent = true;
      return Fit::kPartial;
    };
    nlattr* ips = nla_nest_start(msg, WGPEER_A_ALLOWEDIPS | NLA_F_NESTED);
    if (ips == nullptr) return full(nullptr, 0);
    std::size_t added = 0;
    for (; next_ip < p.allowed_ips.size(); ++next_ip, ++added) {
      const IpPrefix& ip = p.allowed_ips[next_ip];
      nlattr* one = nla_nest_start(msg, NLA_F_NESTED);
      if (one == nullptr) return full(ips, added);
      if (nla_put_u16(msg, WGALLOWEDIP_A_FAMILY, static_cast<uint16_t>(ip.family())) < 0 ||
          nla_put(msg, WGALLOWEDIP_A_IPADDR, static_cast<int>(ip.address.size()),
                  ip.address.data()) < 0 ||
          nla_put_u8(msg, WGALLOWEDIP_A_CIDR_MASK, ip.length) < 0) {
        nla_nest_cancel(msg, one);
        return full(ips, added);
      }
      nla_nest_end(msg, one);
    }
    nla_nest_end(msg, ips);
  }
  nla_nest_end(msg, peer);
  return Fit::kAll;
}

Status put_device_attrs(nl_msg* msg, const DeviceUpdate& u) {
  if (u.private_key && nla_put(msg, WGDEVICE_A_PRIVATE_KEY, kKeyLen, u.private_key->data()) < 0)
    return Error{"private key"};
  if (u.listen_port && nla_put_u16(msg, WGDEVICE_A_LISTEN_PORT, *u.listen_port) < 0)
    return Error{"listen port"};
  if (u.fwmark && nla_put_u32(msg, WGDEVICE_A_FWMARK, *u.fwmark) < 0) return Error{"fwmark"};
  if (u.replace_peers && nla_put_u32(msg, WGDEVICE_A_FLAGS, WGDEVICE_F_REPLACE_PEERS) < 0)
    return Error{"flags"};
  return {};
}

Result<MsgPtr> new_message(int family_id, int flags, uint8_t cmd, std::size_t size,
                           const std::string& ifname) {
  MsgPtr msg(nlmsg_alloc_size(size));
  if (!msg) return Error{"netlink: out of memory"};
  if (genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0, flags, cmd,
                  WG_GENL_VERSION) == nullptr ||
      nla_put_string(msg.get(), WGDEVICE_A_IFNAME, ifname.c_str()) < 0)
    return Error{"netlink: message size limit too small for the header"};
  return msg;
}

Status check_ifname(const std::string& ifname) {
  if (!is_valid_ifname(ifname)) return Error{"invalid interface name '" + ifname + "'"};
  return {};
}

// ---- decoding ----

nla_policy key_policy() { return nla_policy{NLA_UNSPEC, kKeyLen, kKeyLen}; }

struct Policies {
  nla_policy device[WGDEVICE_A_MAX + 1] = {};
  nla_policy peer[WGPEER_A_MAX + 1] = {};
  nla_policy allowedip[WGALLOWEDIP_A_MAX + 1] = {};
  Policies() {
    device[WGDEVICE_A_IFINDEX] = {NLA_U32, 0, 0};
    device[WGDEVICE_A_IFNAME] = {NLA_STRING, 0, IFNAMSIZ};
    device[WGDEVICE_A_PRIVATE_KEY] = key_policy();
    device[WGDEVICE_A_PUBLIC_KEY] = key_policy();
    device[WGDEVICE_A_FLAGS] = {NLA_U32, 0, 0};
    device[WGDEVICE_A_LISTEN_PORT] = {NLA_U16, 0, 0};
    device[WGDEVICE_A_FWMARK] = {NLA_U32, 0, 0};
    device[WGDEVICE_A_PEERS] = {NLA_NESTED, 0, 0};
    peer[WGPEER_A_PUBLIC_KEY] = key_policy();
    peer[WGPEER_A_PRESHARED_KEY] = key_policy();
    peer[WGPEER_A_FLAGS] = {NLA_U32, 0, 0};
    peer[WGPEER_A_ENDPOINT] = {NLA_UNSPEC, sizeof(sockaddr_in), sizeof(sockaddr_in6)};
    peer[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL] = {NLA_U16, 0, 0};
    peer[WGPEER_A_LAST_HANDSHAKE_TIME] = {NLA_UNSPEC, 16, 16};  // struct __kernel_timespec
    peer[WGPEER_A_RX_BYTES] = {NLA_U64, 0, 0};
    peer[WGPEER_A_TX_BYTES] = {NLA_U64, 0, 0};
    peer[WGPEER_A_ALLOWEDIPS] = {NLA_NESTED, 0, 0};
    peer[WGPEER_A_PROTOCOL_VERSION] = {NLA_U32, 0, 0};
    allowedip[WGALLOWEDIP_A_FAMILY] = {NLA_U16, 0, 0};
    allowedip[WGALLOWEDIP_A_IPADDR] = {NLA_UNSPEC, 4, 16};
    allowedip[WGALLOWEDIP_A_CIDR_MASK] = {NLA_U8, 0, 0};
  }
};

const Policies& policies() {
  static const Policies p;
  return p;
}

Key key_of(nlattr* a) { return Key::from_bytes(static_cast<const uint8_t*>(nla_data(a))); }

// Parses the generic netlink header and the device attributes of one message.
Status parse_device(const nlmsghdr* nlh, uint8_t want_cmd, nlattr** tb) {
  auto* h = const_cast<nlmsghdr*>(nlh);  // libnl's parsers take non-const but do not write
  if (nlh == nullptr || nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN || !genlmsg_valid_hdr(h, 0))
    return Error{"netlink: truncated generic netlink message"};
  const auto* gh = static_cast<const genlmsghdr*>(nlmsg_data(h));
  if (gh->cmd != want_cmd)
    return Error{"netlink: unexpected wireguard command " + std::to_string(gh->cmd)};
  if (int err = genlmsg_parse(h, 0, tb, WGDEVICE_A_MAX, policies().device); err < 0)
    return Error{std::string("netlink: malformed device attributes: ") + nl_geterror(err)};
  return {};
}

Status parse_allowed_ips(nlattr* list, std::vector<IpPrefix>& out) {
  nlattr* pos = nullptr;
  int rem = 0;
  nla_for_each_nested(pos, list, rem) {
    nlattr* tb[WGALLOWEDIP_A_MAX + 1] = {};
    if (int err = nla_parse_nested(tb, WGALLOWEDIP_A_MAX, pos, policies().allowedip); err < 0)
      return Error{std::string("netlink: malformed allowed-IP: ") + nl_geterror(err)};
    if (!tb[WGALLOWEDIP_A_FAMILY] || !tb[WGALLOWEDIP_A_IPADDR] || !tb[WGALLOWEDIP_A_CIDR_MASK])
      return Error{"netlink: incomplete allowed-IP"};
    auto addr = IpAddress::from_bytes(nla_get_u16(tb[WGALLOWEDIP_A_FAMILY]),
                                      nla_data(tb[WGALLOWEDIP_A_IPADDR]),
                                      static_cast<std::size_t>(nla_len(tb[WGALLOWEDIP_A_IPADDR])));
    if (!addr) return Error{"netlink: allowed-IP: " + addr.message()};
    IpPrefix p{*addr, nla_get_u8(tb[WGALLOWEDIP_A_CIDR_MASK])};
    if (p.length > p.max_length()) return Error{"netlink: allowed-IP prefix length out of range"};
    out.push_back(p);
  }
  return {};
}

Result<Endpoint> endpoint_of(nlattr* a) {
  sockaddr_storage ss{};
  const auto len = static_cast<std::size_t>(nla_len(a));
  std::memcpy(&ss, nla_data(a), std::min(len, sizeof ss));
  return Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss),
                                 static_cast<socklen_t>(len));
}

// Calls fn(tb) for each peer of the device's peer list.
template <typename Fn>
Status for_each_peer(nlattr* peers, Fn&& fn) {
  nlattr* pos = nullptr;
  int rem = 0;
  bool first = true;
  nla_for_each_nested(pos, peers, rem) {
    nlattr* tb[WGPEER_A_MAX + 1] = {};
    if (int err = nla_parse_nested(tb, WGPEER_A_MAX, pos, policies().peer); err < 0)
      return Error{std::string("netlink: malformed peer: ") + nl_geterror(err)};
    if (!tb[WGPEER_A_PUBLIC_KEY]) return Error{"netlink: peer without a public key"};
    if (auto st = fn(tb, first); !st) return st;
    first = false;
  }
  return {};
}

}  // namespace

Result<std::vector<MsgPtr>> encode_set_device(const std::string& ifname, int family_id,
                                              const DeviceUpdate& update,
                                              std::size_t max_message_size) {
  if (auto st = check_ifname(ifname); !st) return st.error();
  for (const auto& p : update.peers)
    for (const auto& ip : p.allowed_ips)
      if (ip.length > ip.max_length())
        return Error{"peer " + p.public_key.to_base64() + ": prefix length out of range in " +
                     ip.to_string()};
  const std::size_t size = std::clamp<std::size_t>(max_message_size, 512, 65535);
  const auto& peers = update.peers;

  std::vector<MsgPtr> out;
  std::size_t pi = 0;       // first peer not yet complete
  std::size_t next_ip = 0;  // its first allowed-IP not yet sent
  bool header_sent = false;
  do {
    auto msg = new_message(family_id, NLM_F_REQUEST | NLM_F_ACK, WG_CMD_SET_DEVICE, size, ifname);
    if (!msg) return msg.error();
    nl_msg* m = msg->get();
    const bool first = out.empty();
    if (first) {
      if (auto st = put_device_attrs(m, update); !st)
        return Error{"netlink: message size limit too small for the " + st.message()};
    }
    const auto before = std::make_tuple(pi, next_ip, header_sent);
    if (pi < peers.size()) {
      if (nlattr* list = nla_nest_start(m, WGDEVICE_A_PEERS | NLA_F_NESTED); list != nullptr) {
        while (pi < peers.size()) {
          const Fit fit = put_peer(m, peers[pi], next_ip, header_sent);
          if (fit != Fit::kAll) break;
          ++pi;
          next_ip = 0;
          header_sent = false;
        }
        nla_nest_end(m, list);
      }
    }
    if (!first && before == std::make_tuple(pi, next_ip, header_sent))
      return Error{"netlink: message size limit " + std::to_string(size) + " too small for peer " +
                   peers[pi].public_key.to_base64()};
    out.push_back(std::move(*msg));
  } while (pi < peers.size());
  return out;
}

Status decode_set_device(const nlmsghdr* nlh, std::string& ifname, DeviceUpdate& acc) {
  nlattr* tb[WGDEVICE_A_MAX + 1] = {};
  if (auto st = parse_device(nlh, WG_CMD_SET_DEVICE, tb); !st) return st;
  if (tb[WGDEVICE_A_IFNAME]) ifname = nla_get_string(tb[WGDEVICE_A_IFNAME]);
  if (tb[WGDEVICE_A_PRIVATE_KEY]) acc.private_key = key_of(tb[WGDEVICE_A_PRIVATE_KEY]);
  if (tb[WGDEVICE_A_LISTEN_PORT]) acc.listen_port = nla_get_u16(tb[WGDEVICE_A_LISTEN_PORT]);
  if (tb[WGDEVICE_A_FWMARK]) acc.fwmark = nla_get_u32(tb[WGDEVICE_A_FWMARK]);
  if (tb[WGDEVICE_A_FLAGS] && (nla_get_u32(tb[WGDEVICE_A_FLAGS]) & WGDEVICE_F_REPLACE_PEERS))
    acc.replace_peers = true;
  if (!tb[WGDEVICE_A_PEERS]) return {};

  return for_each_peer(tb[WGDEVICE_A_PEERS], [&acc](nlattr** p, bool first) -> Status {
    const Key key = key_of(p[WGPEER_A_PUBLIC_KEY]);
    const uint32_t flags = p[WGPEER_A_FLAGS] ? nla_get_u32(p[WGPEER_A_FLAGS]) : 0;
    const bool continuation = first && !acc.peers.empty() && acc.peers.back().public_key == key &&
                              (flags & WGPEER_F_UPDATE_ONLY) != 0 &&
                              (flags & WGPEER_F_REPLACE_ALLOWEDIPS) == 0;
    PeerConfig& pc = continuation ? acc.peers.back() : acc.peers.emplace_back();
    if (!continuation) {
      pc.public_key = key;
      pc.remove = (flags & WGPEER_F_REMOVE_ME) != 0;
      pc.update_only = (flags & WGPEER_F_UPDATE_ONLY) != 0;
      pc.replace_allowed_ips = (flags & WGPEER_F_REPLACE_ALLOWEDIPS) != 0;
      if (p[WGPEER_A_PRESHARED_KEY]) pc.preshared_key = key_of(p[WGPEER_A_PRESHARED_KEY]);
      if (p[WGPEER_A_ENDPOINT]) {
        auto ep = endpoint_of(p[WGPEER_A_ENDPOINT]);
        if (!ep) return Error{"netlink: " + ep.message()};
        pc.endpoint = *ep;
      }
      if (p[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL])
        pc.persistent_keepalive = nla_get_u16(p[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL]);
    }
    if (p[WGPEER_A_ALLOWEDIPS]) return parse_allowed_ips(p[WGPEER_A_ALLOWEDIPS], pc.allowed_ips);
    return {};
  });
}

Result<MsgPtr> encode_get_device(const std::string& ifname, int family_id) {
  if (auto st = check_ifname(ifname); !st) return st.error();
  // No NLM_F_ACK: a dump ends with NLMSG_DONE, and an ACK some kernels might add after it would
  // be left in the socket to confuse the next request.
  return new_message(family_id, NLM_F_REQUEST | NLM_F_DUMP, WG_CMD_GET_DEVICE, 512, ifname);
}

Status decode_get_device(const nlmsghdr* nlh, DeviceState& acc) {
  nlattr* tb[WGDEVICE_A_MAX + 1] = {};
  if (auto st = parse_device(nlh, WG_CMD_GET_DEVICE, tb); !st) return st;
  if (tb[WGDEVICE_A_IFINDEX]) acc.ifindex = nla_get_u32(tb[WGDEVICE_A_IFINDEX]);
  if (tb[WGDEVICE_A_IFNAME]) acc.ifname = nla_get_string(tb[WGDEVICE_A_IFNAME]);
  if (tb[WGDEVICE_A_PRIVATE_KEY]) {
    Key k = key_of(tb[WGDEVICE_A_PRIVATE_KEY]);
    if (!k.is_zero()) acc.private_key = k;
  }
  if (tb[WGDEVICE_A_PUBLIC_KEY]) {
    Key k = key_of(tb[WGDEVICE_A_PUBLIC_KEY]);
    if (!k.is_zero()) acc.public_key = k;
  }
  if (tb[WGDEVICE_A_LISTEN_PORT]) acc.listen_port = nla_get_u16(tb[WGDEVICE_A_LISTEN_PORT]);
  if (tb[WGDEVICE_A_FWMARK]) acc.fwmark = nla_get_u32(tb[WGDEVICE_A_FWMARK]);
  if (!tb[WGDEVICE_A_PEERS]) return {};

  return for_each_peer(tb[WGDEVICE_A_PEERS], [&acc](nlattr** p, bool first) -> Status {
    const Key key = key_of(p[WGPEER_A_PUBLIC_KEY]);
    if (first && !acc.peers.empty() && acc.peers.back().public_key == key) {
      if (p[WGPEER_A_ALLOWEDIPS])
        return parse_allowed_ips(p[WGPEER_A_ALLOWEDIPS], acc.peers.back().allowed_ips);
      return {};
    }
    PeerState& ps = acc.peers.emplace_back();
    ps.public_key = key;
    if (p[WGPEER_A_PRESHARED_KEY]) {
      Key psk = key_of(p[WGPEER_A_PRESHARED_KEY]);
      if (!psk.is_zero()) ps.preshared_key = psk;
    }
    if (p[WGPEER_A_ENDPOINT]) {
      auto ep = endpoint_of(p[WGPEER_A_ENDPOINT]);
      if (!ep) return Error{"netlink: " + ep.message()};
      ps.endpoint = *ep;
    }
    if (p[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL])
      ps.persistent_keepalive = nla_get_u16(p[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL]);
    if (p[WGPEER_A_LAST_HANDSHAKE_TIME]) {
      int64_t ts[2];
      std::memcpy(ts, nla_data(p[WGPEER_A_LAST_HANDSHAKE_TIME]), sizeof ts);
      ps.last_handshake = Timespec{ts[0], ts[1]};
    }
    if (p[WGPEER_A_RX_BYTES]) ps.rx_bytes = nla_get_u64(p[WGPEER_A_RX_BYTES]);
    if (p[WGPEER_A_TX_BYTES]) ps.tx_bytes = nla_get_u64(p[WGPEER_A_TX_BYTES]);
    if (p[WGPEER_A_PROTOCOL_VERSION])
      ps.protocol_version = nla_get_u32(p[WGPEER_A_PROTOCOL_VERSION]);
    if (p[WGPEER_A_ALLOWEDIPS]) return parse_allowed_ips(p[WGPEER_A_ALLOWEDIPS], ps.allowed_ips);
    return {};
  });
}

}  // namespace wgmesh::wg::genl
