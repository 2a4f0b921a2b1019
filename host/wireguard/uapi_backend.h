// Backend for userspace WireGuard implementations, over their UAPI unix socket
// (<socket_dir>/<ifname>.sock). Requests go one at a time, never pipelined: wireguard-go reads
// a `set` with a buffered scanner that swallows anything sent after it. The connection is kept
// between requests (wireguard-go serves any number of them on one connection), which saves a
// connect, an accept and a server goroutine per device read; it is checked before each reuse
// and reopened when the server closed it (a restarted wireguard-go, a server that answers one
// request per connection), and dropped after any failure. Should a server keep connections
// open yet not answer a second request, the backend falls back to one connection per request.
// Every wait is bounded by an inactivity timeout, so a wedged server cannot hang the daemon,
// while a large but progressing transfer is never cut off.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "wireguard/backend.h"
#include "wireguard/public_key_memo.h"
#include "wireguard/uapi_connection.h"
#include "wireguard/userspace_supervisor.h"

namespace wgmesh::wg {

struct UapiOptions {
  std::string ifname;
  std::string socket_dir = "/var/run/wireguard";
  // Longest time without any progress (connect, a write, a read) before a request fails.
  std::chrono::milliseconds io_timeout{5000};
  std::size_t max_response_bytes = 64u << 20;  // a get reply larger than this is refused
  bool keep_connection = true;                 // false: one connection per request, as `wg` does
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
  // Connections opened so far (for tests and benchmarks).
  uint64_t connections_opened() const { return connections_opened_; }

 private:
  // The kept connection if it can carry a request, else a new one; `reused` tells which.
  Result<UapiConnection*> connection(bool& reused);
  void forget_connection() { kept_.reset(); }
  template <typename R, typename Attempt>
  R with_one_retry(Attempt attempt);
  Result<DeviceState> get_once(bool& reused);
  Status set_once(const DeviceUpdate& update, bool& reused, bool& retry_safe);

  UapiOptions options_;
  std::unique_ptr<UserspaceSupervisor> supervisor_;
  std::optional<UapiConnection> kept_;
  PublicKeyMemo public_keys_;
  uint64_t connections_opened_ = 0;
};

}  // namespace wgmesh::wg
