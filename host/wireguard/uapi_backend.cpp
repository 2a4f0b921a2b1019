#include "wireguard/uapi_backend.h"

#include "wireguard/netlink_route.h"
#include "wireguard/secure_wipe.h"
#include "wireguard/uapi_connection.h"
#include "wireguard/uapi_protocol.h"

namespace wgmesh::wg {

UapiBackend::UapiBackend(UapiOptions options, std::unique_ptr<UserspaceSupervisor> supervisor)
    : options_(std::move(options)), supervisor_(std::move(supervisor)) {}

UapiBackend::~UapiBackend() = default;

std::string UapiBackend::socket_path() const {
  return options_.socket_dir + "/" + options_.ifname + ".sock";
}

namespace {
Status check_name(const std::string& ifname) {
  if (!is_valid_ifname(ifname)) return Error{"invalid interface name '" + ifname + "'"};
  return {};
}
}  // namespace

Result<DeviceState> UapiBackend::get_device() {
  if (auto st = check_name(options_.ifname); !st) return st.error();
  auto conn = UapiConnection::open(socket_path(), options_.io_timeout);
  if (!conn) return Error{options_.ifname + ": " + conn.message()};
  if (auto st = conn->write_all(uapi::kGetRequest); !st)
    return Error{options_.ifname + ": " + st.message()};
  auto reply = conn->read_response(options_.max_response_bytes);
  if (!reply) return Error{options_.ifname + ": " + reply.message()};
  ScopedWipe wipe_reply(*reply);
  auto state = uapi::parse_get_response(*reply);
  if (!state) return Error{options_.ifname + ": " + state.message()};
  state->ifname = options_.ifname;
  return state;
}

Status UapiBackend::set_device(const DeviceUpdate& update) {
  if (update.empty()) return {};
  if (auto st = check_name(options_.ifname); !st) return st;
  auto conn = UapiConnection::open(socket_path(), options_.io_timeout);
  if (!conn) return Error{options_.ifname + ": " + conn.message()};
  const Status written =
      uapi::encode_set(update, [&conn](std::string_view piece) { return conn->write_all(piece); });
  if (!written && !conn->server_replied()) return Error{options_.ifname + ": " + written.message()};
  // Even after a failed write, the server's reply (usually an errno) explains the failure
  // better than EPIPE does.
  auto reply = conn->read_response(4096);
  if (!reply) {
    return Error{options_.ifname + ": " + (written ? reply.message() : written.message())};
  }
  if (auto st = uapi::parse_set_response(*reply); !st)
    return Error{options_.ifname + ": " + st.message()};
  if (!written) return Error{options_.ifname + ": " + written.message()};
  return {};
}

bool UapiBackend::interface_exists() { return uapi_socket_live(socket_path()); }

Status UapiBackend::create_interface() {
  if (supervisor_) {
    if (supervisor_->running() && interface_exists()) return {};
    return supervisor_->start();
  }
  if (interface_exists()) return {};
  return Error{"no userspace WireGuard serves " + socket_path() +
               " and this backend may not start one (start wireguard-go -f " + options_.ifname +
               ", or let wgmesh spawn it)"};
}

Status UapiBackend::delete_interface() {
  if (supervisor_ && supervisor_->running()) return supervisor_->stop();
  if (!interface_exists()) return {};
  // Not ours to stop: deleting its TUN link makes wireguard-go shut down cleanly.
  RouteNetlink rtnl;
  if (auto st = rtnl.open(); !st) return st;
  return rtnl.delete_link(options_.ifname);
}

}  // namespace wgmesh::wg
