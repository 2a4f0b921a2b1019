// The host table plus this plugin's context: everything the plugin asks of the host goes
// through here (log, clock, counters, fd watches, timers, rpc_dispatch).
#pragma once

#include <wgmesh/plugin.h>

#include <cstdint>
#include <string>
#include <wgmesh/plugin_helpers.hpp>

namespace wgmesh::rpc {

struct HostRef {
  const wgm_host_api* api = nullptr;
  wgm_ctx* ctx = nullptr;

  void log(wgm_log_level level, const std::string& message) const {
    api->log(ctx, level, message.c_str());
  }
  uint64_t now_ms() const { return api->monotonic_ms(ctx); }
  // Counters appear as "rpc.<name>" in daemon.metrics.
  void count(const char* name, uint64_t delta = 1) const { api->counter_add(ctx, name, delta); }
  void gauge(const char* name, int64_t value) const { api->gauge_set(ctx, name, value); }
};

}  // namespace wgmesh::rpc
