// Where `install-service` / `uninstall-service` put things (daemon.md §11), and which program
// they run as systemctl. Each can be moved with an environment variable, so tests (and
// packagers building into a staging root) can run the real commands without touching the
// host's systemd.
#pragma once

#include <string>

namespace wgmesh::cli {

inline constexpr const char* kServiceUnitName = "wgmesh.service";
inline constexpr const char* kDefaultStateDir = "/var/lib/wgmesh";

struct ServicePaths {
  std::string systemd_dir = "/etc/systemd/system";  // WGMESH_SYSTEMD_DIR
  std::string etc_dir = "/etc/wgmesh";              // WGMESH_ETC_DIR
  std::string state_dir = kDefaultStateDir;         // WGMESH_STATE_DIR
  std::string systemctl = "systemctl";              // WGMESH_SYSTEMCTL (PATH lookup if no '/')

  std::string unit_path() const { return systemd_dir + "/" + kServiceUnitName; }
  std::string secret_env_path() const { return etc_dir + "/secret.env"; }
};

// The defaults above, with every non-empty override variable applied.
ServicePaths service_paths_from_environment();

// The --help paragraph naming the variables.
const char* service_paths_help();

}  // namespace wgmesh::cli
