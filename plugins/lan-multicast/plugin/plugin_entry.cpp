// The plugin's single exported symbol and its descriptor. The C entry points are
// wgm::PluginLifecycle's: each converts exceptions into a status (wgm::guarded), so nothing
// may unwind into the host.
#include <wgmesh/plugin.h>

#include <wgmesh/plugin_helpers.hpp>

#include "core/lan_config.h"
#include "plugin/lan_plugin.h"

namespace {

using wgmesh::lan::LanPlugin;
using Lifecycle = wgm::PluginLifecycle<LanPlugin>;

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
    Lifecycle::create,
    Lifecycle::start,
    Lifecycle::stop,
    Lifecycle::destroy,
};

}  // namespace

extern "C" WGM_EXPORT const wgm_plugin_desc* wgmesh_plugin_entry(void) { return &kDescriptor; }
