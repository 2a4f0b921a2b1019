#include "daemon/mesh_factory.h"

#include "runtime/logger.h"

namespace wgmesh {

std::function<std::unique_ptr<MeshServices>(HostCore&, const Config&)> make_mesh_factory() {
  return [](HostCore&, const Config& config) -> std::unique_ptr<MeshServices> {
    auto secret = resolve_secret_text(config.node);
    if (!secret.ok()) {
      log_error("mesh", secret.message());
      return nullptr;
    }
    if (secret->empty()) {
      log_info("mesh", "no mesh secret configured: running without a mesh (plugins only)");
      return nullptr;
    }
    // The mesh layer (keys, local node, peer store, WireGuard) is attached here.
    log_warn("mesh", "mesh layer not built into this binary yet");
    return nullptr;
  };
}

}  // namespace wgmesh
