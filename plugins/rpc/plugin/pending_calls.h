// RPC requests handed to the host with rpc_dispatch and not answered yet.
//
// The host calls our completion callback later, possibly after the client disconnected,
// after the plugin stopped, or even after it was destroyed (an async method owner unloaded
// after us answers all its open calls with an error). So the callback's `user` value is not
// a pointer to plugin state but a plain call number, looked up here; a call whose connection
// is gone finds nothing and is dropped. See also pin_module_while_calls_pending().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace wgmesh::rpc {

class Connection;

class PendingCalls {
 public:
  // Registers a call for `conn`; returns the value to pass as rpc_dispatch's `user`.
  static void* add(std::weak_ptr<Connection> conn);
  // Removes the call; returns its connection (expired if the call was unknown or the
  // connection is gone).
  static std::weak_ptr<Connection> take(void* user);
  static size_t size();
};

// The host's wgm_rpc_done_cb for every dispatched call.
void on_dispatch_done(void* user, int is_error, const char* json, size_t len) noexcept;

// ABI gap workaround: rpc_dispatch cannot be cancelled, and the host keeps the completion
// function pointer until the method answers. If calls are still open when the plugin is
// destroyed, the host would later jump into this library after dlclose() unmapped it; so
// in that case the library pins itself in memory (RTLD_NODELETE) instead. Returns true if
// it pinned.
bool pin_module_while_calls_pending();

}  // namespace wgmesh::rpc
