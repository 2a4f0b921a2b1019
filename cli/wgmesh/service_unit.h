// The files `install-service` writes (daemon.md §11): the systemd unit that runs
// `wgmesh join` and the environment file holding the secret.
//
// Improvements over the original: the secret is never on a command line (the unit has no
// `--secret ${WGMESH_SECRET}` and no `sh -c`; systemd reads secret.env into the environment
// and `join` takes WGMESH_SECRET from there), every ExecStart word is quoted for systemd's
// own parser instead of a shell, and the unit bounds the daemon's capabilities.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "service_paths.h"

namespace wgmesh::cli {

// The `join` options a service runs with (the feature flags of install-service).
struct ServiceOptions {
  std::string binary;           // absolute path of the wgmesh program
  std::string interface;        // "" or "wg0": the default, not passed
  int64_t listen_port = 51820;  // 0 or 51820: the default, not passed
  std::vector<std::string> advertise_routes;
  bool privacy = false;
  bool gossip = false;
  bool no_lan_discovery = false;
  bool no_ipv6 = false;
  bool force_relay = false;
  bool no_punching = false;
  bool introducer = false;
  std::string mesh_subnet;  // "" = none
  std::string state_dir;    // "" or /var/lib/wgmesh: the default, not passed
};

// The program's arguments after the binary, in the original's order: join, --interface,
// --listen-port, --advertise-routes, the boolean flags, then the later-upstream
// --mesh-subnet and --state-dir.
std::vector<std::string> join_arguments(const ServiceOptions& options);

// One ExecStart word as systemd parses it: bare when it holds only safe characters, else
// double-quoted with \ and " escaped; '%' (specifiers) and '$' (variables) are doubled
// everywhere. Control characters cannot be represented: error.
Result<std::string> systemd_exec_word(std::string_view word);

// The unit text. `state_dir` is the directory the daemon may write (ReadWritePaths=).
Result<std::string> render_service_unit(const ServiceOptions& options, const ServicePaths& paths,
                                        const std::string& state_dir);

// `WGMESH_SECRET="<secret>"` plus a newline, with \ and " backslash-escaped: the original's
// format, which systemd (and a POSIX shell) read back to the exact secret. A line break
// cannot be written safely: error.
Result<std::string> render_secret_env(std::string_view secret);

}  // namespace wgmesh::cli
