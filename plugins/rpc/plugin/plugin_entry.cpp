// wgmesh-rpc.so: the JSON-RPC transport on a Unix socket (spec centralized-rpc-cli.md §7,
// §11.3). It owns no methods: every request goes to the host's registry with rpc_dispatch,
// so wgmeshctl sees whatever the host and the other plugins register.
#include <unistd.h>
#include <wgmesh/plugin.h>

#include <memory>
#include <string>
#include <wgmesh/plugin_helpers.hpp>

#include "common/socket_path.h"
#include "core/peer_access.h"
#include "core/rpc_config.h"
#include "plugin/host_ref.h"
#include "plugin/pending_calls.h"
#include "plugin/server.h"

namespace wgmesh::rpc {
namespace {

struct Plugin {
  HostRef host;
  RpcConfig config;
  AccessPolicy policy;
  std::string socket_path;
  std::unique_ptr<Server> server;
};

bool host_is_usable(const wgm_host_api* h) {
  return h && h->abi_major == WGMESH_ABI_MAJOR && WGM_HOST_HAS(h, log) &&
         WGM_HOST_HAS(h, monotonic_ms) && WGM_HOST_HAS(h, config_json) &&
         WGM_HOST_HAS(h, timer_start) && WGM_HOST_HAS(h, timer_stop) && WGM_HOST_HAS(h, fd_watch) &&
         WGM_HOST_HAS(h, fd_unwatch) && WGM_HOST_HAS(h, rpc_dispatch) &&
         WGM_HOST_HAS(h, counter_add) && WGM_HOST_HAS(h, gauge_set);
}

int create(const wgm_host_api* api, wgm_ctx* ctx, void** instance) {
  if (!host_is_usable(api) || !instance) return WGM_ERR_UNSUPPORTED;
  return wgm::guarded(api, ctx, [&]() -> int {
    auto p = std::make_unique<Plugin>();
    p->host = HostRef{api, ctx};
    std::string json = wgm::fetch_json(api, &wgm_host_api::config_json, ctx);
    std::string error;
    if (!parse_rpc_config(json, p->config, error)) {
      p->host.log(WGM_LOG_ERROR, "[plugins.rpc]: " + error);
      return WGM_ERR_INVALID;
    }
    p->policy.daemon_uid = ::geteuid();
    if (!p->config.group.empty()) {
      gid_t gid = 0;
      if (!lookup_group(p->config.group, gid, error)) {
        p->host.log(WGM_LOG_ERROR, "[plugins.rpc] group: " + error);
        return WGM_ERR_INVALID;
      }
      p->policy.group = gid;
    }
    p->socket_path = p->config.socket_path.empty()
                         ? sockpath::server_socket_path(sockpath::current_path_env())
                         : p->config.socket_path;
    p->host.log(WGM_LOG_INFO, "RPC socket configured: " + p->socket_path);
    *instance = p.release();  // owned by the host until destroy()
    return WGM_OK;
  });
}

int start(void* instance) {
  auto* p = static_cast<Plugin*>(instance);
  return wgm::guarded(p->host.api, p->host.ctx, [&]() -> int {
    p->server = std::make_unique<Server>(p->host, p->config, p->policy, p->socket_path);
    std::string error;
    if (!p->server->start(error)) {
      p->server.reset();
      p->host.log(WGM_LOG_ERROR, "failed to start RPC server: " + error);
      return WGM_ERR_IO;
    }
    p->host.log(WGM_LOG_INFO, "RPC server listening on " + p->socket_path);
    return WGM_OK;
  });
}

void stop(void* instance) {
  auto* p = static_cast<Plugin*>(instance);
  wgm::guarded(p->host.api, p->host.ctx, [&]() -> int {
    if (p->server) {
      p->server.reset();  // closes connections and the listener, removes the socket file
      p->host.log(WGM_LOG_INFO, "RPC server stopped");
    }
    return WGM_OK;
  });
}

void destroy(void* instance) {
  std::unique_ptr<Plugin> p(static_cast<Plugin*>(instance));
  if (!p) return;
  wgm::guarded(p->host.api, p->host.ctx, [&]() -> int {
    p->server.reset();
    if (size_t open = PendingCalls::size(); open > 0 && pin_module_while_calls_pending())
      p->host.log(WGM_LOG_WARN, std::to_string(open) +
                                    " RPC call(s) never answered by their methods; keeping the "
                                    "plugin's code mapped in case they still complete");
    return WGM_OK;
  });
}

const wgm_plugin_desc kDescriptor = {
    sizeof(wgm_plugin_desc),
    WGMESH_ABI_MAJOR,
    WGMESH_ABI_MINOR,
    "rpc",
    "1.0.0",
    "JSON-RPC 2.0 over a Unix socket (wgmeshctl, wgmesh peers)",
    nullptr,  // provides
    nullptr,  // requirements
    kConfigKeys,
    0,  // flags
    0,  // uv_major
    &create,
    &start,
    &stop,
    &destroy,
};

}  // namespace
}  // namespace wgmesh::rpc

extern "C" WGM_EXPORT const wgm_plugin_desc* wgmesh_plugin_entry(void) {
  return &wgmesh::rpc::kDescriptor;
}
