#include "wireguard/kernel_backend.h"

#include <linux/wireguard.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

namespace wgmesh::wg {
namespace {

using SockPtr = std::unique_ptr<nl_sock, void (*)(nl_sock*)>;

// Connects a generic netlink socket and resolves the wireguard family id.
Result<int> connect_and_resolve(nl_sock* sock) {
  if (int err = genl_connect(sock); err < 0)
    return Error{std::string("generic netlink: cannot connect: ") + nl_geterror(err)};
  const int id = genl_ctrl_resolve(sock, WG_GENL_NAME);
  if (id < 0)
    return Error{std::string("generic netlink family \"" WG_GENL_NAME "\" not found (") +
                 nl_geterror(id) + "): the kernel has no WireGuard module"};
  return id;
}

struct DumpState {
  DeviceState* device;
  Status status;
};

int on_dump_message(nl_msg* msg, void* arg) {
  auto* state = static_cast<DumpState*>(arg);
  if (auto st = genl::decode_get_device(nlmsg_hdr(msg), *state->device); !st) {
    state->status = st;
    return NL_STOP;
  }
  return NL_OK;
}

}  // namespace

void KernelBackend::SockDeleter::operator()(nl_sock* s) const { nl_socket_free(s); }

bool KernelBackend::available(std::string* why_not) {
  SockPtr sock(nl_socket_alloc(), nl_socket_free);
  if (!sock) {
    if (why_not) *why_not = "generic netlink: out of memory";
    return false;
  }
  auto id = connect_and_resolve(sock.get());
  if (!id && why_not) *why_not = id.message();
  return id.ok();
}

KernelBackend::KernelBackend(KernelOptions options) : options_(std::move(options)) {}
KernelBackend::~KernelBackend() = default;

Status KernelBackend::open() {
  if (sock_) return {};
  std::unique_ptr<nl_sock, SockDeleter> sock(nl_socket_alloc());
  if (!sock) return Error{"generic netlink: out of memory"};
  auto id = connect_and_resolve(sock.get());
  if (!id) return id.error();
  // Dump replies can exceed a page; peeking sizes the receive buffer to each message.
  nl_socket_enable_msg_peek(sock.get());
  // Requests carry NLM_F_ACK exactly when they want one (SET yes, the GET dump no); libnl must
  // not add it to the dump behind our back.
  nl_socket_disable_auto_ack(sock.get());
  family_id_ = *id;
  sock_ = std::move(sock);
  return {};
}

Result<DeviceState> KernelBackend::get_device() {
  if (auto st = open(); !st) return st.error();
  auto req = genl::encode_get_device(options_.ifname, family_id_);
  if (!req) return req.error();
  if (int err = nl_send_auto(sock_.get(), req->get()); err < 0)
    return Error{options_.ifname + ": sending GET_DEVICE: " + nl_geterror(err)};
  DeviceState state;
  DumpState dump{&state, {}};
  nl_socket_modify_cb(sock_.get(), NL_CB_VALID, NL_CB_CUSTOM, on_dump_message, &dump);
  const int err = nl_recvmsgs_default(sock_.get());
  nl_socket_modify_cb(sock_.get(), NL_CB_VALID, NL_CB_DEFAULT, nullptr, nullptr);
  if (!dump.status) return Error{options_.ifname + ": " + dump.status.message()};
  if (err < 0) return Error{options_.ifname + ": GET_DEVICE: " + nl_geterror(err)};
  if (state.ifname.empty()) state.ifname = options_.ifname;
  return state;
}

Status KernelBackend::set_device(const DeviceUpdate& update) {
  if (update.empty()) return {};
  if (auto st = open(); !st) return st;
  auto msgs =
      genl::encode_set_device(options_.ifname, family_id_, update, options_.max_message_size);
  if (!msgs) return Error{options_.ifname + ": " + msgs.message()};
  for (std::size_t i = 0; i < msgs->size(); ++i) {
    int err = nl_send_auto(sock_.get(), (*msgs)[i].get());
    if (err >= 0) err = nl_wait_for_ack(sock_.get());
    if (err < 0)
      return Error{options_.ifname + ": SET_DEVICE message " + std::to_string(i + 1) + "/" +
                   std::to_string(msgs->size()) + ": " + nl_geterror(err)};
  }
  return {};
}

Status KernelBackend::create_interface() {
  if (rtnl_.link_exists(options_.ifname)) return {};
  return rtnl_.create_link(options_.ifname, WG_GENL_NAME);
}

Status KernelBackend::delete_interface() { return rtnl_.delete_link(options_.ifname); }

bool KernelBackend::interface_exists() { return rtnl_.link_exists(options_.ifname); }

}  // namespace wgmesh::wg
