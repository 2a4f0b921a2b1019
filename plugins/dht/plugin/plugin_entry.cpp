// The plugin's single exported symbol and its descriptor. The C entry points are
// wgm::PluginLifecycle's: each converts exceptions into a status (wgm::guarded), so nothing
// may unwind into the host.
#include <wgmesh/plugin.h>

#include <wgmesh/plugin_helpers.hpp>

#include "logic/dht_config.h"
#include "plugin/dht_plugin.h"

namespace {

using wgmesh::dht::plugin::DhtPlugin;
using Lifecycle = wgm::PluginLifecycle<DhtPlugin>;

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
    Lifecycle::create,
    Lifecycle::start,
    Lifecycle::stop,
    Lifecycle::destroy,
};

}  // namespace

extern "C" WGM_EXPORT const wgm_plugin_desc* wgmesh_plugin_entry(void) { return &kDescriptor; }
