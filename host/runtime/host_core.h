// Everything the plugin host table reaches: one instance per daemon, owned by the Daemon.
#pragma once

#include <string>

#include "runtime/event_loop.h"
#include "runtime/mesh_services.h"
#include "runtime/metrics.h"
#include "runtime/rpc_registry.h"
#include "runtime/service_registry.h"

namespace wgmesh {

struct HostCore {
  EventLoop& loop;
  Metrics& metrics;
  RpcRegistry& rpc;
  ServiceRegistry& services;
  MeshServices* mesh = nullptr;  // null without a mesh secret
  std::string state_dir;
  std::string node_settings_json = "{}";
};

}  // namespace wgmesh
