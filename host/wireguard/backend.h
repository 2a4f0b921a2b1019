// The one interface every WireGuard implementation sits behind. Reconcile and the daemon
// only see this; kernel_backend.h (generic netlink) and uapi_backend.h (userspace UAPI
// socket) implement it, and backend_factory.h picks one.
#pragma once

#include <string>

#include "common/result.h"
#include "wireguard/types.h"

namespace wgmesh::wg {

class Backend {
 public:
  virtual ~Backend() = default;
  Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  // "kernel" or "userspace", for logs and status output.
  virtual std::string name() const = 0;
  virtual const std::string& ifname() const = 0;

  // A full snapshot: device fields and every peer with counters and handshake times.
  virtual Result<DeviceState> get_device() = 0;
  // Applies a change. Not transactional on either implementation: on error, peers before the
  // failing one may already be applied, so callers re-read the state before retrying.
  virtual Status set_device(const DeviceUpdate& update) = 0;

  // Creates the interface (kernel link, or the userspace process). Succeeds if it exists.
  virtual Status create_interface() = 0;
  // Removes the interface and everything on it. Succeeds if it does not exist.
  virtual Status delete_interface() = 0;
  virtual bool interface_exists() = 0;
};

}  // namespace wgmesh::wg
