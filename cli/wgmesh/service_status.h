// The systemd unit's state as `wgmesh status` reports it.
#pragma once

#include <string>

namespace wgmesh::cli {

// Trimmed output of `systemctl is-active <unit>`; "inactive" when that fails or systemd is
// absent (as the original does). The unit name can be overridden by WGMESH_SERVICE_UNIT.
std::string service_status();

}  // namespace wgmesh::cli
