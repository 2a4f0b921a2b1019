// One host of a bed: a network namespace with eth0 on the bed's switch (or behind its NAT
// router), lo up, its underlay addresses, and a private directory. Commands run inside it;
// long-running programs additionally get a private /run, so every host can have its own
// /run/wireguard/wg0.sock as on a real machine.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/bed_layout.h"
#include "harness/process.h"
#include "harness/subprocess.h"

namespace wgmesh::testbed {

class ProcessTracker;

struct HostSpawnOptions {
  std::vector<std::string> env;  // "KEY=VALUE"
  std::string log_file;          // empty: <host dir>/<program name>.log
  // Fresh tmpfs on /run (with an empty /run/wireguard). Everything else under /run is hidden
  // from the program then: put sockets the test shares with it (NOTIFY_SOCKET, control
  // sockets) in the host directory.
  bool private_run = true;
  std::string cwd;  // empty: the host directory
};

class TestHost {
 public:
  // `tracker` may be null (a host rebuilt from a state file: nothing to track).
  TestHost(HostInfo info, std::shared_ptr<ProcessTracker> tracker);

  const HostInfo& info() const { return info_; }
  int index() const { return info_.index; }
  const std::string& name() const { return info_.name; }
  const std::string& netns() const { return info_.netns; }
  const std::string& ipv4() const { return info_.ipv4; }
  const std::string& ipv6() const { return info_.ipv6; }
  const std::string& public_ipv4() const { return info_.public_ipv4; }
  const std::string& dir() const { return info_.dir; }
  bool behind_nat() const { return info_.behind_nat(); }
  // <host dir>/<file>
  std::string path(std::string_view file) const;

  // A command inside the host's network namespace (like `ip netns exec`), cwd = host dir.
  RunResult run(const std::vector<std::string>& argv,
                std::chrono::milliseconds timeout = std::chrono::seconds(30),
                const std::string& input = {}) const;
  // run() that throws CommandError unless the command succeeds.
  RunResult check(const std::vector<std::string>& argv,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30),
                  const std::string& input = {}) const;
  // A command in the mount + network namespaces of `process` (which runs in this host), so
  // it sees that process's private /run: e.g. `wg set wg0 ...` next to a wireguard-go.
  RunResult run_in(const Process& process, const std::vector<std::string>& argv,
                   std::chrono::milliseconds timeout = std::chrono::seconds(30),
                   const std::string& input = {}) const;

  // Starts a long-running program inside the host with a private /run. Its PID is the
  // program's own; the bed stops it (SIGTERM, then SIGKILL) before deleting the namespaces
  // even if the test still holds the handle. Throws std::runtime_error if it cannot start.
  Process spawn(const std::vector<std::string>& argv, std::vector<std::string> env = {},
                std::string log_file = {}) const;
  Process spawn_with(const std::vector<std::string>& argv, HostSpawnOptions options) const;

 private:
  HostInfo info_;
  std::shared_ptr<ProcessTracker> tracker_;
};

}  // namespace wgmesh::testbed
