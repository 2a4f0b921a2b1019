// The plugin's single exported symbol and its C entry points. Every entry point converts
// exceptions into a status (wgm::guarded): nothing may unwind into the host.
#include <wgmesh/plugin.h>

#include <memory>
#include <wgmesh/plugin_helpers.hpp>

#include "core/lan_config.h"
#include "plugin/lan_plugin.h"

namespace {

using wgmesh::lan::LanPlugin;

// The instance handed to the host: the plugin plus what guarded() needs to log.
struct Instance {
  const wgm_host_api* host;
  wgm_ctx* ctx;
  std::unique_ptr<LanPlugin> plugin;
};

int lan_create(const wgm_host_api* host, wgm_ctx* ctx, void** instance) {
  if (!host || !instance) return WGM_ERR_INVALID;
  return wgm::guarded(host, ctx, [&] {
    std::unique_ptr<LanPlugin> plugin;
    int rc = LanPlugin::create(host, ctx, plugin);
    if (rc != WGM_OK) return rc;
    *instance = std::make_unique<Instance>(Instance{host, ctx, std::move(plugin)}).release();
    return static_cast<int>(WGM_OK);
  });
}

int lan_start(void* instance) {
  auto* self = static_cast<Instance*>(instance);
  if (!self) return WGM_ERR_INVALID;
  return wgm::guarded(self->host, self->ctx, [&] { return self->plugin->start(); });
}

void lan_stop(void* instance) {
  auto* self = static_cast<Instance*>(instance);
  if (!self) return;
  wgm::guarded(self->host, self->ctx, [&] {
    self->plugin->stop();
    return 0;
  });
}

void lan_destroy(void* instance) {
  // Ownership comes back from the host here (it got it from release() in lan_create).
  std::unique_ptr<Instance> self(static_cast<Instance*>(instance));
  if (!self) return;
  wgm::guarded(self->host, self->ctx, [&] {
    self->plugin.reset();
    return 0;
  });
}

const char* const kProvides[] = {"lan-discovery", nullptr};

const wgm_plugin_desc kDescriptor = {
    sizeof(wgm_plugin_desc),
    WGMESH_ABI_MAJOR,
    WGMESH_ABI_MINOR,
    "lan-multicast",
    "1.0.0",
    "LAN multicast discovery (239.192.x.y:51830), wire-compatible with Go wgmesh",
    kProvides,
    nullptr,
    wgmesh::lan::kConfigKeys,
    0,
    0,
    lan_create,
    lan_start,
    lan_stop,
    lan_destroy,
};

}  // namespace

extern "C" WGM_EXPORT const wgm_plugin_desc* wgmesh_plugin_entry(void) { return &kDescriptor; }
