// Chooses and builds the WireGuard backend for an interface: the kernel module when present,
// otherwise a userspace implementation that wgmesh starts itself. An interface already
// served by a userspace process (a live UAPI socket) is adopted as is, because that process,
// not the kernel, owns it.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "wireguard/backend.h"
#include "wireguard/kernel_backend.h"
#include "wireguard/uapi_backend.h"
#include "wireguard/userspace_supervisor.h"

namespace wgmesh::wg {

enum class BackendKind { kAuto, kKernel, kUserspace };

struct BackendOptions {
  BackendKind kind = BackendKind::kAuto;
  std::string ifname = "wg0";
  KernelOptions kernel;          // ifname is filled in from above
  UapiOptions uapi;              // ifname is filled in from above
  SupervisorOptions supervisor;  // ifname and socket_dir are filled in from above
  bool spawn_userspace = true;   // false: only use a userspace process someone else runs
};

// Builds (but does not start) the backend; call create_interface() to bring it up. Errors
// say what was asked, what is missing and how to fix it.
Result<std::unique_ptr<Backend>> make_backend(BackendOptions options);

// "auto" | "kernel" | "userspace".
Result<BackendKind> parse_backend_kind(const std::string& text);

}  // namespace wgmesh::wg
