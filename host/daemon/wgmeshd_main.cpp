// wgmeshd: the wgmesh host daemon. Runs in the foreground (systemd Type=notify friendly).
#include <cstdio>

#include "daemon/daemon.h"
#include "daemon/daemon_flags.h"
#include "daemon/mesh_factory.h"
#include "runtime/logger.h"

#ifndef WGMESH_VERSION
#define WGMESH_VERSION "0.0.0"
#endif

using namespace wgmesh;

int main(int argc, char** argv) {
  auto flags = parse_daemon_flags(argc, argv, kDefaultConfigPath);
  if (!flags.ok()) {
    std::fprintf(stderr, "wgmeshd: %s\n", flags.message().c_str());
    return 2;
  }
  const DaemonFlags& args = *flags;
  if (args.help) {
    std::fputs(daemon_flags_help().c_str(), stdout);
    return 0;
  }
  if (args.version) {
    std::printf("wgmeshd %s (plugin ABI %d.%d)\n", WGMESH_VERSION, WGMESH_ABI_MAJOR,
                WGMESH_ABI_MINOR);
    return 0;
  }

  const std::string& path = args.config_path;
  auto config = load_config_file(path);
  if (!config.ok()) {
    std::fprintf(stderr, "wgmeshd: %s\n", config.message().c_str());
    return 1;
  }
  // Command-line flags override the file.
  if (args.log_level && !parse_log_level(*args.log_level, config->node.log_level)) {
    std::fprintf(stderr, "wgmeshd: --log-level must be debug, info, warn or error\n");
    return 2;
  }
  if (args.plugin_dir) config->plugins.dir = *args.plugin_dir;
  if (args.state_dir) config->node.state_dir = *args.state_dir;
  if (args.interface) {
    config->node.interface = *args.interface;
    if (Status st = validate_interface_name(config->node.interface); !st.ok()) {
      std::fprintf(stderr, "wgmeshd: %s\n", st.message().c_str());
      return 2;
    }
  }
  if (args.listen_port) {
    int port = *args.listen_port;
    if (port < 1 || port > 65535) {
      std::fprintf(stderr, "wgmeshd: --listen-port must be 1-65535\n");
      return 2;
    }
    config->node.listen_port = static_cast<uint16_t>(port);
  }
  if (args.backend && !parse_backend_choice(*args.backend, config->node.backend)) {
    std::fprintf(stderr, "wgmeshd: --backend must be auto, kernel or userspace\n");
    return 2;
  }

  DaemonOptions opts;
  opts.config_path = path;
  opts.mesh_factory = make_mesh_factory();

  if (args.check_config) {
    // Loading the plugins validates their tables too; nothing is started.
    EventLoop loop;
    Metrics metrics;
    RpcRegistry rpc;
    ServiceRegistry services;
    HostCore core{loop, metrics, rpc, services, nullptr, config->node.state_dir, "{}"};
    PluginManager manager(core);
    manager.load(config->plugins, config->source);
    bool ok = true;
    for (const auto& s : manager.status()) {
      if (s.state == PluginState::Refused) ok = false;
    }
    auto secret = resolve_secret_text(config->node);
    if (!secret.ok()) {
      std::fprintf(stderr, "wgmeshd: %s\n", secret.message().c_str());
      ok = false;
    }
    std::printf("%s: %s\n", path.c_str(), ok ? "configuration OK" : "configuration has errors");
    return ok ? 0 : 1;
  }

  Daemon daemon(std::move(config.value()), std::move(opts));
  return daemon.run();
}
