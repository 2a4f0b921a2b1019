// The rpc plugin's [plugins.rpc] table: keys, defaults and validation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wgmesh::rpc {

// Declared in the plugin descriptor so the host reports any other key with file and line.
inline constexpr const char* kConfigKeys[] = {
    "socket_path", "group", "max_request_bytes", "idle_timeout_ms", "max_connections", nullptr};

struct RpcConfig {
  std::string socket_path;           // "" = resolve as spec §7.1 (see cli/common/socket_path.h)
  std::string group;                 // "" = only root and the daemon's own user may connect
  size_t max_request_bytes = 65536;  // the original's 64 KiB line cap
  uint64_t idle_timeout_ms = 30000;  // 0 = never close idle connections
  size_t max_connections = 64;
};

// Parses the table as handed over by the host (a JSON object). On failure returns false
// with a message naming the key ("max_connections must be an integer in 1..65536").
bool parse_rpc_config(std::string_view json, RpcConfig& out, std::string& error);

}  // namespace wgmesh::rpc
