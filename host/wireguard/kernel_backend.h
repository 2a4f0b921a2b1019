// Backend for the in-kernel WireGuard: generic netlink family "wireguard" for device and
// peer configuration (messages built by kernel_codec.h), rtnetlink for the link itself.
// On kernels without the module, available() is false and the factory falls back to the
// userspace backend.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "wireguard/backend.h"
#include "wireguard/kernel_codec.h"
#include "wireguard/netlink_route.h"

struct nl_sock;

namespace wgmesh::wg {

struct KernelOptions {
  std::string ifname;
  std::size_t max_message_size = genl::kDefaultMessageSize;
};

class KernelBackend final : public Backend {
 public:
  // Whether the running kernel has the "wireguard" generic netlink family (module loaded).
  // If `why_not` is given, it receives the reason when the answer is false.
  static bool available(std::string* why_not = nullptr);

  explicit KernelBackend(KernelOptions options);
  ~KernelBackend() override;

  // Connects and resolves the family; every operation does this on first use.
  Status open();

  std::string name() const override { return "kernel"; }
  const std::string& ifname() const override { return options_.ifname; }
  Result<DeviceState> get_device() override;
  Status set_device(const DeviceUpdate& update) override;
  Status create_interface() override;
  Status delete_interface() override;
  bool interface_exists() override;

 private:
  struct SockDeleter {
    void operator()(nl_sock* s) const;
  };

  KernelOptions options_;
  std::unique_ptr<nl_sock, SockDeleter> sock_;
  int family_id_ = -1;
  RouteNetlink rtnl_;
};

}  // namespace wgmesh::wg
