// wgmeshd: the wgmesh host daemon. Runs in the foreground (systemd Type=notify friendly).
#include <cstdio>
#include <cxxopts.hpp>

#include "daemon/daemon.h"
#include "daemon/mesh_factory.h"
#include "runtime/logger.h"

#ifndef WGMESH_VERSION
#define WGMESH_VERSION "0.0.0"
#endif

using namespace wgmesh;

int main(int argc, char** argv) {
  cxxopts::Options options("wgmeshd", "wgmesh host daemon: WireGuard mesh node with plugins");
  options.add_options()("c,config", "Configuration file",
                        cxxopts::value<std::string>()->default_value(kDefaultConfigPath))(
      "check-config", "Validate the configuration (and plugins) and exit")(
      "log-level", "debug, info, warn or error (overrides the file)",
      cxxopts::value<std::string>())("plugin-dir", "Plugin directory (overrides the file)",
                                     cxxopts::value<std::string>())(
      "state-dir", "State directory (overrides the file)", cxxopts::value<std::string>())(
      "interface", "WireGuard interface name (overrides the file)", cxxopts::value<std::string>())(
      "listen-port", "WireGuard listen port (overrides the file)", cxxopts::value<int>())(
      "backend", "auto, kernel or userspace (overrides the file)", cxxopts::value<std::string>())(
      "v,version", "Print the version and exit")("h,help", "Show this help");
  cxxopts::ParseResult args;
  try {
    args = options.parse(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wgmeshd: %s\n", e.what());
    return 2;
  }
  if (args.count("help")) {
    std::fputs(options.help().c_str(), stdout);
    return 0;
  }
  if (args.count("version")) {
    std::printf("wgmeshd %s (plugin ABI %d.%d)\n", WGMESH_VERSION, WGMESH_ABI_MAJOR,
                WGMESH_ABI_MINOR);
    return 0;
  }

  std::string path = args["config"].as<std::string>();
  auto config = load_config_file(path);
  if (!config.ok()) {
    std::fprintf(stderr, "wgmeshd: %s\n", config.message().c_str());
    return 1;
  }
  // Command-line flags override the file.
  if (args.count("log-level") &&
      !parse_log_level(args["log-level"].as<std::string>(), config->node.log_level)) {
    std::fprintf(stderr, "wgmeshd: --log-level must be debug, info, warn or error\n");
    return 2;
  }
  if (args.count("plugin-dir")) config->plugins.dir = args["plugin-dir"].as<std::string>();
  if (args.count("state-dir")) config->node.state_dir = args["state-dir"].as<std::string>();
  if (args.count("interface")) {
    config->node.interface = args["interface"].as<std::string>();
    if (Status st = validate_interface_name(config->node.interface); !st.ok()) {
      std::fprintf(stderr, "wgmeshd: %s\n", st.message().c_str());
      return 2;
    }
  }
  if (args.count("listen-port")) {
    int port = args["listen-port"].as<int>();
    if (port < 1 || port > 65535) {
      std::fprintf(stderr, "wgmeshd: --listen-port must be 1-65535\n");
      return 2;
    }
    config->node.listen_port = static_cast<uint16_t>(port);
  }
  if (args.count("backend")) {
    std::string b = args["backend"].as<std::string>();
    if (b == "auto")
      config->node.backend = BackendChoice::Auto;
    else if (b == "kernel")
      config->node.backend = BackendChoice::Kernel;
    else if (b == "userspace")
      config->node.backend = BackendChoice::Userspace;
    else {
      std::fprintf(stderr, "wgmeshd: --backend must be auto, kernel or userspace\n");
      return 2;
    }
  }

  DaemonOptions opts;
  opts.config_path = path;
  opts.mesh_factory = make_mesh_factory();

  if (args.count("check-config")) {
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
