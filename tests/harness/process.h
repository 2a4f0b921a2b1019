// A long-running program started by the harness (a daemon, wireguard-go, a STUN server).
// RAII: destroying the handle stops the program (SIGTERM, then SIGKILL) and reaps it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace wgmesh::testbed {

namespace detail {
class ChildState;
}

class Process {
 public:
  Process() = default;
  explicit Process(std::shared_ptr<detail::ChildState> state);
  ~Process();
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;  // stops the program this handle held
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool valid() const { return state_ != nullptr; }
  pid_t pid() const;
  // Reaps the program if it has exited; false from then on.
  bool alive();
  // False if the program is gone (signals are never sent to a reaped, maybe reused PID).
  bool signal(int sig);
  // The exit status (exit code, or 128 + signal) once the program exited within `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  // SIGTERM, up to `grace` for a clean exit, then SIGKILL (also to its process group).
  int kill_and_wait(std::chrono::milliseconds grace = std::chrono::seconds(3));
  std::optional<int> exit_status() const;

  // Resident set (KiB) and user+system CPU time (clock ticks); empty once gone.
  std::optional<long> rss_kb() const;
  std::optional<long long> cpu_ticks() const;
  // CPU time in nanoseconds (schedstat of its threads), for figures finer than ticks.
  std::optional<long long> cpu_ns() const;

  // stdout + stderr of the program (appended); empty path if it went to /dev/null.
  const std::string& log_file() const;
  std::string read_log() const;
  bool log_contains(std::string_view text) const;

  // `path` as the program sees it, reachable from outside through /proc/PID/root: e.g.
  // path_in_root("/run/wireguard/wg0.sock") inside a private /run.
  std::string path_in_root(std::string_view path) const;

  // Stop tracking the program without stopping it (tests that leak a process on purpose).
  void release();

 private:
  std::shared_ptr<detail::ChildState> state_;
};

}  // namespace wgmesh::testbed
