#include "wireguard/backend_factory.h"

namespace wgmesh::wg {
namespace {

Result<std::unique_ptr<Backend>> make_userspace(BackendOptions& o, const std::string& context) {
  std::unique_ptr<UserspaceSupervisor> supervisor;
  const std::string sock = o.uapi.socket_dir + "/" + o.ifname + ".sock";
  if (o.spawn_userspace && !uapi_socket_live(sock)) {
    if (find_program(o.supervisor.program).empty())
      return Error{context + "userspace WireGuard program '" + o.supervisor.program +
                   "' not found in PATH (install wireguard-go, or set the program path)"};
    o.supervisor.ifname = o.ifname;
    o.supervisor.socket_dir = o.uapi.socket_dir;
    supervisor = std::make_unique<UserspaceSupervisor>(o.supervisor);
  }
  return std::unique_ptr<Backend>(std::make_unique<UapiBackend>(o.uapi, std::move(supervisor)));
}

}  // namespace

Result<BackendKind> parse_backend_kind(const std::string& text) {
  if (text == "auto") return BackendKind::kAuto;
  if (text == "kernel") return BackendKind::kKernel;
  if (text == "userspace") return BackendKind::kUserspace;
  return Error{"unknown WireGuard backend '" + text + "' (expected auto, kernel or userspace)"};
}

Result<std::unique_ptr<Backend>> make_backend(BackendOptions o) {
  if (!is_valid_ifname(o.ifname)) return Error{"invalid interface name '" + o.ifname + "'"};
  o.kernel.ifname = o.ifname;
  o.uapi.ifname = o.ifname;

  switch (o.kind) {
    case BackendKind::kKernel: {
      std::string why;
      if (!KernelBackend::available(&why))
        return Error{"WireGuard backend 'kernel' requested, but " + why +
                     " (load the module, or use backend 'userspace' or 'auto')"};
      return std::unique_ptr<Backend>(std::make_unique<KernelBackend>(o.kernel));
    }
    case BackendKind::kUserspace:
      return make_userspace(o, "WireGuard backend 'userspace' requested, but ");
    case BackendKind::kAuto:
      break;
  }
  if (uapi_socket_live(o.uapi.socket_dir + "/" + o.ifname + ".sock")) {
    o.spawn_userspace = false;  // someone already runs it: adopt, do not start a second one
    return make_userspace(o, "");
  }
  std::string why;
  if (KernelBackend::available(&why))
    return std::unique_ptr<Backend>(std::make_unique<KernelBackend>(o.kernel));
  if (!o.spawn_userspace)
    return Error{"no WireGuard backend: " + why + ", and no userspace process serves " +
                 o.uapi.socket_dir + "/" + o.ifname + ".sock (spawning one is disabled)"};
  return make_userspace(o, "no WireGuard backend: " + why + ", and the ");
}

}  // namespace wgmesh::wg
