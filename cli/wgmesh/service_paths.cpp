#include "service_paths.h"

#include <cstdlib>

namespace wgmesh::cli {
namespace {
void override_from(const char* variable, std::string& target) {
  const char* value = std::getenv(variable);
  if (value && *value) target = value;
}
}  // namespace

ServicePaths service_paths_from_environment() {
  ServicePaths p;
  override_from("WGMESH_SYSTEMD_DIR", p.systemd_dir);
  override_from("WGMESH_ETC_DIR", p.etc_dir);
  override_from("WGMESH_STATE_DIR", p.state_dir);
  override_from("WGMESH_SYSTEMCTL", p.systemctl);
  return p;
}

const char* service_paths_help() {
  return "Environment of install-service and uninstall-service (for tests and staging roots):\n"
         "  WGMESH_SYSTEMD_DIR   directory of wgmesh.service   (default /etc/systemd/system)\n"
         "  WGMESH_ETC_DIR       directory of secret.env       (default /etc/wgmesh)\n"
         "  WGMESH_STATE_DIR     the daemon's state directory  (default /var/lib/wgmesh)\n"
         "  WGMESH_SYSTEMCTL     the systemctl program to run  (default systemctl from PATH)\n";
}

}  // namespace wgmesh::cli
