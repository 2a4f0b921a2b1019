// Blocking work (DNS, file writes) on the host's work queue, with the completion back on the
// loop only while the submitting plugin instance is alive (see tickets.h).
#pragma once

#include <wgmesh/plugin.h>

#include <functional>

namespace wgmesh::dht::plugin {

// `work` runs on a worker thread: it must not call the host or touch the plugin. `done`
// runs on the loop afterwards, unless the owner revoked its tickets or the host cancelled
// the job. Returns the host's status; on failure neither function runs.
int submit_work(const wgm_host_api* host, wgm_ctx* ctx, void* owner, std::function<void()> work,
                std::function<void()> done);

}  // namespace wgmesh::dht::plugin
