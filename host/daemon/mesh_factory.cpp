#include "daemon/mesh_factory.h"

#include "mesh/mesh_node.h"
#include "runtime/logger.h"

namespace wgmesh {

std::function<Result<std::unique_ptr<MeshServices>>(HostCore&, const Config&)> make_mesh_factory() {
  return [](HostCore& core, const Config& config) -> Result<std::unique_ptr<MeshServices>> {
    auto secret = resolve_secret_text(config.node);
    if (!secret.ok()) return secret.error();
    if (secret->empty()) {
      log_info("mesh", "no mesh secret configured: running without a mesh (plugins only)");
      return std::unique_ptr<MeshServices>();
    }
    if (secret->rfind("wgmesh://", 0) != 0)
      log_warn("mesh", "the secret is not in wgmesh:// form and may have low entropy; "
                       "generate one with `wgmesh init --secret`");
    auto node = make_mesh_node(core, config.node, *secret);
    if (!node.ok()) return Error{"failed to create config: " + node.message()};
    return std::unique_ptr<MeshServices>(std::move(*node));
  };
}

}  // namespace wgmesh
