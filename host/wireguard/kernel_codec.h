// Encoding and decoding of the kernel's generic netlink "wireguard" family messages
// (linux/wireguard.h), kept apart from socket I/O so it is unit-tested without the module.
//
// A large change does not fit in one netlink message, so encode_set_device() splits it the
// way wireguard-tools does: device attributes go in the first message only; peers fill
// messages in order; a peer whose allowed-IPs overflow a message continues in the next one,
// where it carries only its public key and the remaining allowed-IPs. Such continuation
// entries carry WGPEER_F_UPDATE_ONLY (so they can never re-create a peer that was removed
// in between) and never WGPEER_F_REPLACE_ALLOWEDIPS (which would drop the first part).
#pragma once

#include <linux/netlink.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "wireguard/types.h"

struct nl_msg;

namespace wgmesh::wg::genl {

// Frees a message after wiping it (a SET message may hold the private key).
struct MsgDeleter {
  void operator()(nl_msg* msg) const;
};
using MsgPtr = std::unique_ptr<nl_msg, MsgDeleter>;

// What wireguard-tools uses (min(page size, 8 KiB)); the kernel accepts larger messages, but
// nested attributes cannot exceed 64 KiB, so limits are clamped to [512, 65535].
inline constexpr std::size_t kDefaultMessageSize = 8192;

// WG_CMD_SET_DEVICE messages for `update`, each at most `max_message_size` bytes.
Result<std::vector<MsgPtr>> encode_set_device(const std::string& ifname, int family_id,
                                              const DeviceUpdate& update,
                                              std::size_t max_message_size = kDefaultMessageSize);

// Decodes one SET_DEVICE message into `acc`, folding a continuation entry back into the peer
// it continues. Decoding every message of encode_set_device() in order yields the update.
Status decode_set_device(const nlmsghdr* nlh, std::string& ifname, DeviceUpdate& acc);

// The WG_CMD_GET_DEVICE dump request for `ifname`.
Result<MsgPtr> encode_get_device(const std::string& ifname, int family_id);

// Decodes one message of a GET_DEVICE dump into `acc`. The kernel splits a peer whose
// allowed-IPs do not fit; its next message starts with that peer again (public key and the
// remaining allowed-IPs only), which is merged here.
Status decode_get_device(const nlmsghdr* nlh, DeviceState& acc);

}  // namespace wgmesh::wg::genl
