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

Result<UapiConnection*> UapiBackend::connection(bool& reused) {
  reused = kept_.has_value() && kept_->reusable();
  if (!reused) {
    kept_.reset();
    auto conn = UapiConnection::open(socket_path(), options_.io_timeout);
    if (!conn) return Error{options_.ifname + ": " + conn.message()};
    ++connections_opened_;
    kept_.emplace(std::move(*conn));
  }
  kept_->begin_request();
  return &*kept_;
}

Result<DeviceState> UapiBackend::get_once(bool& reused) {
  auto conn = connection(reused);
  if (!conn) return conn.error();
  if (auto st = (*conn)->write_all(uapi::kGetRequest); !st)
    return Error{options_.ifname + ": " + st.message()};
  auto reply = (*conn)->read_response(options_.max_response_bytes);
  if (!reply) return Error{options_.ifname + ": " + reply.message()};
  ScopedWipe wipe_reply(*reply);
  auto state = uapi::parse_get_response(*reply, &public_keys_);
  if (!state) return Error{options_.ifname + ": " + state.message()};
  state->ifname = options_.ifname;
  return state;
}

// The retry rule for both requests, in one place. A request that failed is retried once,
// on a fresh connection, only if it went out on a reused one (which may have died under us:
// the server restarted between the reuse check and the request, or it does not serve a
// second request at all) and `attempt` says the server cannot have acted on it. If the
// retry works, keeping connections is given up: this server may not serve a second request.
// A failed connection is never kept (after a failed set wireguard-go's scanner may have
// consumed an unknown part of the request).
template <typename R, typename Attempt>
R UapiBackend::with_one_retry(Attempt attempt) {
  bool reused = false, retry_safe = false;
  R result = attempt(reused, retry_safe);
  if (!result) {
    forget_connection();
    if (!reused || !retry_safe) return result;
    result = attempt(reused, retry_safe);
    if (!result) {
      forget_connection();
      return result;
    }
    options_.keep_connection = false;
  }
  if (!options_.keep_connection) forget_connection();
  return result;
}

Result<DeviceState> UapiBackend::get_device() {
  if (auto st = check_name(options_.ifname); !st) return st.error();
  return with_one_retry<Result<DeviceState>>([this](bool& reused, bool& retry_safe) {
    retry_safe = true;  // a get changes nothing: always safe to ask again
    return get_once(reused);
  });
}

Status UapiBackend::set_once(const DeviceUpdate& update, bool& reused, bool& retry_safe) {
  retry_safe = false;
  auto conn = connection(reused);
  if (!conn) {
    retry_safe = true;  // nothing was sent
    return conn.error();
  }
  UapiConnection& c = **conn;
  // The encoder hands over one piece per peer; sending each alone made 1000 sends for 1000
  // peers, and wireguard-go's reader woke for each. Pieces are gathered into batches of up
  // to kSetBatchBytes (a buffer that never reallocates, so no unwiped copy of a key is left
  // behind in freed memory) and a piece larger than a batch goes out on its own.
  constexpr std::size_t kSetBatchBytes = 64 * 1024;
  std::string batch;
  batch.reserve(kSetBatchBytes);
  ScopedWipe wipe_batch(batch);
  const auto flush = [&]() -> Status {
    if (batch.empty()) return {};
    Status st = c.write_all(batch);
    wipe(batch);  // keeps the capacity: wipe() zeroes and clears, it does not shrink
    return st;
  };
  Status written = uapi::encode_set(update, [&](std::string_view piece) -> Status {
    if (batch.size() + piece.size() > batch.capacity()) {
      if (auto st = flush(); !st) return st;
      if (piece.size() > batch.capacity()) return c.write_all(piece);
    }
    batch.append(piece);
    return {};
  });
  if (written) written = flush();
  // The server saw nothing of this request: a dead connection, safe to send it again.
  retry_safe = !written && c.bytes_sent() == 0;
  if (!written && !c.server_replied()) return Error{options_.ifname + ": " + written.message()};
  // Even after a failed write, the server's reply (usually an errno) explains the failure
  // better than EPIPE does.
  auto reply = c.read_response(4096);
  if (!reply) {
    return Error{options_.ifname + ": " + (written ? reply.message() : written.message())};
  }
  retry_safe = false;  // the server answered: it acted on (part of) the request
  if (auto st = uapi::parse_set_response(*reply); !st)
    return Error{options_.ifname + ": " + st.message()};
  if (!written) return Error{options_.ifname + ": " + written.message()};
  return {};
}

Status UapiBackend::set_device(const DeviceUpdate& update) {
  if (update.empty()) return {};
  if (auto st = check_name(options_.ifname); !st) return st;
  return with_one_retry<Status>([this, &update](bool& reused, bool& retry_safe) {
    return set_once(update, reused, retry_safe);
  });
}

bool UapiBackend::interface_exists() { return uapi_socket_live(socket_path()); }

Status UapiBackend::create_interface() {
  forget_connection();  // a new server, if one is started, gets a new connection
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
  forget_connection();
  if (supervisor_ && supervisor_->running()) return supervisor_->stop();
  if (!interface_exists()) return {};
  // Not ours to stop: deleting its TUN link makes wireguard-go shut down cleanly.
  RouteNetlink rtnl;
  if (auto st = rtnl.open(); !st) return st;
  return rtnl.delete_link(options_.ifname);
}

}  // namespace wgmesh::wg
