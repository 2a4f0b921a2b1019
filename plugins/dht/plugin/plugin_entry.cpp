// The plugin's single exported symbol and its C entry points. Every entry point converts
// exceptions into a status (wgm::guarded): nothing may unwind into the host.
#include <wgmesh/plugin.h>

#include <memory>
#include <wgmesh/plugin_helpers.hpp>

#include "logic/dht_config.h"
#include "plugin/dht_plugin.h"

namespace {

using wgmesh::dht::plugin::DhtPlugin;

// The instance handed to the host: the plugin plus what guarded() needs to log.
struct Instance {
  const wgm_host_api* host;
  wgm_ctx* ctx;
  std::unique_ptr<DhtPlugin> plugin;
};

int dht_create(const wgm_host_api* host, wgm_ctx* ctx, void** instance) {
  if (!host || !instance) return WGM_ERR_INVALID;
  return wgm::guarded(host, ctx, [&] {
    std::unique_ptr<DhtPlugin> plugin;
    int rc = DhtPlugin::create(host, ctx, plugin);
    if (rc != WGM_OK) return rc;
    *instance = std::make_unique<Instance>(Instance{host, ctx, std::move(plugin)}).release();
    return static_cast<int>(WGM_OK);
  });
}

int dht_start(void* instance) {
  auto* self = static_cast<Instance*>(instance);
  if (!self) return WGM_ERR_INVALID;
  return wgm::guarded(self->host, self->ctx, [&] { return self->plugin->start(); });
}

void dht_stop(void* instance) {
  auto* self = static_cast<Instance*>(instance);
  if (!self) return;
  wgm::guarded(self->host, self->ctx, [&] {
    self->plugin->stop();
    return 0;
  });
}

void dht_destroy(void* instance) {
  // Ownership comes back from the host here (it got it from release() in dht_create).
  std::unique_ptr<Instance> self(static_cast<Instance*>(instance));
  if (!self) return;
  wgm::guarded(self->host, self->ctx, [&] {
    self->plugin.reset();
    return 0;
  });
}

const char* const kProvides[] = {"dht-discovery", nullptr};

const wgm_plugin_desc kDescriptor = {
    sizeof(wgm_plugin_desc),
    WGMESH_ABI_MAJOR,
    WGMESH_ABI_MINOR,
    "dht",
    "1.0.0",
    "BitTorrent mainline DHT discovery (BEP 5/32/42) under the mesh's hourly infohash, "
    "wire-compatible with Go wgmesh",
    kProvides,
    nullptr,
    wgmesh::dht::plugin::kConfigKeys,
    0,
    0,
    dht_create,
    dht_start,
    dht_stop,
    dht_destroy,
};

}  // namespace

extern "C" WGM_EXPORT const wgm_plugin_desc* wgmesh_plugin_entry(void) { return &kDescriptor; }
