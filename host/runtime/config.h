// wgmesh.toml: the daemon's configuration file, its schema and validation.
// Every unknown key or wrong type is an error naming the file, line and key, because a
// silently ignored typo in a network daemon's config is a production outage waiting to happen.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "runtime/logger.h"

namespace wgmesh {

inline constexpr const char* kDefaultConfigPath = "/etc/wgmesh/wgmesh.toml";

enum class BackendChoice { Auto, Kernel, Userspace };

struct NodeConfig {
  std::string secret_cli;   // from a command-line flag (wgmesh join --secret): wins over all
  std::string secret;       // inline secret (discouraged: prefer secret_file or the env)
  std::string secret_file;  // file holding the secret; whitespace around it is trimmed
  std::string interface = "wg0";
  uint16_t listen_port = 51820;
  std::string state_dir = "/var/lib/wgmesh";
  LogLevel log_level = LogLevel::Info;
  BackendChoice backend = BackendChoice::Auto;
  std::string userspace_program = "wireguard-go";
  std::string uapi_dir = "/var/run/wireguard";
  std::string mesh_subnet;  // optional custom IPv4 subnet (CIDR)
  std::vector<std::string> advertise_routes;
  std::string hostname;  // empty = the system hostname
  bool introducer = false;
  bool force_relay = false;
  bool no_ipv6 = false;
  bool no_punching = false;
};

// One [plugins.<name>] table, kept as JSON for the plugin plus where each key came from.
struct PluginTable {
  std::string json = "{}";
  std::map<std::string, int> key_lines;  // key -> line in the file (0 = unknown)
};

struct PluginsConfig {
  std::string dir;                  // empty = the compiled-in default plugin directory
  std::vector<std::string> enable;  // plugin names, in the admin's order
  std::map<std::string, PluginTable> tables;
};

struct Config {
  std::string source;  // file name (or "<defaults>") for error messages
  NodeConfig node;
  PluginsConfig plugins;
};

// Parses TOML text. `source` names it in errors ("wgmesh.toml:12: unknown key 'foo'").
Result<Config> parse_config(const std::string& text, const std::string& source);
// Reads and parses a file; a missing file is an error naming the path.
Result<Config> load_config_file(const std::string& path);

// The secret from (in order) a command-line flag, the environment WGMESH_SECRET,
// WGMESH_SECRET_FILE, then the config's secret, secret_file. Returns an empty string when none is
// set.
Result<std::string> resolve_secret_text(const NodeConfig& node);

// Validates an interface name as Linux requires (letters, digits, '_', '-', <= 15 chars,
// starting with a letter).
Status validate_interface_name(const std::string& name);

// "auto", "kernel" or "userspace" (the config key and the --backend flag). False otherwise.
bool parse_backend_choice(std::string_view text, BackendChoice& out);

}  // namespace wgmesh
