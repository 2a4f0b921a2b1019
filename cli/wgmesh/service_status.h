// The systemd unit's state as `wgmesh status` reports it.
#pragma once

#include <string>

namespace wgmesh::cli {

// Trimmed output of `systemctl is-active` for wgmesh.service (what install-service installs)
// or wgmeshd.service (the packaged unit); "inactive" when that fails or systemd is absent (as
// the original does). WGMESH_SERVICE_UNIT names another unit to ask about.
std::string service_status();

}  // namespace wgmesh::cli
