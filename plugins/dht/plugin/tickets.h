// Host callbacks that may outlive the plugin instance (exchange results, completions of
// work-queue jobs) carry a ticket instead of a pointer. The ABI gives no way to cancel an
// exchange or a job, so after stop() the host may still call back; a revoked ticket turns
// that call into a no-op instead of a use-after-free.
//
// Loop thread only (tickets are issued and redeemed there; workers never touch them).
#pragma once

#include <cstddef>
#include <cstdint>

namespace wgmesh::dht::plugin {

class Tickets {
 public:
  static uint64_t issue(void* owner);
  // The owner, once: the ticket is consumed. nullptr if revoked or unknown.
  static void* redeem(uint64_t ticket);
  static void revoke_all(void* owner);
  static size_t outstanding(void* owner);

  static void* as_user(uint64_t ticket) {
    return reinterpret_cast<void*>(static_cast<uintptr_t>(ticket));
  }
  static uint64_t from_user(void* user) {
    return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(user));
  }
};

}  // namespace wgmesh::dht::plugin
