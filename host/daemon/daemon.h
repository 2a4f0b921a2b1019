// The daemon: composes the loop, registries, plugin manager and (with a secret) the mesh
// layer; handles signals; runs until SIGTERM/SIGINT.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "runtime/config.h"
#include "runtime/event_loop.h"
#include "runtime/host_core.h"
#include "runtime/metrics.h"
#include "runtime/plugin_manager.h"
#include "runtime/rpc_registry.h"
#include "runtime/service_registry.h"

namespace wgmesh {

struct DaemonOptions {
  std::string config_path;  // re-read on SIGHUP; empty = built-in defaults only
  // Without a config file, SIGHUP reads this KEY=VALUE file instead (the original's
  // <state_dir>/<iface>.reload: advertise-routes, log-level).
  std::string reload_file;
  // Installs the mesh layer once the loop and registries exist (null: no mesh). Kept as a
  // factory so the runtime does not depend on the mesh library.
  std::function<Result<std::unique_ptr<MeshServices>>(HostCore&, const Config&)> mesh_factory;
};

class Daemon {
 public:
  Daemon(Config config, DaemonOptions options);
  ~Daemon();

  // Loads and starts plugins, then runs the loop until a stop signal. Returns the exit code.
  int run();
  // Reloads what can change at run time (log level, advertised routes) from the config file.
  void reload();
  void request_stop();

  EventLoop& loop() { return loop_; }
  HostCore& core() { return core_; }
  PluginManager& plugins() { return *plugins_; }

 private:
  void register_rpc_methods();

  Config config_;
  DaemonOptions options_;
  EventLoop loop_;
  Metrics metrics_;
  RpcRegistry rpc_;
  ServiceRegistry services_;
  HostCore core_;
  std::unique_ptr<MeshServices> mesh_;
  std::unique_ptr<PluginManager> plugins_;
  int64_t started_unix_ = 0;
  bool stopping_ = false;
};

}  // namespace wgmesh
