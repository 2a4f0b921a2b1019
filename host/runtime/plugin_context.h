// The host-side definitions behind the ABI's opaque handles. Each plugin gets one wgm_ctx;
// every timer, socket, watch, subscription and pending RPC call it creates is owned by that
// context, so unloading a plugin releases everything even if the plugin forgot to.
#pragma once

#include <wgmesh/plugin.h>

#include <map>
#include <memory>
#include <string>

#include "runtime/event_loop.h"
#include "runtime/host_core.h"
#include "runtime/rpc_registry.h"
#include "runtime/udp_socket.h"

struct wgm_timer {
  std::unique_ptr<wgmesh::Timer> timer;
  wgm_timer_cb cb = nullptr;
  void* user = nullptr;
};

struct wgm_udp {
  std::unique_ptr<wgmesh::UdpSocket> socket;
};

struct wgm_watch {
  std::unique_ptr<wgmesh::FdWatch> watch;
};

struct wgm_sub {
  uint64_t id = 0;
};

struct wgm_rpc_call {
  std::shared_ptr<wgmesh::RpcResponder> responder;
};

struct wgm_ctx {
  wgm_ctx(wgmesh::HostCore& core_ref, std::string plugin_name, std::string config)
      : core(core_ref), name(std::move(plugin_name)), config_json(std::move(config)) {}
  ~wgm_ctx();  // releases every resource below (sockets first, then timers, watches, subs)

  wgmesh::HostCore& core;
  std::string name;
  std::string config_json;
  const wgm_plugin_desc* desc = nullptr;

  std::map<wgm_timer*, std::unique_ptr<wgm_timer>> timers;
  std::map<wgm_udp*, std::unique_ptr<wgm_udp>> sockets;
  std::map<wgm_watch*, std::unique_ptr<wgm_watch>> watches;
  std::map<wgm_sub*, std::unique_ptr<wgm_sub>> subscriptions;
  std::map<wgm_rpc_call*, std::unique_ptr<wgm_rpc_call>> rpc_calls;
  // Completions of rpc_dispatch calls this plugin made hold a weak reference: once the
  // plugin is unloaded (its code unmapped) a late answer is dropped, never delivered.
  std::shared_ptr<int> alive = std::make_shared<int>(0);
};

namespace wgmesh {
// The single, immutable host function table handed to every plugin.
const wgm_host_api* host_api_table();
}  // namespace wgmesh
