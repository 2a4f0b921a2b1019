// `wgmesh join`: runs the daemon in the foreground with the original's flags mapped onto the
// configuration (daemon.md §2.4). `--config FILE` (an addition) starts from a wgmesh.toml;
// flags given on the command line override it.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "commands.h"
#include "daemon/daemon.h"
#include "daemon/mesh_factory.h"
#include "flag_exit.h"
#include "go_flags.h"
#include "runtime/logger.h"

namespace wgmesh::cli {
namespace {

std::vector<std::string> split_routes(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

bool plugin_available(const std::string& dir, const std::string& name) {
  struct stat st{};
  return ::stat((dir + "/wgmesh-" + name + ".so").c_str(), &st) == 0;
}

}  // namespace

int cmd_join(const Args& args) {
  std::string secret, routes, interface, log_level = "info", socket_path, mesh_subnet, state_dir,
                                         config_path, plugin_dir, pprof, metrics, account, referral;
  int64_t listen_port = 51820;
  bool privacy = false, gossip = false, no_lan = false, no_ipv6 = false, force_relay = false,
       no_punching = false, introducer = false;
  GoFlagSet flags("join");
  flags.add_string("secret", &secret, "Mesh secret or wgmesh://v1/... URI (or WGMESH_SECRET / WGMESH_SECRET_FILE)");
  flags.add_string("advertise-routes", &routes, "Comma-separated CIDRs this node routes into the mesh");
  flags.add_int("listen-port", &listen_port, "WireGuard UDP port");
  flags.add_string("interface", &interface, "WireGuard interface name (default wg0)");
  flags.add_string("log-level", &log_level, "debug, info, warn or error");
  flags.add_bool("privacy", &privacy, "Dandelion++ relay of announcements");
  flags.add_bool("gossip", &gossip, "In-mesh gossip");
  flags.add_string("socket-path", &socket_path, "RPC socket path");
  flags.add_bool("no-lan-discovery", &no_lan, "Disable LAN multicast discovery");
  flags.add_bool("no-ipv6", &no_ipv6, "Ignore IPv6 endpoints");
  flags.add_bool("force-relay", &force_relay, "Relay non-LAN peers through an introducer");
  flags.add_bool("no-punching", &no_punching, "Disable NAT hole punching and rendezvous");
  flags.add_bool("introducer", &introducer, "Act as rendezvous introducer and relay");
  flags.add_string("mesh-subnet", &mesh_subnet, "Custom IPv4 mesh subnet (CIDR)");
  flags.add_string("state-dir", &state_dir, "State directory (default /var/lib/wgmesh)");
  flags.add_string("config", &config_path, "Start from this wgmesh.toml (flags override it)");
  flags.add_string("plugin-dir", &plugin_dir, "Plugin directory");
  flags.add_string("pprof", &pprof, "Accepted for compatibility; ignored");
  flags.add_string("metrics", &metrics, "Accepted for compatibility; not implemented");
  flags.add_string("account", &account, "Accepted for compatibility; not implemented");
  flags.add_string("referral", &referral, "Accepted for compatibility; not implemented");
  if (auto exit_code = parse_flags_or_exit(flags, args)) return *exit_code;

  Config config;
  config.source = "<command line>";
  if (!config_path.empty()) {
    auto loaded = load_config_file(config_path);
    if (!loaded.ok()) {
      std::fprintf(stderr, "Failed to create config: %s\n", loaded.message().c_str());
      return 1;
    }
    config = std::move(*loaded);
  }
  NodeConfig& node = config.node;
  node.secret_cli = secret;
  auto resolved = resolve_secret_text(node);
  if (!resolved.ok()) {
    std::fprintf(stderr, "Error reading secret: %s\n", resolved.message().c_str());
    return 1;
  }
  if (resolved->empty()) {
    std::fputs("Error: --secret is required\nUsage: wgmesh join --secret <SECRET>\n"
               "  (or set WGMESH_SECRET, or WGMESH_SECRET_FILE to a file holding the secret)\n",
               stderr);
    return 1;
  }
  if (flags.was_set("interface") && !interface.empty()) node.interface = interface;
  if (Status st = validate_interface_name(node.interface); !st.ok()) {
    std::fprintf(stderr, "Failed to create config: %s\n", st.message().c_str());
    return 1;
  }
  if (flags.was_set("listen-port") || config_path.empty()) {
    if (listen_port < 0 || listen_port > 65535) {
      std::fprintf(stderr, "Failed to create config: --listen-port must be 1-65535\n");
      return 1;
    }
    node.listen_port = listen_port == 0 ? 51820 : static_cast<uint16_t>(listen_port);
  }
  if (flags.was_set("log-level") || config_path.empty()) {
    if (!parse_log_level(log_level, node.log_level)) node.log_level = LogLevel::Info;  // as the original
  }
  if (flags.was_set("advertise-routes")) node.advertise_routes = split_routes(routes);
  if (flags.was_set("mesh-subnet")) node.mesh_subnet = mesh_subnet;
  if (flags.was_set("state-dir")) node.state_dir = state_dir;
  if (no_ipv6) node.no_ipv6 = true;
  if (force_relay) node.force_relay = true;
  if (no_punching) node.no_punching = true;
  if (introducer) node.introducer = true;
  if (flags.was_set("plugin-dir")) config.plugins.dir = plugin_dir;

  if (config_path.empty()) {
    // The plugins the original's join runs, where this installation has them.
    std::string dir = config.plugins.dir;
    if (dir.empty()) {
      const char* env = std::getenv("WGMESH_PLUGIN_DIR");
      dir = env && *env ? env : WGMESH_DEFAULT_PLUGIN_DIR;
    }
    std::vector<std::string> wanted = {"rpc", "dht"};
    if (!no_lan) wanted.push_back("lan-multicast");
    if (gossip) wanted.push_back("gossip");
    if (privacy) wanted.push_back("dandelion");
    if (!no_punching) wanted.push_back("rendezvous");
    wanted.push_back("stun");
    for (const auto& name : wanted) {
      if (plugin_available(dir, name)) config.plugins.enable.push_back(name);
      else if (name == "lan-multicast" || name == "rpc" || name == "dht" || name == "gossip" || name == "dandelion")
        std::fprintf(stderr, "Warning: plugin %s is not installed in %s\n", name.c_str(), dir.c_str());
    }
    if (!socket_path.empty()) config.plugins.tables["rpc"].json = "{\"socket_path\":\"" + socket_path + "\"}";
  }

  std::printf("Initializing mesh node with DHT discovery...\n");
  if (privacy) std::printf("Privacy mode enabled (Dandelion++ relay)\n");
  if (gossip) std::printf("In-mesh gossip enabled\n");
  if (no_lan) std::printf("LAN discovery disabled\n");
  if (no_ipv6) std::printf("IPv6 connectivity disabled\n");
  if (force_relay) std::printf("Force relay mode enabled\n");
  if (no_punching) std::printf("NAT punching disabled\n");
  if (introducer) std::printf("Rendezvous introducer enabled\n");
  std::fflush(stdout);

  DaemonOptions opts;
  opts.config_path = config_path;
  if (config_path.empty()) opts.reload_file = node.state_dir + "/" + node.interface + ".reload";
  opts.mesh_factory = make_mesh_factory();
  Daemon daemon(std::move(config), std::move(opts));
  int rc = daemon.run();
  if (rc != 0) std::fprintf(stderr, "Daemon error: see the log above\n");
  return rc;
}

}  // namespace wgmesh::cli
