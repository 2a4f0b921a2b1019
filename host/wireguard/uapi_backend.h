// Backend for userspace WireGuard implementations, over their UAPI unix socket
// (<socket_dir>/<ifname>.sock). One connection per request: wireguard-go reads a `set` with a
// buffered scanner that swallows anything after it, so requests cannot be pipelined.
// Every wait is bounded by an inactivity timeout, so a wedged server cannot hang the daemon,
// while a large but progressing transfer is never cut off.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "wireguard/backend.h"
#include "wireguard/userspace_supervisor.h"

namespace wgmesh::wg {

struct UapiOptions {
  std::string ifname;
  std::string socket_dir = "/var/run/wireguard";
  // Longest time without any progress (connect, a write, a read) before a request fails.
  std::chrono::milliseconds io_timeout{5000};
  std::size_t max_response_bytes = 64u << 20;  // a get reply larger than this is refused
};

class UapiBackend final : public Backend {
 public:
  // With a supervisor, create_interface() starts the program and delete_interface() stops it.
  // Without one, the interface is expected to be run by someone else (adopted as is).
  explicit UapiBackend(UapiOptions options,
                       std::unique_ptr<UserspaceSupervisor> supervisor = nullptr);
  ~UapiBackend() override;

  std::string name() const override { return "userspace"; }
  const std::string& ifname() const override { return options_.ifname; }
  Result<DeviceState> get_device() override;
  Status set_device(const DeviceUpdate& update) override;
  Status create_interface() override;
  Status delete_interface() override;
  bool interface_exists() override;

  std::string socket_path() const;
  UserspaceSupervisor* supervisor() { return supervisor_.get(); }

 private:
  UapiOptions options_;
  std::unique_ptr<UserspaceSupervisor> supervisor_;
};

}  // namespace wgmesh::wg
