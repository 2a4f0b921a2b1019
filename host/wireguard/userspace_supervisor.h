// Runs a userspace WireGuard implementation (wireguard-go by default) as a child process
// when the kernel has no WireGuard: spawns it in the foreground, waits until its UAPI socket
// answers, notices when it dies, and stops and reaps it (SIGTERM, then SIGKILL) on stop()
// or destruction. wireguard-go removes its TUN device and socket when it exits.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "wireguard/types.h"

namespace wgmesh::wg {

struct SupervisorOptions {
  std::string ifname;                             // passed as `-f <ifname>`
  std::string program = "wireguard-go";           // looked up in PATH unless it contains '/'
  std::string socket_dir = "/var/run/wireguard";  // where <ifname>.sock appears
  std::string log_level = "error";  // LOG_LEVEL for wireguard-go: verbose|error|silent
  std::string log_path;             // child's stdout+stderr (appended); empty: /dev/null
  // Optional: start the program inside this named network namespace via
  // `ip netns exec <netns> <program> -f <ifname>` (ip execs, so the PID is the program's).
  // The daemon itself runs inside its namespace and leaves this empty; tests use it.
  std::string netns;
  std::string ip_program = "ip";
  std::vector<std::string> extra_env;  // "KEY=VALUE" entries added to the environment
  std::chrono::milliseconds ready_timeout{5000};
  std::chrono::milliseconds stop_timeout{3000};  // SIGTERM grace period before SIGKILL
  // The child gets SIGTERM if the daemon dies without stopping it (PR_SET_PDEATHSIG), so a
  // crashed daemon does not leave wireguard-go holding the interface. Linux sends it when the
  // *thread* that called start() exits: call start() from a long-lived thread (the loop
  // thread), or turn this off.
  bool die_with_parent = true;
};

class UserspaceSupervisor {
 public:
  explicit UserspaceSupervisor(SupervisorOptions options);
  ~UserspaceSupervisor();  // stop()
  UserspaceSupervisor(const UserspaceSupervisor&) = delete;
  UserspaceSupervisor& operator=(const UserspaceSupervisor&) = delete;

  // Spawns the program and waits (at most ready_timeout) until its UAPI socket accepts a
  // connection. Fails with a message naming the program and the log's last lines if the
  // program is missing, exits early, or never creates the socket; in the last case the child
  // is stopped before returning. Refuses to start if the socket is already served by another
  // process (the ready check would otherwise be fooled by it).
  Status start();

  // SIGTERM, wait up to stop_timeout, then SIGKILL; always reaps. Idempotent.
  Status stop();

  // Reaps the child if it has exited (non-blocking). False once it is gone.
  bool running();

  pid_t pid() const { return pid_; }
  // A pidfd that becomes readable when the child exits, for an event loop to watch;
  // -1 if none (not started, or the kernel lacks pidfd_open).
  int pidfd() const { return pidfd_; }
  // "exited with status 1", "killed by signal 9"; empty while running or never started.
  std::string exit_description() const;
  std::string socket_path() const;
  const SupervisorOptions& options() const { return options_; }

 private:
  Status spawn();
  void reaped(int wait_status);
  std::string log_tail() const;

  SupervisorOptions options_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<int> wait_status_;
};

// True if a UAPI server accepts connections on `path` (a stale socket file does not count).
bool uapi_socket_live(const std::string& path);

// Looks `program` up like execvp would; empty if not found or not executable.
std::string find_program(const std::string& program);

}  // namespace wgmesh::wg
