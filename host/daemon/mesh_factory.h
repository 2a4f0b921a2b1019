// Builds the mesh layer for the daemon when a secret is configured.
#pragma once

#include <functional>
#include <memory>

#include "runtime/config.h"
#include "runtime/host_core.h"

namespace wgmesh {

std::function<Result<std::unique_ptr<MeshServices>>(HostCore&, const Config&)> make_mesh_factory();

}  // namespace wgmesh
