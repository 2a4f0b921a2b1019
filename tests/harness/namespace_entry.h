// Entering a test host from a freshly forked child: its network namespace (by name), or the
// mount + network namespaces of a process already running there, optionally with a private
// tmpfs on /run. Everything that allocates or can throw happens in prepare(), before fork;
// enter() only makes system calls, so it is safe between fork and exec of a process that may
// have other threads (sanitizer runtimes, test frameworks).
#pragma once

#include <sys/types.h>

#include <string>

#include "harness/unique_fd.h"

namespace wgmesh::testbed {

struct NamespaceSpec {
  // Named network namespace (/run/netns/<netns>). Like `ip netns exec`, the child also gets
  // its own mount namespace with /sys remounted, so /sys/class/net shows that namespace.
  std::string netns;
  // Join this process's mount and network namespaces instead (e.g. to run `wg` next to a
  // wireguard-go that lives behind a private /run). Excludes `netns` and `private_run`.
  pid_t join_pid = 0;
  // A fresh tmpfs on /run with an empty /run/wireguard, so several hosts can each serve
  // /run/wireguard/wg0.sock: UAPI sockets are not per network namespace.
  bool private_run = false;
};

class PreparedEntry {
 public:
  PreparedEntry() = default;
  // Opens the namespace handles; throws std::runtime_error if a namespace does not exist.
  static PreparedEntry prepare(const NamespaceSpec& spec);

  // Runs in the child. Returns 0, or an errno with *step naming the call that failed.
  int enter(const char** step) const noexcept;

 private:
  UniqueFd net_;
  UniqueFd mnt_;
  bool new_mount_ns_ = false;
  bool remount_sys_ = false;
  bool sys_read_only_ = false;
  bool private_run_ = false;
  std::string sysfs_source_;  // shows up in /proc/mounts; `ip netns exec` uses the ns name
};

}  // namespace wgmesh::testbed
